"""./platform demo: a narrated walkthrough of the running platform, through its gateway only.

Register, sign in, predict an ETA, open the live notification feed (WebSocket with a ticket), submit a
batch job and receive its notification, request a report, download it. Each step prints what it did;
the exit code is 0 only when every step worked, else the failed step says why (the problem+json detail).

Runs on the project's virtualenv (httpx, websockets), which `./platform demo` prepares first.
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

import httpx

JOB_WAIT_SECONDS = 90
REPORT_WAIT_SECONDS = 120

# US freight shipments as the inference contract takes them; pickup_at is added when the demo runs.
SHIPMENTS = [
    {"origin": "TX", "destination": "IL", "distance_km": 1480, "weight_kg": 12000, "mode": "ftl", "carrier": "swift"},
    {"origin": "CA", "destination": "NY", "distance_km": 4500, "weight_kg": 800, "mode": "ltl", "carrier": "acme-freight"},
    {"origin": "WA", "destination": "OR", "distance_km": 280, "weight_kg": 950, "mode": "intermodal", "carrier": "werner"},
]
JOB_CSV_COLUMNS = ("origin", "destination", "distance_km", "weight_kg", "mode", "carrier", "pickup_at")


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


def problem_text(response: httpx.Response) -> str:
    """`<METHOD> <path> answered <status>: <detail>`, with the field errors of a problem+json body."""
    request = response.request
    reason = f"{response.status_code} {response.reason_phrase}".strip()
    text = f"{request.method} {request.url.path} answered {reason}"
    try:
        body = response.json()
    except ValueError:
        return text
    if not isinstance(body, dict):
        return text
    detail = body.get("detail") or body.get("title")
    if detail:
        text += f": {detail}"
    errors = [f"{e.get('pointer')} {e.get('message')}" for e in body.get("errors") or [] if isinstance(e, dict)]
    if errors:
        text += " (" + "; ".join(errors) + ")"
    return text


@dataclass
class DemoState:
    email: str = ""
    password: str = ""
    user_id: str = ""
    access_token: str = ""
    live: LiveConnection | None = None
    job_id: str = ""
    report_id: str = ""
    downloads: dict[str, Path] = field(default_factory=dict)


class Demo:
    """The walkthrough. Its transports are injected so the step logic is tested without a platform."""

    def __init__(self, gateway_url: str, http: httpx.Client | None = None,
                 connect: ConnectWebSocket = connect_websocket, out: Callable[[str], None] = print,
                 download_dir: Path | None = None, clock: Callable[[], float] = time.monotonic):
        self.gateway_url = gateway_url.rstrip("/")
        self.http = http or httpx.Client(base_url=self.gateway_url, timeout=30)
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
        user = self._json("POST", "/api/auth/register", 201,
                          json={"email": self.state.email, "name": "Demo User", "password": self.state.password})
        self.state.user_id = str(user.get("id", ""))
        return f"{self.state.email}, role {user.get('role')}, id {self.state.user_id}"

    def login(self) -> str:
        tokens = self._json("POST", "/api/auth/login", 200,
                            json={"email": self.state.email, "password": self.state.password})
        self.state.access_token = str(tokens.get("access_token", ""))
        if not self.state.access_token:
            raise StepFailed("the login answer has no access_token")
        me = self._json("GET", "/api/auth/me", 200)
        if me.get("email") != self.state.email:
            raise StepFailed(f"/api/auth/me names {me.get('email')!r}, not the account that signed in")
        return (f"an RS256 access token valid {tokens.get('expires_in')} s and a refresh token; "
                f"/api/auth/me says {me.get('name')} <{me.get('email')}> ({me.get('role')})")

    def predict(self) -> str:
        shipment = {**SHIPMENTS[0], "pickup_at": _pickup()}
        prediction = self._json("POST", "/api/inference/v1/eta", 200, json=shipment)
        risk = prediction.get("delay_probability")
        return (f"{shipment['distance_km']} km {shipment['origin']} → {shipment['destination']} by {shipment['mode']} "
                f"({shipment['carrier']}): {prediction.get('transit_hours')} h in transit, arriving around "
                f"{prediction.get('eta')}, delay risk {risk * 100:.1f} % (model {prediction.get('model_version')})"
                if isinstance(risk, (int, float)) else f"an answer without a delay_probability: {prediction}")

    def open_live_feed(self) -> str:
        ticket = self._json("POST", "/api/notifications/ticket", 201)
        ws_url = str(ticket.get("ws_url") or f"/ws/notifications?ticket={ticket.get('ticket')}")
        url = _websocket_url(self.gateway_url, ws_url)
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
        job = self._json("POST", "/api/inference/v1/jobs", 202,
                         files={"file": ("shipments.csv", csv_text.encode(), "text/csv")})
        self.state.job_id = str(job.get("id", ""))
        return f"uploaded a CSV of {len(SHIPMENTS)} shipments: job {self.state.job_id} is {job.get('status')} ({job.get('total_items')} shipments)"

    def receive_job_notification(self) -> str:
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
        result = self._json("GET", result_url, 200)
        predictions = result.get("predictions") or []
        if len(predictions) != len(SHIPMENTS):
            raise StepFailed(f"the job's result has {len(predictions)} predictions for {len(SHIPMENTS)} shipments")
        hours = ", ".join(f"{p.get('transit_hours')} h" for p in predictions)
        return f"inference.job.completed; its result ({result_url}): {hours} (model {result.get('model_version')})"

    def request_report(self) -> str:
        today = datetime.now(timezone.utc).date().isoformat()
        report = self._json("POST", "/api/reports", 202, json={
            "type": "inference-usage", "params": {"from": today, "to": today, "granularity": "day"}})
        self.state.report_id = str(report.get("id", ""))
        self.out(f"      … report {self.state.report_id} is {report.get('status')}")
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
        for fmt in ("csv", "png"):
            response = self._request("GET", f"/api/reports/{self.state.report_id}/download", 200, params={"format": fmt})
            if not response.content:
                raise StepFailed(f"the {fmt} download is empty")
            if fmt == "png" and not response.content.startswith(b"\x89PNG"):
                raise StepFailed("the png download is not a PNG image")
            path = self.download_dir / f"report-{self.state.report_id}.{fmt}"
            path.write_bytes(response.content)
            self.state.downloads[fmt] = path
            saved.append(f"{path} ({len(response.content)} bytes)")
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
                started = self.clock()
                try:
                    result = action()
                except StepFailed as e:
                    self.out(f"      FAILED: {e}")
                    self.out(f"The demo stopped at step {number} ({name}): {e}")
                    return 1
                except httpx.HTTPError as e:
                    self.out(f"      FAILED: the gateway at {self.gateway_url} did not answer: {e}")
                    self.out(f"The demo stopped at step {number} ({name}); is the platform up? (./platform status)")
                    return 1
                self.out(f"      ok ({self.clock() - started:.1f}s): {result}")
        finally:
            if self.state.live is not None:
                self.state.live.close()
        self.out(f"Every step worked ({len(steps)} of {len(steps)}).")
        return 0

    # ----- helpers

    def _request(self, method: str, path: str, expected: int, **kwargs: Any) -> httpx.Response:
        headers = {"Accept": "application/json, application/problem+json, */*"}
        if self.state.access_token:
            headers["Authorization"] = f"Bearer {self.state.access_token}"
        response = self.http.request(method, path, headers=headers, **kwargs)
        if response.status_code != expected:
            raise StepFailed(problem_text(response))
        return response

    def _json(self, method: str, path: str, expected: int, **kwargs: Any) -> dict[str, Any]:
        response = self._request(method, path, expected, **kwargs)
        try:
            body = response.json()
        except ValueError as e:
            raise StepFailed(f"{method} {path} answered {expected} but not with JSON") from e
        if not isinstance(body, dict):
            raise StepFailed(f"{method} {path} answered {expected} with JSON that is not an object")
        return body

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


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="./platform demo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gateway", default=os.environ.get("DEMO_GATEWAY_URL")
                        or f"http://localhost:{os.environ.get('GATEWAY_PORT') or 8080}",
                        help="the platform's public entry (default http://localhost:${GATEWAY_PORT:-8080})")
    parser.add_argument("--only", help="comma-separated step names to run, e.g. register,login")
    parser.add_argument("--download-dir", type=Path, default=Path("var") / "demo",
                        help="where the report downloads are saved (default var/demo)")
    args = parser.parse_args(argv)
    only = [s.strip() for s in args.only.split(",")] if args.only else None
    demo = Demo(args.gateway, download_dir=args.download_dir)
    known = {name for name, _, _ in demo.steps()}
    if only and set(only) - known:
        parser.error(f"unknown step(s) {', '.join(sorted(set(only) - known))}; steps: {', '.join(known)}")
    return demo.run(only)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
