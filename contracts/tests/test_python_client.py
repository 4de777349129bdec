"""platform_client.session (the hand-written part of the Python client) with the generated clients, against a fake
gateway (httpx.MockTransport): the token on every call but the anonymous ones, one refresh for concurrent 401s, the
problem's detail in ApiError, the SSE stream from Last-Event-ID, and the escape hatch for a CSV result."""

from __future__ import annotations

import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from platform_client import ApiError, PlatformSession
from platform_client.auth.api.account import get_current_user, register_user
from platform_client.auth.api.tokens import logout
from platform_client.auth.api.users import get_user
from platform_client.auth.models import CreateUserRequest, RefreshRequest, User
from platform_client.inference.api.jobs import create_inference_job
from platform_client.inference.models import CreateInferenceJobFilesBody, Job
from platform_client.inference.types import File
from platform_client.reporting.api.reports import download_report
from platform_client.reporting.models import ReportFormat
from platform_client.reporting.types import File as ReportFile

BASE = "http://gateway.test"
NOW = "2026-11-24T17:41:00Z"
USER = {"id": str(uuid.uuid4()), "email": "ada@example.com", "name": "Ada Lovelace", "role": "user",
        "created_at": NOW, "updated_at": NOW}
PROBLEM = {"Content-Type": "application/problem+json"}


class FakeGateway:
    """Accepts only the latest access token; a refresh token works once."""

    def __init__(self) -> None:
        self.generation = 1
        self.requests: list[httpx.Request] = []
        self.lock = threading.Lock()

    def tokens(self) -> dict:
        return {"access_token": f"access-{self.generation}", "refresh_token": f"refresh-{self.generation}",
                "token_type": "Bearer", "expires_in": 900}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.requests.append(request)
        path = request.url.path
        if path == "/api/auth/login":
            return httpx.Response(200, json=self.tokens())
        if path == "/api/auth/refresh":
            if json.loads(request.content) != {"refresh_token": f"refresh-{self.generation}"}:
                return httpx.Response(401, json={"type": "/problems/invalid-refresh-token", "title": "Unauthorized",
                                                 "status": 401}, headers=PROBLEM)
            with self.lock:
                self.generation += 1
            return httpx.Response(200, json=self.tokens())
        if path == "/api/auth/logout":
            return httpx.Response(204)
        if path == "/api/auth/register":
            return httpx.Response(422, headers=PROBLEM, json={
                "type": "/problems/validation-error", "title": "Invalid request", "status": 422,
                "detail": "2 invalid values.", "errors": [{"pointer": "/body/email", "message": "must be an email"},
                                                          {"pointer": "/body/password", "message": "too short"}]})
        if request.headers.get("Authorization") != f"Bearer access-{self.generation}":
            return httpx.Response(401, json={"type": "/problems/unauthorized", "title": "Unauthorized", "status": 401,
                                             "detail": "The access token has expired."}, headers=PROBLEM)
        if path == "/api/auth/me":
            return httpx.Response(200, json=USER)
        if path == "/api/inference/v1/jobs":
            return httpx.Response(202, json={"id": str(uuid.uuid4()), "status": "queued", "progress": 0,
                                             "total_items": 1, "processed_items": 0, "created_at": NOW})
        if path.endswith("/download"):
            return httpx.Response(200, content=b"\x89PNG\r\n", headers={"Content-Type": "image/png"})
        if path.endswith("/result"):
            return httpx.Response(200, text="row,transit_hours\n0,27.4\n", headers={"Content-Type": "text/csv"})
        if path == "/api/notifications/stream":
            after = request.headers.get("Last-Event-ID")
            messages = "".join(f"id: {n}\ndata: {json.dumps(notification(n))}\n\n" for n in (after_id(after), 2))
            return httpx.Response(200, text=messages, headers={"Content-Type": "text/event-stream"})
        return httpx.Response(502, text="<html>Bad Gateway</html>", headers={"Content-Type": "text/html"})


def notification(n: int) -> dict:
    return {"id": str(uuid.UUID(int=n)), "topic": "broadcast", "type": "notification.broadcast",
            "source": "/notification-service", "time": NOW, "data": {"message": f"message {n}"}}


def after_id(last_event_id: str | None) -> int:
    return uuid.UUID(last_event_id).int + 1 if last_event_id else 0


@pytest.fixture
def gateway() -> FakeGateway:
    return FakeGateway()


@pytest.fixture
def session(gateway: FakeGateway):
    with PlatformSession(BASE, http=httpx.Client(base_url=BASE, transport=httpx.MockTransport(gateway))) as session:
        yield session


