"""ETA predictions and jobs through the gateway: inference-bridge checks the tokens itself, and its worker (a
separate process of the platform) runs the jobs."""

from __future__ import annotations

import time
from uuid import UUID

from platform_client.inference.api.jobs import create_inference_job, get_inference_job, get_inference_job_result
from platform_client.inference.api.model import get_model_card
from platform_client.inference.api.predictions import predict_eta, predict_eta_batch
from platform_client.inference.models import (CreateInferenceJobFilesBody, CreateJobRequest, EtaBatchRequest,
                                              EtaBatchResponse, EtaPrediction, Job, JobResult, JobStatus, ModelCard,
                                              Problem, Shipment)
from platform_client.inference.types import File

SHIPMENT = Shipment.from_dict({"origin": "TX", "destination": "IL", "distance_km": 1480, "weight_kg": 12000,
                               "mode": "ftl", "carrier": "swift", "pickup_at": "2026-11-24T08:00:00-06:00"})


def variant(**changes) -> Shipment:
    return Shipment.from_dict({**SHIPMENT.to_dict(), **changes})


def test_a_user_predicts_one_shipment_and_a_batch(new_account):
    api = new_account("user").api
    one = api.expect(predict_eta.sync_detailed(client=api.inference, body=SHIPMENT), EtaPrediction, 200)
    assert set(one.to_dict()) == {"transit_hours", "eta", "delay_probability", "model_version"}
    batch = api.expect(predict_eta_batch.sync_detailed(client=api.inference, body=EtaBatchRequest(
        shipments=[SHIPMENT, variant(carrier="unknown-co", mode="ltl")])), EtaBatchResponse, 200)
    assert batch.predictions[0] == one
    assert len(batch.predictions) == 2


def test_invalid_input_is_a_problem_with_pointers(new_account):
    api = new_account("user").api
    response = predict_eta_batch.sync_detailed(client=api.inference, body=EtaBatchRequest(
        shipments=[SHIPMENT, variant(distance_km=-1)]))
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert isinstance(response.parsed, Problem)
    assert [e.pointer for e in response.parsed.errors] == ["/body/shipments/1/distance_km"]


def test_the_model_card_is_served(new_account):
    api = new_account("viewer").api
    card = api.expect(get_model_card.sync_detailed(client=api.inference), ModelCard, 200)
    assert card.metrics.delay.roc_auc > 0.8


def test_a_viewer_predicts_but_cannot_submit_a_job(new_account):
    api = new_account("viewer").api
    assert predict_eta.sync_detailed(client=api.inference, body=SHIPMENT).status_code == 200
    refused = create_inference_job.sync_detailed(client=api.inference, body=CreateJobRequest(shipments=[SHIPMENT]))
    assert refused.status_code == 403


def test_a_job_completes_its_result_downloads_and_others_cannot_read_it(new_account):
    owner, stranger = new_account("user").api, new_account("user").api
    csv_rows = "origin,destination,distance_km,weight_kg,mode,carrier,pickup_at\n" + "".join(
        f"CA,NV,{300 + i},900,ltl,estes,2026-11-2{i % 7}T10:00:00-08:00\n" for i in range(250))
    upload = CreateInferenceJobFilesBody(file=File(payload=csv_rows.encode(), file_name="shipments.csv",
                                                   mime_type="text/csv"))
    submitted = create_inference_job.sync_detailed(client=owner.inference, body=upload)
    job = owner.expect(submitted, Job, 202)
    assert submitted.headers["Location"].endswith(f"/api/inference/v1/jobs/{job.id}")
    job_id = UUID(job.id)
    deadline = time.monotonic() + 60
    while job.status not in (JobStatus.SUCCEEDED, JobStatus.FAILED):
        assert time.monotonic() < deadline, f"the job did not finish: {job}"
        time.sleep(0.2)
        job = owner.expect(get_inference_job.sync_detailed(job_id, client=owner.inference), Job, 200)
    assert job.status == JobStatus.SUCCEEDED, job
    assert job.processed_items == 250

    result = owner.expect(get_inference_job_result.sync_detailed(job_id, client=owner.inference), JobResult, 200)
    assert [p.row for p in result.predictions] == list(range(250))
    # Raw: the generated parser reads every 200 of this operation as JSON, whatever `format` asked for.
    as_csv = owner.http.get(job.result_url, params={"format": "csv"})
    assert as_csv.status_code == 200 and len(as_csv.text.splitlines()) == 251

    assert get_inference_job.sync_detailed(job_id, client=stranger.inference).status_code == 404
    assert get_inference_job_result.sync_detailed(job_id, client=stranger.inference).status_code == 404
