"""Every error answers RFC 9457 problem+json, and a 500 reveals nothing of the failure."""

import json
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import pytest
from contract_types.problems import ProblemType
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from redis import exceptions as redis_errors
from redis.asyncio import Redis

from service_kit import ServiceSettings
from service_kit.outages import DEPENDENCY_UNAVAILABLE_DETAIL, is_dependency_outage
from service_kit.problems import json_pointer, problem_instance
from service_kit.redis_client import get_redis

PROBLEM_JSON = "application/problem+json"
# RFC 3986's path-absolute, the shape of every `instance` (a URI reference; jsonschema checks that format only with
# an extra package, so the tests check it themselves).
URI_PATH = re.compile(r"(/([A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})*)+")
VALIDATION_ERROR = ProblemType.VALIDATION_ERROR.value


@pytest.fixture(scope="module")
def problem_contract(pytestconfig: pytest.Config) -> Draft202012Validator:
    """The platform's problem schema, which the Java services answer too."""
    schema = json.loads(Path(pytestconfig.rootpath, "contracts/schemas/problem.schema.json").read_text())
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.fixture
def assert_problem(problem_contract: Draft202012Validator):
    def check(response, status: int) -> dict:
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == PROBLEM_JSON
        problem = response.json()
        problem_contract.validate(problem)
        assert problem["status"] == status
        # The path as the client sent it (percent-encoded), a URI reference: not httpx's decoded url.path.
        assert problem["instance"] == response.request.url.raw_path.decode("ascii").partition("?")[0]
        assert URI_PATH.fullmatch(problem["instance"]), problem["instance"]
        # One type scheme: `/problems/<name>` of contracts/problems, with that type's title (never about:blank).
        assert problem["title"] == ProblemType(problem["type"]).title
        return problem

    return check


def test_bad_query_parameter_is_a_422_pointing_at_the_parameter(client: TestClient, assert_problem):
    problem = assert_problem(client.get("/api/demo/items", params={"page": "zero"}), 422)
    assert problem["type"] == VALIDATION_ERROR
    assert [error["pointer"] for error in problem["errors"]] == ["/query/page"]
    assert "integer" in problem["errors"][0]["message"]


def test_bad_path_parameter_points_at_the_path(client: TestClient, assert_problem):
    problem = assert_problem(client.get("/api/demo/items/abc"), 422)
    assert [error["pointer"] for error in problem["errors"]] == ["/path/item_id"]


def test_bad_body_fields_point_into_the_body(client: TestClient, assert_problem):
    response = client.post("/api/demo/users", json={"name": "A", "address": {"zip_code": "x"}})
    problem = assert_problem(response, 422)
    assert problem["type"] == VALIDATION_ERROR
    messages = {error["pointer"]: error["message"] for error in problem["errors"]}
    assert set(messages) == {"/body/name", "/body/age", "/body/address/zip_code"}
    assert messages["/body/age"] == "Field required"


def test_invalid_path_query_and_body_are_reported_in_one_answer(client: TestClient, assert_problem):
    response = client.put("/api/demo/items/abc/owner", params={"notify": "perhaps"}, json={"name": "A"})
    problem = assert_problem(response, 422)
    assert problem["type"] == VALIDATION_ERROR
    assert {error["pointer"] for error in problem["errors"]} == {
        "/path/item_id", "/query/notify", "/body/name", "/body/age"}
    assert problem["detail"] == "4 invalid value(s) in the request; see errors."


def test_body_that_is_not_json_is_a_400(client: TestClient, assert_problem):
    response = client.post(
        "/api/demo/users", content=b'{"name": "Ada",', headers={"content-type": "application/json"}
    )
    problem = assert_problem(response, 400)
    assert problem["type"] == "/problems/malformed-body"
    assert problem["title"] == "Malformed request body"
    assert [error["pointer"] for error in problem["errors"]] == ["/body"]


def test_valid_input_reaches_the_handler(client: TestClient):
    response = client.post("/api/demo/users", json={"name": "Ada", "age": 36, "address": {"zip_code": "12345"}})
    assert response.status_code == 201, response.text


