"""./platform demo: a narrated walkthrough of the running platform, through its gateway only.

Register, sign in, predict an ETA, open the live notification feed (WebSocket with a ticket), submit a
batch job and receive its notification, request a report, download it. Each step prints what it did;
the exit code is 0 only when every step worked, else the failed step says why (the problem+json detail).

Each step is one trace: the demo starts it as a client's tracer would, sending its W3C `traceparent` on every request
of the step, and prints the step's link in the trace UI (Zipkin, started by ./platform up) when one answers. The
notification step continues the job's trace (the WebSocket send is a span of it), so its link is the job's.

Every HTTP call goes through the generated Python client (platform_client, contracts/clients/python) and the
WebSocket through the websockets package: both from the project's virtualenv, which `./platform demo` prepares first.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import secrets
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit
from uuid import UUID

import httpx

from platform_client import ApiError, PlatformSession
from platform_client.auth.api.account import get_current_user, register_user
from platform_client.auth.models import CreateUserRequest, User
from platform_client.inference.api.jobs import create_inference_job, get_inference_job_result
from platform_client.inference.api.predictions import predict_eta
from platform_client.inference.models import CreateInferenceJobFilesBody, EtaPrediction, Job, JobResult, Shipment
from platform_client.inference.types import File as Upload
from platform_client.notification.api.live import create_web_socket_ticket
from platform_client.notification.models import WebSocketTicket
from platform_client.reporting.api.reports import create_report, download_report
from platform_client.reporting.models import CreateReportRequest, Granularity, Report, ReportFormat, ReportParams, ReportTypeId
from platform_client.reporting.types import File as Download

JOB_WAIT_SECONDS = 90
REPORT_WAIT_SECONDS = 120

# US freight shipments as the inference contract takes them; pickup_at is added when the demo runs.
SHIPMENTS = [
    {"origin": "TX", "destination": "IL", "distance_km": 1480, "weight_kg": 12000, "mode": "ftl", "carrier": "swift"},
    {"origin": "CA", "destination": "NY", "distance_km": 4500, "weight_kg": 800, "mode": "ltl", "carrier": "acme-freight"},
    {"origin": "WA", "destination": "OR", "distance_km": 280, "weight_kg": 950, "mode": "intermodal", "carrier": "werner"},
]
JOB_CSV_COLUMNS = ("origin", "destination", "distance_km", "weight_kg", "mode", "carrier", "pickup_at")


@dataclass(frozen=True)
class ClientTrace:
    """A trace the demo starts, as a client's tracer would: a new trace id and the client's own span id."""

    trace_id: str
    span_id: str

    @classmethod
    def new(cls) -> ClientTrace:
        return cls(secrets.token_hex(16), secrets.token_hex(8))

    @property
    def traceparent(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-01"  # version 00, sampled


class StepFailed(Exception):
    """A step did not work; the message says why, for a person."""


class LiveConnection(Protocol):
    """What the demo needs of a WebSocket client connection (websockets.sync.client in real use)."""

    def recv(self, timeout: float | None = None) -> str | bytes: ...
    def send(self, message: str) -> None: ...
    def close(self) -> None: ...


ConnectWebSocket = Callable[[str, str], LiveConnection]


def connect_websocket(url: str, origin: str) -> LiveConnection:
    from websockets.sync.client import connect

    # Entered by hand (websockets 17 warns on a connection used outside `with`): Demo.run closes it.
    return connect(url, origin=origin, open_timeout=10, close_timeout=2).__enter__()


@dataclass
class DemoState:
    email: str = ""
    password: str = ""
    user_id: str = ""
    live: LiveConnection | None = None
    job_id: str = ""
    job_trace: ClientTrace | None = None
    report_id: str = ""
    downloads: dict[str, Path] = field(default_factory=dict)


class Demo:
    """The walkthrough. Its transports are injected so the step logic is tested without a platform."""

    def __init__(self, gateway_url: str, http: httpx.Client | None = None,
                 connect: ConnectWebSocket = connect_websocket, out: Callable[[str], None] = print,
                 download_dir: Path | None = None, clock: Callable[[], float] = time.monotonic,
                 trace_ui: str | None = None):
        self.gateway_url = gateway_url.rstrip("/")
        self.api = PlatformSession(self.gateway_url, http=http, timeout=30)
        self.api.http.event_hooks["request"].append(self._in_step_trace)
        self.trace = ClientTrace.new()
        # Where a trace's page is (e.g. http://localhost:9411/zipkin); None: no trace UI, no links.
        self.trace_ui = trace_ui.rstrip("/") if trace_ui else None
        self.connect = connect
        self.out = out
        self.download_dir = download_dir or Path("var") / "demo"
        self.clock = clock
        self.state = DemoState()

    # ----- the steps, in order

    def steps(self) -> list[tuple[str, str, Callable[[], str]]]:
        return [
            ("register", "Register a new account", self.register),
            ("login", "Sign in and check who we are", self.login),
            ("predict", "Predict the delivery time of one shipment", self.predict),
            ("live", "Open the live notification feed (WebSocket with a ticket)", self.open_live_feed),
            ("job", "Submit a batch job of three shipments", self.submit_job),
            ("notification", "Receive the job's notification over the WebSocket", self.receive_job_notification),
            ("report", "Request a report of our own usage and watch it progress", self.request_report),
            ("download", "Download the report (CSV and PNG)", self.download_report),
        ]

    def register(self) -> str:
        self.state.email = f"demo-{secrets.token_hex(4)}@example.com"
        self.state.password = secrets.token_urlsafe(18)
        user = self.api.expect(register_user.sync_detailed(client=self.api.auth, body=CreateUserRequest(
            email=self.state.email, name="Demo User", password=self.state.password)), User, 201)
        self.state.user_id = str(user.id)
        return f"{self.state.email}, role {user.role}, id {self.state.user_id}"

    def login(self) -> str:
        tokens = self.api.sign_in(self.state.email, self.state.password)
        me = self.api.expect(get_current_user.sync_detailed(client=self.api.auth), User, 200)
        if me.email != self.state.email:
            raise StepFailed(f"/api/auth/me names {me.email!r}, not the account that signed in")
        return (f"an RS256 access token valid {tokens.expires_in} s and a refresh token; "
                f"/api/auth/me says {me.name} <{me.email}> ({me.role})")

    def predict(self) -> str:
        shipment = {**SHIPMENTS[0], "pickup_at": _pickup()}
        prediction = self.api.expect(predict_eta.sync_detailed(client=self.api.inference, body=Shipment.from_dict(shipment)),
                                     EtaPrediction, 200)
        return (f"{shipment['distance_km']} km {shipment['origin']} → {shipment['destination']} by {shipment['mode']} "
                f"({shipment['carrier']}): {prediction.transit_hours} h in transit, arriving around "
                f"{_utc(prediction.eta)}, delay risk {prediction.delay_probability * 100:.1f} % "
                f"(model {prediction.model_version})")

    def open_live_feed(self) -> str:
        ticket = self.api.expect(create_web_socket_ticket.sync_detailed(client=self.api.notification),
                                 WebSocketTicket, 201)
        url = _websocket_url(self.gateway_url, ticket.ws_url)
        origin = _origin(self.gateway_url)
        try:
            self.state.live = self.connect(url, origin)
        except Exception as e:  # the client library's handshake errors carry the status
            raise StepFailed(f"the WebSocket handshake to {url.split('?')[0]} (Origin {origin}) failed: {e}") from e
        hello = self._next_frame(10)
        if hello.get("type") != "hello":
            raise StepFailed(f"the first frame is {hello.get('type')!r}, expected hello")
        return f"connected as {hello.get('role')}, subscribed to {', '.join(hello.get('topics', []))}"

    def submit_job(self) -> str:
        csv_text = _csv_of([{**s, "pickup_at": _pickup()} for s in SHIPMENTS])
        upload = Upload(payload=csv_text.encode(), file_name="shipments.csv", mime_type="text/csv")
        job = self.api.expect(create_inference_job.sync_detailed(
            client=self.api.inference, body=CreateInferenceJobFilesBody(file=upload)), Job, 202)
        self.state.job_id = job.id
        self.state.job_trace = self.trace
        return f"uploaded a CSV of {len(SHIPMENTS)} shipments: job {job.id} is {job.status} ({job.total_items} shipments)"

    def receive_job_notification(self) -> str:
        self.trace = self.state.job_trace or self.trace
        progress: list[str] = []
        for kind, data in self._events_about("job_id", self.state.job_id, JOB_WAIT_SECONDS, "the job's notification"):
            if kind == "inference.job.progress":
                progress.append(f"{data.get('progress')} %")
                self.out(f"      … {kind}: {data.get('progress')} % ({data.get('processed_items')}/{data.get('total_items')})")
            elif kind == "inference.job.completed":
                self.out(f"      … {kind}: {data.get('succeeded_items')} of {data.get('total_items')} predicted "
                         f"in {data.get('duration_ms')} ms" + (f", after progress {', '.join(progress)}" if progress else ""))
                return self._job_result(str(data.get("result_url") or f"/api/inference/v1/jobs/{self.state.job_id}/result"))
            elif kind == "inference.job.failed":
                raise StepFailed(f"the job failed: {data.get('reason')} ({data.get('error_code')})")
        raise AssertionError("unreachable")

    def _job_result(self, result_url: str) -> str:
        result = self.api.expect(get_inference_job_result.sync_detailed(UUID(self.state.job_id), client=self.api.inference),
                                 JobResult, 200)
        if len(result.predictions) != len(SHIPMENTS):
            raise StepFailed(f"the job's result has {len(result.predictions)} predictions for {len(SHIPMENTS)} shipments")
        hours = ", ".join(f"{p.transit_hours} h" for p in result.predictions)
        return f"inference.job.completed; its result ({result_url}): {hours} (model {result.model_version})"

    def request_report(self) -> str:
        today = datetime.now(timezone.utc).date()
        request = CreateReportRequest(type_=ReportTypeId.INFERENCE_USAGE,
                                      params=ReportParams(from_=today, to=today, granularity=Granularity.DAY))
        report = self.api.expect(create_report.sync_detailed(client=self.api.reporting, body=request), Report, 202)
        self.state.report_id = str(report.id)
        self.out(f"      … report {self.state.report_id} is {report.status}")
        for kind, data in self._events_about("report_id", self.state.report_id, REPORT_WAIT_SECONDS,
                                             "the report's notification"):
            if kind == "report.progress":
                self.out(f"      … {kind}: {data.get('progress')} %" + (f" ({data['stage']})" if data.get("stage") else ""))
            elif kind == "report.ready":
                return f"report.ready: {data.get('row_count')} rows, formats {', '.join(data.get('formats', []))}"
            elif kind == "report.failed":
                raise StepFailed(f"the report failed: {data.get('reason')} ({data.get('error_code')})")
        raise AssertionError("unreachable")

    def download_report(self) -> str:
        self.download_dir.mkdir(parents=True, exist_ok=True)
        saved = []
        for fmt in (ReportFormat.CSV, ReportFormat.PNG):
            download = self.api.expect(download_report.sync_detailed(
                UUID(self.state.report_id), client=self.api.reporting, format_=fmt), Download, 200)
            content = download.payload.read()
            if not content:
                raise StepFailed(f"the {fmt} download is empty")
            if fmt == ReportFormat.PNG and not content.startswith(b"\x89PNG"):
                raise StepFailed("the png download is not a PNG image")
            path = self.download_dir / f"report-{self.state.report_id}.{fmt}"
            path.write_bytes(content)
            self.state.downloads[fmt] = path
            saved.append(f"{path} ({len(content)} bytes)")
        first_lines = self.state.downloads["csv"].read_text(errors="replace").splitlines()[:3]
        for line in first_lines:
            self.out(f"      | {line}")
        return "saved " + ", ".join(saved)

    # ----- running them

    def run(self, only: list[str] | None = None) -> int:
        steps = [s for s in self.steps() if not only or s[0] in only]
        self.out(f"Walking through the platform at {self.gateway_url} ({len(steps)} steps)")
        try:
            for number, (name, title, action) in enumerate(steps, start=1):
                self.out(f"[{number}/{len(steps)}] {title}")
                self.trace = ClientTrace.new()
                started = self.clock()
                try:
                    result = self._failing_as_step(action)
                except (StepFailed, ApiError) as e:
                    self.out(f"      FAILED: {e}")
                    self.out(f"The demo stopped at step {number} ({name}): {e}")
                    return 1
                except httpx.HTTPError as e:
                    self.out(f"      FAILED: the gateway at {self.gateway_url} did not answer: {e}")
                    self.out(f"The demo stopped at step {number} ({name}); is the platform up? (./platform status)")
                    return 1
                self.out(f"      ok ({self.clock() - started:.1f}s): {result}")
                if self.trace_ui:
                    self.out(f"      trace: {self.trace_ui}/traces/{self.trace.trace_id}")
        finally:
            if self.state.live is not None:
                self.state.live.close()
            self.api.close()
        self.out(f"Every step worked ({len(steps)} of {len(steps)}).")
        return 0

    # ----- helpers

    def _in_step_trace(self, request: httpx.Request) -> None:
        request.headers["traceparent"] = self.trace.traceparent

    def _failing_as_step(self, action: Callable[[], str]) -> str:
        try:
            return action()
        except json.JSONDecodeError as e:  # a generated parser met an error answer that is not problem+json
            raise self.api.latest_answer_error() from e

    def _next_frame(self, timeout: float) -> dict[str, Any]:
        live = self.state.live
        if live is None:
            raise StepFailed("the live feed is not open (its step did not run)")
        try:
            raw = live.recv(timeout=timeout)
        except TimeoutError as e:
            raise StepFailed(f"nothing arrived on the WebSocket within {timeout:.0f} s") from e
        except Exception as e:  # closed by the server: the close code says why
            raise StepFailed(f"the WebSocket closed: {e}") from e
        try:
            frame = json.loads(raw)
        except ValueError as e:
            raise StepFailed(f"the WebSocket sent a frame that is not JSON: {raw!r:.80}") from e
        if not isinstance(frame, dict):
            raise StepFailed(f"the WebSocket sent a frame that is not an object: {raw!r:.80}")
        return frame

    def _events_about(self, key: str, wanted: str, seconds: float, what: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """(event type, payload) of the events whose payload's `key` is `wanted`; other events are acked and passed."""
        for event in self._events(seconds, what):
            data = event.get("data") or {}
            if isinstance(data, dict) and data.get(key) == wanted:
                yield str(event.get("event_type")), data

    def _events(self, seconds: float, what: str) -> Iterator[dict[str, Any]]:
        """Event frames (acknowledged) until the deadline; pings are answered on the way."""
        deadline = self.clock() + seconds
        while True:
            remaining = deadline - self.clock()
            if remaining <= 0:
                raise StepFailed(f"{what} did not arrive within {seconds:.0f} s")
            try:
                frame = self._next_frame(remaining)
            except StepFailed as e:
                raise StepFailed(f"{what} did not arrive: {e}") from e
            if frame.get("type") == "ping":
                self._send({"type": "pong", "nonce": frame.get("nonce")})
            elif frame.get("type") == "event":
                self._send({"type": "ack", "id": frame.get("id")})
                yield frame

    def _send(self, frame: dict[str, Any]) -> None:
        assert self.state.live is not None  # only called after a frame was read from it
        try:
            self.state.live.send(json.dumps(frame))
        except Exception as e:  # closed meanwhile: the client library's exception names the close code
            raise StepFailed(f"the WebSocket closed: {e}") from e