def test_signing_in_puts_the_token_on_later_calls_only(session: PlatformSession, gateway: FakeGateway) -> None:
    session.sign_in("ada@example.com", "correct-horse-battery-staple")
    me = session.expect(get_current_user.sync_detailed(client=session.auth), User)
    assert me.email == "ada@example.com"
    assert [(r.url.path, r.headers.get("Authorization")) for r in gateway.requests] == [
        ("/api/auth/login", None), ("/api/auth/me", "Bearer access-1")]


def test_a_refused_token_is_refreshed_once_for_all_concurrent_calls(session: PlatformSession, gateway: FakeGateway) -> None:
    session.sign_in("ada@example.com", "correct-horse-battery-staple")
    session.tokens.access_token = "access-expired"
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: get_current_user.sync(client=session.auth), range(4)))
    assert all(isinstance(answer, User) for answer in answers)
    assert [r.url.path for r in gateway.requests].count("/api/auth/refresh") == 1
    assert session.tokens.access_token == "access-2"


def test_a_refused_refresh_ends_the_session_and_the_401_is_the_answer(session: PlatformSession, gateway: FakeGateway) -> None:
    session.sign_in("ada@example.com", "correct-horse-battery-staple")
    session.tokens.access_token, session.tokens.refresh_token = "access-expired", "refresh-spent"
    with pytest.raises(ApiError) as refused:
        session.expect(get_current_user.sync_detailed(client=session.auth), User)
    assert str(refused.value) == "GET /api/auth/me answered 401 Unauthorized: The access token has expired."
    assert session.tokens is None


def test_an_anonymous_operation_never_refreshes(session: PlatformSession, gateway: FakeGateway) -> None:
    session.sign_in("ada@example.com", "correct-horse-battery-staple")
    session.expect_status(logout.sync_detailed(client=session.auth, body=RefreshRequest(refresh_token="x")), 204)
    assert gateway.requests[-1].headers.get("Authorization") is None


def test_a_problem_becomes_an_error_with_its_detail_and_field_errors(session: PlatformSession) -> None:
    answer = register_user.sync_detailed(client=session.auth,
                                         body=CreateUserRequest(email="x", name="Ab", password="short"))
    with pytest.raises(ApiError) as invalid:
        session.expect(answer, User, 201)
    assert invalid.value.status == 422 and invalid.value.problem["type"] == "/problems/validation-error"
    assert str(invalid.value) == ("POST /api/auth/register answered 422 Unprocessable Entity: 2 invalid values. "
                                  "(/body/email must be an email; /body/password too short)")


def test_uploads_multipart_and_downloads_bytes(session: PlatformSession, gateway: FakeGateway) -> None:
    session.sign_in("ada@example.com", "correct-horse-battery-staple")
    upload = CreateInferenceJobFilesBody(file=File(payload=b"origin\nTX\n", file_name="jobs.csv", mime_type="text/csv"))
    job = session.expect(create_inference_job.sync_detailed(client=session.inference, body=upload), Job, 202)
    assert job.status == "queued"
    sent = gateway.requests[-1]
    assert sent.headers["Content-Type"].startswith("multipart/form-data")
    assert b'name="file"; filename="jobs.csv"' in sent.read()
    png = session.expect(download_report.sync_detailed(uuid.uuid4(), client=session.reporting, format_=ReportFormat.PNG), ReportFile)
    assert png.payload.read() == b"\x89PNG\r\n"
    # The escape hatch: the shared client, signed in, for the CSV the generated parser would read as JSON.
    assert session.http.get(f"/api/inference/v1/jobs/{job.id}/result", params={"format": "csv"}).text.startswith("row,")


def test_the_event_stream_resumes_after_the_last_event_id(session: PlatformSession, gateway: FakeGateway) -> None:
    session.sign_in("ada@example.com", "correct-horse-battery-staple")
    events = session.events(last_event_id=uuid.UUID(int=0))
    assert [event.data["message"] for event in events] == ["message 1", "message 2"]
    assert gateway.requests[-1].headers["Last-Event-ID"] == str(uuid.UUID(int=0))
    assert gateway.requests[-1].headers["Authorization"] == "Bearer access-1"


def test_the_event_stream_needs_a_signed_in_user(session: PlatformSession) -> None:
    with pytest.raises(ApiError) as refused:
        next(session.events())
    assert str(refused.value) == "GET /api/notifications/stream answered 401 Unauthorized: The access token has expired."


def test_an_error_answer_that_is_not_json_raises_in_the_generated_parser_and_is_named(session: PlatformSession) -> None:
    session.sign_in("ada@example.com", "correct-horse-battery-staple")
    with pytest.raises(ValueError):  # the gateway's HTML 502: the generated code parses `default` as a Problem
        get_user.sync_detailed(uuid.uuid4(), client=session.auth)
    error = session.latest_answer_error()
    assert error.problem is None
    assert str(error).startswith("GET /api/auth/users/") and str(error).endswith(" answered 502 Bad Gateway")