def test_unknown_path_is_a_404(client: TestClient, assert_problem):
    problem = assert_problem(client.get("/api/demo/no/such/thing"), 404)
    assert problem["type"] == "/problems/not-found"
    assert problem["title"] == "Not Found"
    assert "errors" not in problem


@pytest.mark.parametrize("method", ["DELETE", "PUT", "PATCH", "OPTIONS"])
def test_wrong_method_is_a_405_that_names_every_method_of_the_path(client: TestClient, assert_problem, method):
    """GET and POST /items are two routes; Starlette's 405 named the first one's method only (`Allow: GET`)."""
    response = client.request(method, "/api/demo/items")
    problem = assert_problem(response, 405)
    assert problem["type"] == "/problems/method-not-allowed"
    assert problem["title"] == "Method Not Allowed"
    assert response.headers["allow"] == "GET, HEAD, POST"


def test_a_405_names_only_the_methods_of_routes_matching_the_path(client: TestClient, assert_problem):
    one_item = client.delete("/api/demo/items/7")
    assert_problem(one_item, 405)
    assert one_item.headers["allow"] == "GET, HEAD"  # not /items' POST, nor /items/{id}/owner's PUT
    assert client.get("/api/demo/users").headers["allow"] == "POST"  # no GET, so no HEAD


def test_head_is_served_wherever_get_is_as_get_without_a_body(client: TestClient, assert_problem):
    get, head = client.get("/api/demo/items", params={"page": 3}), client.head("/api/demo/items", params={"page": 3})
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-length"] == get.headers["content-length"] == str(len(get.content))
    assert head.headers["content-type"] == get.headers["content-type"]
    assert client.head("/api/demo/service-info").status_code == 200  # the kit's own routes too
    assert client.head("/api/demo/items", params={"page": "zero"}).status_code == 422
    not_allowed = client.head("/api/demo/users")  # no GET there: a HEAD stays a HEAD, and is not allowed
    assert not_allowed.status_code == 405 and not_allowed.headers["allow"] == "POST"


def test_http_exception_from_a_handler_keeps_its_detail(client: TestClient, assert_problem):
    problem = assert_problem(client.post("/api/demo/reports"), 409)
    assert problem["type"] == "/problems/conflict" and problem["title"] == "Conflict"
    assert problem["detail"] == "A report of this type is already running."


def test_a_status_without_a_type_of_its_own_gets_the_fallback_type_and_keeps_its_status(
    client: TestClient, assert_problem
):
    problem = assert_problem(client.get("/api/demo/teapot"), 418)
    assert problem["type"] == "/problems/bad-request" and problem["title"] == "Bad Request"
    assert problem["detail"] == "This service brews no coffee."


def test_exception_in_a_handler_is_a_500_without_internals_and_is_logged(
    client: TestClient, assert_problem, caplog: pytest.LogCaptureFixture
):
    with caplog.at_level(logging.ERROR, logger="service_kit"):
        response = client.get("/api/demo/crash", headers={"X-Request-Id": "crash-42"})

    problem = assert_problem(response, 500)
    assert problem["type"] == "/problems/internal-error"
    assert "crash-42" in problem["detail"], "the client needs the id to report the error"
    for internal in ("hunter2", "RuntimeError", "Traceback", "conftest"):
        assert internal not in response.text
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.exc_info is not None and isinstance(record.exc_info[1], RuntimeError)
    assert response.headers["x-request-id"] == "crash-42"


async def count_visit(redis: Annotated[Redis, Depends(get_redis)]) -> int:
    return await redis.incr("demo:visits")


