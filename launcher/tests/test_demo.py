"""The demo's step logic against a fake gateway (httpx.MockTransport) and a fake WebSocket.

The register and login steps also run for real against the e2e platform: e2e/test_demo.py.
"""

import csv
import email
import email.policy
import io
import json
import queue
import re
import uuid

import httpx
import pytest

from launcher.demo import Demo

GATEWAY = "http://127.0.0.1:18080"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
NOW = "2026-11-24T23:00:00Z"


def problem(status: int, detail: str, errors=None) -> httpx.Response:
    body = {"type": "about:blank", "title": "Problem", "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return httpx.Response(status, json=body, headers={"Content-Type": "application/problem+json"})


class FakeSocket:
    """The server side of the notification WebSocket, scripted by the fake gateway."""

    def __init__(self, url: str, origin: str):
        self.url, self.origin = url, origin
        self.inbox: queue.Queue = queue.Queue()
        self.sent: list[dict] = []
        self.closed = False

    def push(self, frame: dict) -> None:
        self.inbox.put(json.dumps(frame))

    def recv(self, timeout=None):
        try:
            return self.inbox.get(timeout=min(timeout or 0.2, 0.2))
        except queue.Empty:
            raise TimeoutError("timed out") from None

    def send(self, message: str) -> None:
        self.sent.append(json.loads(message))

    def close(self) -> None:
        self.closed = True


class FakePlatform:
    """Answers the gateway's routes as the contracts say (the generated client reads every answer as its contract
    has it); `fail` makes one route answer a problem."""

    def __init__(self, fail: dict | None = None, job_outcome: str = "completed"):
        self.fail = fail or {}
        self.job_outcome = job_outcome
        self.user_id = str(uuid.uuid4())
        self.socket: FakeSocket | None = None
        self.requests: list[httpx.Request] = []
        self.email = None
        self.job_id = ""
        self.predicted: dict = {}
        self.uploaded: list[dict] = []
        self.report_request: dict = {}

    @staticmethod
    def uploaded_rows(request: httpx.Request) -> list[dict]:
        """The CSV of a multipart upload in form field `file`, as the inference service reads it."""
        content_type = request.headers["Content-Type"]
        assert content_type.startswith("multipart/form-data; boundary="), content_type
        message = email.message_from_bytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + request.content,
                                           policy=email.policy.HTTP)
        [part] = [p for p in message.iter_parts() if p.get_param("name", header="content-disposition") == "file"]
        return list(csv.DictReader(io.StringIO(part.get_content())))

    def user(self, name: str) -> dict:
        return {"id": self.user_id, "email": self.email, "name": name, "role": "user", "created_at": NOW, "updated_at": NOW}

    def connect(self, url: str, origin: str) -> FakeSocket:
        self.socket = FakeSocket(url, origin)
        self.socket.push({"type": "hello", "connection_id": str(uuid.uuid4()), "user_id": self.user_id, "role": "user",
                          "topics": [f"user:{self.user_id}", "broadcast"], "heartbeat_interval_ms": 25000,
                          "max_message_bytes": 65536, "server_time": "2026-11-24T23:00:00Z"})
        return self.socket

    def event(self, event_type: str, data: dict) -> None:
        self.socket.push({"type": "event", "id": str(uuid.uuid4()), "topic": f"user:{self.user_id}",
                          "event_type": event_type, "source": "/test", "time": "2026-11-24T23:00:00Z",
                          "dataschema": "https://polyglot.dev/schemas/events/x.json", "data": data})

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if path in self.fail:
            return self.fail[path]
        signed_in = request.headers.get("Authorization") == "Bearer access-1"
        if path == "/api/auth/register":
            body = json.loads(request.content)
            self.email = body["email"]
            return httpx.Response(201, json=self.user(body["name"]))
        if path == "/api/auth/login":
            return httpx.Response(200, json={"access_token": "access-1", "refresh_token": "r", "token_type": "Bearer", "expires_in": 900})
        if not signed_in:
            return problem(401, "A bearer token is required.")
        if path == "/api/auth/me":
            return httpx.Response(200, json=self.user("Demo User"))
        if path == "/api/inference/v1/eta":
            self.predicted = json.loads(request.content)
            return httpx.Response(200, json={"transit_hours": 27.41, "eta": "2026-11-25T17:24:36Z",
                                             "delay_probability": 0.0312, "model_version": "1.1.2726225545"})
        if path == "/api/notifications/ticket":
            return httpx.Response(201, json={"ticket": "t" * 43, "expires_at": NOW, "ws_url": "/ws/notifications?ticket=" + "t" * 43})
        if path == "/api/inference/v1/jobs":
            job_id = self.job_id = str(uuid.uuid4())
            items = self.uploaded = self.uploaded_rows(request)
            self.event("report.progress", {"report_id": "someone-else", "progress": 1})  # not ours: ignored
            self.socket.inbox.put(json.dumps({"type": "ping", "nonce": "n1"}))
            self.event("inference.job.progress", {"job_id": job_id, "user_id": self.user_id, "progress": 33,
                                                  "processed_items": 1, "total_items": len(items)})
            if self.job_outcome == "completed":
                self.event("inference.job.completed", {
                    "job_id": job_id, "user_id": self.user_id, "model_version": "1.1.2726225545", "total_items": len(items),
                    "succeeded_items": len(items), "failed_items": 0, "result_url": f"/api/inference/v1/jobs/{job_id}/result",
                    "duration_ms": 42, "completed_at": "2026-11-24T23:00:01Z"})
            elif self.job_outcome == "failed":
                self.event("inference.job.failed", {"job_id": job_id, "user_id": self.user_id, "error_code": "model_unavailable",
                                                     "reason": "no model is loaded", "failed_at": "2026-11-24T23:00:01Z"})
            return httpx.Response(202, json={"id": job_id, "status": "queued", "progress": 0, "total_items": len(items),
                                             "processed_items": 0, "created_at": NOW})
        if path == f"/api/inference/v1/jobs/{self.job_id}/result":
            return httpx.Response(200, json={"job_id": self.job_id, "model_version": "1.1.2726225545", "predictions": [
                {"row": n, "transit_hours": 20.5 + n, "eta": "2026-11-25T17:24:36Z", "delay_probability": 0.1} for n in range(3)]})
        if path == "/api/reports" and request.method == "POST":
            self.report_request = json.loads(request.content)
            report_id = str(uuid.uuid4())
            common = {"report_id": report_id, "user_id": self.user_id, "report_type": "inference-usage"}
            self.event("report.progress", {**common, "progress": 50, "stage": "aggregating"})
            self.event("report.ready", {**common, "row_count": 1, "formats": ["csv", "xlsx", "json", "png"],
                                        "download_url": f"/api/reports/{report_id}/download", "completed_at": "x"})
            return httpx.Response(202, json={"id": report_id, "type": "inference-usage", "status": "queued", "progress": 0,
                                             "owner_id": self.user_id, "created_at": NOW, "params": {
                                                 **self.report_request["params"], "group_by": "none"}})
        if path.startswith("/api/reports/") and path.endswith("/download"):
            fmt = request.url.params["format"]
            return httpx.Response(200, content=PNG if fmt == "png" else b"day,predictions\n2026-11-24,4\n")
        return problem(404, f"Nothing is served at {path}.")