def _csv_of(shipments: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=JOB_CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(shipments)
    return out.getvalue()


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _pickup() -> str:
    return (datetime.now(timezone.utc) + timedelta(hours=2)).replace(minute=0, second=0, microsecond=0
                                                                      ).strftime("%Y-%m-%dT%H:%M:%SZ")


def _origin(gateway_url: str) -> str:
    parts = urlsplit(gateway_url)
    return f"{parts.scheme}://{parts.netloc}"


def _websocket_url(gateway_url: str, ws_path: str) -> str:
    parts = urlsplit(gateway_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}{ws_path if ws_path.startswith('/') else '/' + ws_path}"


def answering(trace_ui: str) -> str | None:
    """`trace_ui` if it answers, else None (said once: a platform started with --no-observability has none)."""
    if not trace_ui:
        return None
    try:
        if httpx.get(trace_ui, timeout=3, follow_redirects=True).status_code == 200:
            return trace_ui
    except httpx.HTTPError:
        pass
    print(f"(no trace UI answers at {trace_ui}: the steps' traces are not linked)")
    return None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="./platform demo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gateway", default=os.environ.get("DEMO_GATEWAY_URL")
                        or f"http://localhost:{os.environ.get('GATEWAY_PORT') or 8080}",
                        help="the platform's public entry (default http://localhost:${GATEWAY_PORT:-8080})")
    parser.add_argument("--trace-ui", default=f"http://localhost:{os.environ.get('ZIPKIN_PORT') or 9411}/zipkin",
                        help="the trace UI whose links each step prints (default ./platform up's Zipkin, "
                             "http://localhost:${ZIPKIN_PORT:-9411}/zipkin; empty: no links)")
    parser.add_argument("--only", help="comma-separated step names to run, e.g. register,login")
    parser.add_argument("--download-dir", type=Path, default=Path("var") / "demo",
                        help="where the report downloads are saved (default var/demo)")
    args = parser.parse_args(argv)
    only = [s.strip() for s in args.only.split(",")] if args.only else None
    demo = Demo(args.gateway, download_dir=args.download_dir, trace_ui=answering(args.trace_ui))
    known = {name for name, _, _ in demo.steps()}
    if only and set(only) - known:
        parser.error(f"unknown step(s) {', '.join(sorted(set(only) - known))}; steps: {', '.join(known)}")
    return demo.run(only)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