def test_an_unreachable_redis_is_a_503_to_retry_logged_once_as_a_warning_without_its_stack(
    make_demo_app: Callable[..., FastAPI], unreachable_redis_url: str, assert_problem, caplog: pytest.LogCaptureFixture
):
    """Issue 19: a request that met Redis restarting was a 500, as if the service had a defect."""
    # A real refused connection: the kit's app, its Redis client and its retries as in production.
    app = make_demo_app(ServiceSettings(REDIS_URL=unreachable_redis_url, INSTANCE_ID="demo-1"))
    app.add_api_route("/api/demo/visits", count_visit, methods=["POST"])

    with caplog.at_level(logging.WARNING, logger="service_kit"), TestClient(app) as client:
        response = client.post("/api/demo/visits", headers={"X-Request-Id": "outage-7"})

    problem = assert_problem(response, 503)
    assert problem["type"] == "/problems/service-unavailable" and problem["title"] == "Service Unavailable"
    assert problem["detail"] == DEPENDENCY_UNAVAILABLE_DETAIL
    assert response.headers["retry-after"] == "1"
    assert response.headers["x-request-id"] == "outage-7"
    port = unreachable_redis_url.rpartition(":")[2].partition("/")[0]
    for internal in (port, "127.0.0.1", "redis://", "ConnectionError", "refused", "Traceback"):
        assert internal not in response.text
    [record] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert "POST /api/demo/visits" in record.getMessage() and "ConnectionError" in record.getMessage()


@pytest.mark.parametrize(("error", "outage"), [
    (redis_errors.ConnectionError("refused"), True),
    (redis_errors.TimeoutError("no answer"), True),
    (redis_errors.BusyLoadingError("LOADING"), True),  # a restarted Redis still reading its data
    (redis_errors.AuthenticationError("invalid password"), False),  # configuration: no retry cures it
    (redis_errors.AuthorizationError("no permission"), False),
    (redis_errors.ResponseError("WRONGTYPE"), False),  # a defect of the caller
    (ConnectionRefusedError(), False),  # not Redis: the kit knows nothing of other dependencies
])
def test_only_a_redis_that_cannot_be_reached_is_a_dependency_outage(error: Exception, outage: bool):
    assert is_dependency_outage(error) is outage


@pytest.mark.parametrize("path", ["/api/demo/no such/thing", "/api/demo/ünïcode/ß", "/api/demo/%2F/a%20b"])
def test_a_problems_instance_is_the_path_as_sent_never_the_decoded_one(client: TestClient, assert_problem, path):
    """The fuzzer found problems whose instance was the decoded path (a space, a non-ASCII letter): no URI reference."""
    assert_problem(client.get(path), 404)  # instance: the raw path, checked to be a URI reference


def test_a_problems_instance_from_any_path_the_server_passes_on_is_a_uri_reference():
    """A server hands on what the request line held: bytes outside URIs and stray `%` are percent-encoded."""
    raw = b'/api/a%20b/{x}"|^`\\<>/\xc3\xbc/%zz/%4'
    assert problem_instance({"raw_path": raw, "path": "unused"}) == (
        "/api/a%20b/%7Bx%7D%22%7C%5E%60%5C%3C%3E/%C3%BC/%25zz/%254")
    assert problem_instance({"path": "/api/a b/ü"}) == "/api/a%20b/%C3%BC"  # a server without raw_path
    for instance in (problem_instance({"raw_path": raw}), problem_instance({"path": "/api/a b/ü"})):
        assert URI_PATH.fullmatch(instance)


def test_json_pointer_escapes_slash_and_tilde():
    assert json_pointer(("body", "a/b", "m~n", 0)) == "/body/a~1b/m~0n/0"


def test_openapi_documents_the_problem_shape_instead_of_fastapi_default(demo_app: FastAPI):
    document = demo_app.openapi()
    validate(document)
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert set(schemas["Problem"]["required"]) == {"type", "title", "status"}
    responses = document["paths"]["/api/demo/users"]["post"]["responses"]
    assert set(responses) == {"201", "default"}
    assert responses["default"]["content"][PROBLEM_JSON]["schema"] == {"$ref": "#/components/schemas/Problem"}


def test_ops_endpoints_are_not_in_the_openapi_document(demo_app: FastAPI):
    # /health and /metrics are for operators; the contract drift check compares only the API.
    assert not {"/health", "/metrics"} & set(demo_app.openapi()["paths"])