def run_demo(platform: FakePlatform, tmp_path, only=None):
    lines: list[str] = []
    http = httpx.Client(base_url=GATEWAY, transport=httpx.MockTransport(platform.handle))
    ticks = iter(range(0, 10_000))
    demo = Demo(GATEWAY, http=http, connect=platform.connect, out=lines.append, download_dir=tmp_path,
                clock=lambda: float(next(ticks)) * 0.01)
    return demo.run(only), lines, demo


def test_every_step_works_against_a_platform_that_keeps_its_contracts(tmp_path):
    platform = FakePlatform()
    code, lines, demo = run_demo(platform, tmp_path)
    output = "\n".join(lines)
    assert code == 0, output
    assert lines[-1] == "Every step worked (8 of 8)."
    assert [line.split("]")[0] + "]" for line in lines if line.startswith("[")] == [f"[{n}/8]" for n in range(1, 9)]
    assert "inference.job.completed: 3 of 3 predicted in 42 ms, after progress 33 %" in output
    assert f"its result (/api/inference/v1/jobs/{platform.job_id}/result): 20.5 h, 21.5 h, 22.5 h" in output
    assert "1480 km TX → IL by ftl (swift): 27.41 h in transit, arriving around 2026-11-25T17:24:36Z, delay risk 3.1 %" in output
    # The requests as the contracts want them: a Shipment, a CSV upload with the contract's columns, a report request.
    assert set(platform.predicted) == {"origin", "destination", "distance_km", "weight_kg", "mode", "carrier", "pickup_at"}
    assert [list(row) for row in platform.uploaded] == [
        ["origin", "destination", "distance_km", "weight_kg", "mode", "carrier", "pickup_at"]] * 3
    assert platform.uploaded[2]["mode"] == "intermodal"
    assert platform.report_request["type"] == "inference-usage"
    assert set(platform.report_request["params"]) == {"from", "to", "granularity"}
    assert "report.ready: 1 rows" in output
    assert "| day,predictions" in output
    # The WebSocket handshake went to the gateway's ws URL with the gateway's own Origin.
    assert platform.socket.url == "ws://127.0.0.1:18080/ws/notifications?ticket=" + "t" * 43
    assert platform.socket.origin == GATEWAY
    # Every event was acknowledged, the ping answered, and the socket closed at the end.
    acks = [f for f in platform.socket.sent if f["type"] == "ack"]
    assert len(acks) == 5  # three around the job (one of them not ours), two for the report
    assert {"type": "pong", "nonce": "n1"} in platform.socket.sent
    assert platform.socket.closed
    assert (tmp_path / f"report-{demo.state.report_id}.png").read_bytes() == PNG


