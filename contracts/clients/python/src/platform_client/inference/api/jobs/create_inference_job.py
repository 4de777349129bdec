from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.create_inference_job_files_body import CreateInferenceJobFilesBody
from ...models.create_job_request import CreateJobRequest
from ...models.job import Job
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: CreateJobRequest | CreateInferenceJobFilesBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/inference/v1/jobs",
    }

    if isinstance(body, CreateJobRequest):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"
    if isinstance(body, CreateInferenceJobFilesBody):
        _kwargs["files"] = body.to_multipart()

        headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Job | Problem:
    if response.status_code == 202:
        response_202 = Job.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Job | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateJobRequest | CreateInferenceJobFilesBody,
) -> Response[Job | Problem]:
    """Submit up to 100,000 shipments (JSON, or a CSV upload) for a queued prediction job

     Roles `user` and `admin`; a `viewer` gets 403. The body is either JSON (`{"shipments": [...]}`) or
    `multipart/form-data` with a CSV `file` whose header names the seven shipment fields. Every row is
    validated first (422 with pointers such as `/body/shipments/3/mode` or `/body/file/3/mode`, the
    CSV's data rows counted from 0). The job and its input are kept in Redis (24 h by default,
    INFERENCE_JOB_TTL_SECONDS) and `inference.job.requested` goes onto `inference.jobs`; the inference
    worker publishes `inference.job.progress` (at most about once a second), then
    `inference.job.completed` or `inference.job.failed`, and one `inference.usage`, on platform.events.
    Poll `Location` or listen to the notifications.

    Args:
        body (CreateJobRequest):
        body (CreateInferenceJobFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Job | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: CreateJobRequest | CreateInferenceJobFilesBody,
) -> Job | Problem | None:
    """Submit up to 100,000 shipments (JSON, or a CSV upload) for a queued prediction job

     Roles `user` and `admin`; a `viewer` gets 403. The body is either JSON (`{"shipments": [...]}`) or
    `multipart/form-data` with a CSV `file` whose header names the seven shipment fields. Every row is
    validated first (422 with pointers such as `/body/shipments/3/mode` or `/body/file/3/mode`, the
    CSV's data rows counted from 0). The job and its input are kept in Redis (24 h by default,
    INFERENCE_JOB_TTL_SECONDS) and `inference.job.requested` goes onto `inference.jobs`; the inference
    worker publishes `inference.job.progress` (at most about once a second), then
    `inference.job.completed` or `inference.job.failed`, and one `inference.usage`, on platform.events.
    Poll `Location` or listen to the notifications.

    Args:
        body (CreateJobRequest):
        body (CreateInferenceJobFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Job | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateJobRequest | CreateInferenceJobFilesBody,
) -> Response[Job | Problem]:
    """Submit up to 100,000 shipments (JSON, or a CSV upload) for a queued prediction job

     Roles `user` and `admin`; a `viewer` gets 403. The body is either JSON (`{"shipments": [...]}`) or
    `multipart/form-data` with a CSV `file` whose header names the seven shipment fields. Every row is
    validated first (422 with pointers such as `/body/shipments/3/mode` or `/body/file/3/mode`, the
    CSV's data rows counted from 0). The job and its input are kept in Redis (24 h by default,
    INFERENCE_JOB_TTL_SECONDS) and `inference.job.requested` goes onto `inference.jobs`; the inference
    worker publishes `inference.job.progress` (at most about once a second), then
    `inference.job.completed` or `inference.job.failed`, and one `inference.usage`, on platform.events.
    Poll `Location` or listen to the notifications.

    Args:
        body (CreateJobRequest):
        body (CreateInferenceJobFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Job | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CreateJobRequest | CreateInferenceJobFilesBody,
) -> Job | Problem | None:
    """Submit up to 100,000 shipments (JSON, or a CSV upload) for a queued prediction job

     Roles `user` and `admin`; a `viewer` gets 403. The body is either JSON (`{"shipments": [...]}`) or
    `multipart/form-data` with a CSV `file` whose header names the seven shipment fields. Every row is
    validated first (422 with pointers such as `/body/shipments/3/mode` or `/body/file/3/mode`, the
    CSV's data rows counted from 0). The job and its input are kept in Redis (24 h by default,
    INFERENCE_JOB_TTL_SECONDS) and `inference.job.requested` goes onto `inference.jobs`; the inference
    worker publishes `inference.job.progress` (at most about once a second), then
    `inference.job.completed` or `inference.job.failed`, and one `inference.usage`, on platform.events.
    Poll `Location` or listen to the notifications.

    Args:
        body (CreateJobRequest):
        body (CreateInferenceJobFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Job | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