def test_a_failed_step_stops_the_demo_and_says_why_with_the_problem_detail(tmp_path):
    platform = FakePlatform(fail={"/api/inference/v1/eta": problem(
        422, "1 invalid value(s) in the request; see errors.",
        [{"pointer": "/body/origin", "message": "Value error, must be a two-letter US state code (upper case), such as TX"}])})
    code, lines, _ = run_demo(platform, tmp_path)
    assert code == 1
    assert lines[-1] == ("The demo stopped at step 3 (predict): POST /api/inference/v1/eta answered 422 Unprocessable Entity: "
                         "1 invalid value(s) in the request; see errors. "
                         "(/body/origin Value error, must be a two-letter US state code (upper case), such as TX)")
    assert not any(line.startswith("[4/8]") for line in lines)


def test_a_failed_job_fails_the_notification_step(tmp_path):
    code, lines, _ = run_demo(FakePlatform(job_outcome="failed"), tmp_path)
    assert code == 1
    assert lines[-1] == "The demo stopped at step 6 (notification): the job failed: no model is loaded (model_unavailable)"


def test_a_notification_that_never_comes_fails_after_the_deadline(tmp_path):
    code, lines, _ = run_demo(FakePlatform(job_outcome="silent"), tmp_path)
    assert code == 1
    assert lines[-1].startswith("The demo stopped at step 6 (notification): the job's notification did not arrive")


def test_a_refused_handshake_names_the_origin(tmp_path):
    platform = FakePlatform()

    def refuse(url, origin):
        raise ConnectionError("server rejected WebSocket connection: HTTP 403")

    platform.connect = refuse
    code, lines, _ = run_demo(platform, tmp_path)
    assert code == 1
    assert lines[-1] == ("The demo stopped at step 4 (live): the WebSocket handshake to ws://127.0.0.1:18080/ws/notifications "
                         f"(Origin {GATEWAY}) failed: server rejected WebSocket connection: HTTP 403")


def test_only_the_chosen_steps_run(tmp_path):
    platform = FakePlatform()
    code, lines, _ = run_demo(platform, tmp_path, only=["register", "login"])
    assert code == 0
    assert lines[-1] == "Every step worked (2 of 2)."
    assert [r.url.path for r in platform.requests] == ["/api/auth/register", "/api/auth/login", "/api/auth/me"]


def test_an_unreachable_gateway_is_said_plainly(tmp_path):
    def down(request):
        raise httpx.ConnectError("connection refused", request=request)

    lines: list[str] = []
    demo = Demo(GATEWAY, http=httpx.Client(base_url=GATEWAY, transport=httpx.MockTransport(down)), out=lines.append,
                download_dir=tmp_path)
    assert demo.run() == 1
    assert lines[-1] == "The demo stopped at step 1 (register); is the platform up? (./platform status)"


@pytest.mark.parametrize("response, expected", [
    (httpx.Response(502, text="<html>Bad Gateway</html>", headers={"Content-Type": "text/html"}),
     "POST /api/inference/v1/eta answered 502 Bad Gateway"),
    (httpx.Response(429, json={"type": "/problems/rate-limited", "title": "Too Many Requests", "status": 429}),
     "POST /api/inference/v1/eta answered 429 Too Many Requests: Too Many Requests"),
])
def test_an_answer_without_a_detail_is_still_said_plainly(tmp_path, response, expected):
    code, lines, _ = run_demo(FakePlatform(fail={"/api/inference/v1/eta": response}), tmp_path)
    assert code == 1
    assert lines[-1] == f"The demo stopped at step 3 (predict): {expected}"


def test_a_websocket_closed_by_the_server_mid_step_is_a_failed_step_not_a_crash(tmp_path):
    platform = FakePlatform()
    connect = platform.connect

    def closing(url, origin):
        socket = connect(url, origin)

        def closed(message):
            raise ConnectionError("received 4408 (private use) heartbeat timeout")

        socket.send = closed
        return socket

    platform.connect = closing
    code, lines, _ = run_demo(platform, tmp_path)
    assert code == 1
    assert lines[-1] == ("The demo stopped at step 6 (notification): the WebSocket closed: "
                         "received 4408 (private use) heartbeat timeout")


def test_each_step_is_one_trace_linked_in_the_trace_ui_and_the_notification_continues_the_jobs(tmp_path):
    platform = FakePlatform()
    lines: list[str] = []
    http = httpx.Client(base_url=GATEWAY, transport=httpx.MockTransport(platform.handle))
    demo = Demo(GATEWAY, http=http, connect=platform.connect, out=lines.append, download_dir=tmp_path,
                trace_ui="http://127.0.0.1:19411/zipkin/")
    assert demo.run() == 0, "\n".join(lines)

    traceparents = [request.headers.get("traceparent", "") for request in platform.requests]
    assert all(re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-01", tp) for tp in traceparents), traceparents
    trace_of = {request.url.path: tp.split("-")[1] for request, tp in zip(platform.requests, traceparents)}
    links = [line.split("/traces/")[1] for line in lines if line.startswith("      trace: http://127.0.0.1:19411/zipkin/traces/")]
    assert len(links) == 8, lines
    # register, login (and me), predict, ticket, job, result (continuing the job's), report, download: one per step.
    assert links[0] == trace_of["/api/auth/register"]
    assert trace_of["/api/auth/login"] == trace_of["/api/auth/me"] == links[1]
    assert links[4] == links[5] == trace_of["/api/inference/v1/jobs"] == trace_of[f"/api/inference/v1/jobs/{platform.job_id}/result"]
    assert len({links[n] for n in (0, 1, 2, 3, 4, 6, 7)}) == 7


def test_without_a_trace_ui_no_links_are_printed(tmp_path):
    code, lines, _ = run_demo(FakePlatform(), tmp_path)
    assert code == 0
    assert not [line for line in lines if "trace:" in line]
