"""The steady load: users that sign in, predict, upload CSV jobs, request reports and read their notifications; a
WebSocket client per user (and one SSE client) that reconnects with the last event id it received, as the console
does; an admin that broadcasts and registers new accounts. Every request and every received event goes into the
history; every credential used goes to PLATFORM_CREDENTIALS_FILE (the log scan greps every part's log for them).

Threads, not asyncio: the generated client (platform_client) is synchronous, and at this rate (a few requests per
second, 2 shared cores) a thread per client costs nothing that matters.
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
from httpx_sse import EventSource
from platform_client import PlatformSession, Registrar
from platform_client.auth.api.tokens import refresh_tokens
from platform_client.auth.models import RefreshRequest, TokenResponse
from platform_client.inference.api.jobs import create_inference_job
from platform_client.inference.api.predictions import predict_eta, predict_eta_batch
from platform_client.inference.models import (
    CreateInferenceJobFilesBody,
    EtaBatchRequest,
    Job,
    Shipment,
)
from platform_client.inference.types import File
from platform_client.notification.api.broadcast import broadcast_notification
from platform_client.notification.api.history import list_notifications
from platform_client.notification.api.live import create_web_socket_ticket
from platform_client.notification.models import (
    Broadcast,
    BroadcastRequest,
    Severity,
    WebSocketTicket,
)
from platform_client.reporting.api.reports import create_report
from platform_client.reporting.models import (
    CreateReportRequest,
    Report,
    ReportParams,
    ReportTypeId,
)
from platform_client.session import ApiError
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
from websockets.sync.client import connect

from chaos.history import History

PASSWORD_PREFIX = "chaos-password-"
UUID_IN_PATH = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Longer than every route's timeout under the chaos platform (GATEWAY_*_TIMEOUT_MS): the gateway answers first.
CLIENT_TIMEOUT_SECONDS = 20
SHIPMENT = {"origin": "TX", "destination": "IL", "distance_km": 1480, "weight_kg": 12000, "mode": "ftl",
            "carrier": "swift", "pickup_at": "2026-11-24T08:00:00-06:00"}
CSV_ROWS = "origin,destination,distance_km,weight_kg,mode,carrier,pickup_at\n" + "".join(
    f"CA,NV,{300 + i},900,ltl,estes,2026-11-2{i % 7}T10:00:00-08:00\n" for i in range(20))


class Credentials:
    """Appends every credential a client uses to PLATFORM_CREDENTIALS_FILE, one per line (when it is set)."""

    def __init__(self, path: str | None):
        self.path = Path(path) if path else None
        self._lock = threading.Lock()

    def add(self, *secrets: str) -> None:
        if self.path is None:
            return
        with self._lock, self.path.open("a", encoding="utf-8") as file:
            file.writelines(f"{secret}\n" for secret in secrets if secret)


def operation_of(request: httpx.Request) -> str:
    return f"{request.method} {UUID_IN_PATH.sub('{id}', request.url.path)}"


class Recorder:
    """httpx hooks that put each request of one client into the history: operation, status, latency to the answer's
    headers, problem type, Retry-After, request id; and collect the credentials the answers carry."""

    def __init__(self, history: History, credentials: Credentials, who: str):
        self.history, self.credentials, self.who = history, credentials, who
        self.last_operation = threading.local()

    def attach(self, client: httpx.Client) -> None:
        client.event_hooks["request"].append(self.on_request)
        client.event_hooks["response"].append(self.on_response)

    def on_request(self, request: httpx.Request) -> None:
        request.extensions["chaos_started"] = (time.time(), time.monotonic())
        self.last_operation.value = operation_of(request)

    def on_response(self, response: httpx.Response) -> None:
        request = response.request
        wall, started = request.extensions.get("chaos_started", (time.time(), time.monotonic()))
        content_type = response.headers.get("content-type", "")
        problem_type = None
        if content_type.startswith("application/problem+json"):
            response.read()
            try:
                problem_type = json.loads(response.content).get("type")
            except ValueError:
                problem_type = "(unreadable)"
        elif response.status_code in (200, 201) and content_type.startswith("application/json"):
            self._collect_credentials(request, response)
        self.history.record("request", t=wall, user=self.who, op=operation_of(request), status=response.status_code,
                            latency_ms=round((time.monotonic() - started) * 1000, 1), problem=problem_type,
                            retry_after=response.headers.get("retry-after"),
                            request_id=response.headers.get("x-request-id"),
                            html=content_type.startswith("text/html") or None)

    def _collect_credentials(self, request: httpx.Request, response: httpx.Response) -> None:
        if request.url.path not in ("/api/auth/login", "/api/auth/refresh", "/api/notifications/ticket"):
            return
        response.read()
        try:
            body = json.loads(response.content)
        except ValueError:
            return
        self.credentials.add(*(str(body.get(k) or "") for k in ("access_token", "refresh_token", "ticket")))

    def no_answer(self, error: Exception) -> None:
        """A request that got no HTTP answer at all (refused, reset, timed out at the client)."""
        self.history.record("request", user=self.who, op=getattr(self.last_operation, "value", "?"), status=0,
                            error=type(error).__name__, detail=str(error)[:200])


@dataclass
class Account:
    label: str
    email: str
    password: str
    api: PlatformSession
    recorder: Recorder
    user_id: str = ""
    sign_in_backoff: float = 0.0
    next_sign_in_at: float = 0.0

    def call(self, operation):
        """Runs one generated call (or a client helper's calls); an answer (any status) is in the history already; no
        answer is recorded here. The call's result, or None when there was no usable answer."""
        try:
            return operation()
        except httpx.HTTPError as error:
            self.recorder.no_answer(error)
        except ValueError:
            pass  # a documented error status whose body is not problem+json: recorded by the hook, checked there
        except ApiError:
            pass  # a helper's refusal (not the answer it expects): recorded by the hook, checked there
        return None

    def ensure_signed_in(self) -> bool:
        """Signs in when the session has no tokens; after a refusal, not again before a backoff (0.5 s doubling to
        4 s), as a client that does not hammer a recovering auth-service."""
        if self.api.tokens is not None:
            return True
        if time.monotonic() < self.next_sign_in_at:
            return False
        try:
            self.api.sign_in(self.email, self.password)
        except (httpx.HTTPError, ApiError, ValueError) as error:  # a refusal is in the history already
            if isinstance(error, httpx.HTTPError):
                self.recorder.no_answer(error)
            self.sign_in_backoff = min(max(self.sign_in_backoff * 2, 0.5), 4.0)
            self.next_sign_in_at = time.monotonic() + self.sign_in_backoff
            return False
        self.sign_in_backoff = 0.0
        return True


@dataclass
class Workload:
    gateway_url: str
    admin_email: str
    admin_password: str
    history: History
    credentials: Credentials
    users: int = 5
    pause_seconds: float = 0.6
    seed: int = 19
    accounts: list[Account] = field(default_factory=list)
    admin: Account | None = None
    feeds: list[FeedClient] = field(default_factory=list)
    streams: list[StreamClient] = field(default_factory=list)
    registered: list[dict[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self.random = random.Random(self.seed)

    # --- setting up -------------------------------------------------------------------------------------------
    def session(self, label: str) -> tuple[PlatformSession, Recorder]:
        api = PlatformSession(self.gateway_url, timeout=CLIENT_TIMEOUT_SECONDS)
        recorder = Recorder(self.history, self.credentials, label)
        recorder.attach(api.http)
        return api, recorder

    def signed_in_admin(self, label: str) -> Account:
        """A session of the bootstrap admin (ADMIN_EMAIL, ADMIN_PASSWORD of the platform)."""
        api, recorder = self.session(label)
        self.credentials.add(self.admin_password)
        api.sign_in(self.admin_email, self.admin_password)
        admin = Account(label, self.admin_email, self.admin_password, api, recorder)
        admin.user_id = str(api.http.get("/api/auth/me").json()["id"])
        return admin

    def register(self, label: str, by: Account) -> Account | None:
        """A new account through the gateway (201 recorded as submitted), signed in with its own session."""
        email = f"chaos-{uuid.uuid4().hex[:12]}@example.com"
        password = PASSWORD_PREFIX + uuid.uuid4().hex
        self.credentials.add(password)
        user = by.call(lambda: Registrar(by.api).register(email, f"Chaos {label}", password))
        if user is None:
            return None
        user_id = str(user.id)
        self.history.record("submitted", what="registration", user=label, id=user_id, email=email)
        self.registered.append({"id": user_id, "email": email, "password": password})
        api, recorder = self.session(label)
        account = Account(label, email, password, api, recorder, user_id)
        return account

    def prepare(self) -> None:
        """The admin, its WebSocket client, then the users and theirs (each connected before any work of its own
        starts, so every event addressed to a client happens after its first `hello`)."""
        admin = self.admin = self.signed_in_admin("admin")
        self._connect_feed(admin)
        for n in range(self.users):
            account = None
            while account is None:  # the platform is healthy here: a refusal is a finding, shown by the checks
                account = self.register(f"user-{n}", admin)
                if account is None and self.stop.wait(0.5):
                    return
            if not account.ensure_signed_in():
                raise RuntimeError(f"{account.email} could not sign in on a healthy platform")
            self.accounts.append(account)
            self._connect_feed(account)
        # One SSE reader too, beside user-0's WebSocket: the console's fallback, resumed with Last-Event-ID.
        self.streams.append(StreamClient(self, self.accounts[0]))
        self.streams[-1].connect_first()

    def _connect_feed(self, account: Account) -> None:
        """The account's notification history, then its WebSocket client. The history's request also keeps the
        clients spread over notification-service's instances when it has several: the gateway balances round robin,
        and a ticket then a connection, client after client, would put every connection on the same instance."""
        self.read_history(account)
        self.feeds.append(FeedClient(self, account))
        self.feeds[-1].connect_first()

    def start(self) -> None:
        for client in (*self.feeds, *self.streams):
            self._thread(client.run, f"feed-{client.name}")
        for account in self.accounts:
            self._thread(lambda a=account: self._user_loop(a), account.label)
        self._thread(self._admin_loop, "admin")

    def _thread(self, target, name: str) -> None:
        thread = threading.Thread(target=target, name=f"chaos-{name}", daemon=True)
        thread.start()
        self.threads.append(thread)

    def stop_load(self) -> None:
        """Stops the users and the admin; the feeds keep reading until `close`."""
        self.stop.set()
        for thread in self.threads:
            if not thread.name.startswith("chaos-feed-"):
                thread.join(timeout=CLIENT_TIMEOUT_SECONDS + 5)

    def close(self) -> None:
        self.stop.set()
        for client in (*self.feeds, *self.streams):
            client.close()
        for thread in self.threads:
            thread.join(timeout=10)
        for account in (*self.accounts, *([self.admin] if self.admin else []),
                        *(client.account for client in (*self.feeds, *self.streams))):
            account.api.close()

    # --- the operations -----------------------------------------------------------------------------------------
    def predict(self, account: Account):
        return account.call(lambda: predict_eta.sync_detailed(client=account.api.inference,
                                                              body=Shipment.from_dict(SHIPMENT)))

    def predict_batch(self, account: Account):
        body = EtaBatchRequest(shipments=[Shipment.from_dict({**SHIPMENT, "distance_km": 500 + i}) for i in range(5)])
        return account.call(lambda: predict_eta_batch.sync_detailed(client=account.api.inference, body=body))

    def submit_job(self, account: Account):
        upload = CreateInferenceJobFilesBody(file=File(payload=CSV_ROWS.encode(), file_name="shipments.csv",
                                                       mime_type="text/csv"))
        return self._accepted("job", account, Job, account.call(
            lambda: create_inference_job.sync_detailed(client=account.api.inference, body=upload)))

    def _accepted(self, what: str, account: Account, model: type, answer):
        """Records a job or report the platform accepted (202): the checks follow it to its end."""
        if answer is not None and answer.status_code == 202 and isinstance(answer.parsed, model):
            self.history.record("submitted", what=what, user=account.label, user_id=account.user_id,
                                id=str(answer.parsed.id))
        return answer

    def request_report(self, account: Account):
        today = datetime.now(UTC).date()
        body = CreateReportRequest(type_=ReportTypeId.INFERENCE_USAGE, params=ReportParams(from_=today, to=today))
        return self._accepted("report", account, Report, account.call(
            lambda: create_report.sync_detailed(client=account.api.reporting, body=body)))

    def who_am_i(self, account: Account):
        return account.call(lambda: account.api.http.get("/api/auth/me"))

    def read_history(self, account: Account):
        return account.call(lambda: list_notifications.sync_detailed(client=account.api.notification, size=20))

    def refresh(self, account: Account):
        """A token rotation, as the console does before its access token expires. A refresh whose answer was lost
        leaves a spent refresh token: the next turn signs in again."""
        tokens = account.api.tokens
        if tokens is None:
            return None
        answer = account.call(lambda: refresh_tokens.sync_detailed(
            client=account.api.auth, body=RefreshRequest(refresh_token=tokens.refresh_token)))
        if answer is not None and isinstance(answer.parsed, TokenResponse):
            account.api.tokens = answer.parsed
        elif answer is None or answer.status_code == 401:
            account.api.tokens = None
        return answer

    def sign_in_again(self, account: Account):
        account.api.tokens = None
        account.ensure_signed_in()

    def broadcast(self, admin: Account):
        body = BroadcastRequest(title="Chaos", message=f"chaos broadcast {uuid.uuid4().hex[:8]}",
                                severity=Severity.INFO)
        answer = admin.call(lambda: broadcast_notification.sync_detailed(client=admin.api.notification, body=body))
        if answer is not None and answer.status_code == 202 and isinstance(answer.parsed, Broadcast):
            self.history.record("submitted", what="broadcast", user="admin", id=str(answer.parsed.broadcast_id))
        return answer

    USER_OPERATIONS = (("predict", 40), ("predict_batch", 10), ("submit_job", 12), ("request_report", 10),
                       ("who_am_i", 10), ("read_history", 8), ("refresh", 5), ("sign_in_again", 5))

    def every_operation(self, account: Account) -> dict[str, Any]:
        """One of each user operation, in turn: the final round after the faults (all must succeed)."""
        return {name: getattr(self, name)(account) for name, _ in self.USER_OPERATIONS}

    def _user_loop(self, account: Account) -> None:
        names = [name for name, _ in self.USER_OPERATIONS]
        weights = [weight for _, weight in self.USER_OPERATIONS]
        rng = random.Random(f"{self.seed}-{account.label}")
        while not self.stop.is_set():
            if account.ensure_signed_in():
                getattr(self, rng.choices(names, weights)[0])(account)
            self.stop.wait(self.pause_seconds * (0.5 + rng.random()))

    def _admin_loop(self) -> None:
        assert self.admin is not None
        turn = 0
        while not self.stop.is_set():
            if self.admin.ensure_signed_in():
                if turn % 4 == 3:
                    self.register(f"new-{turn}", self.admin)
                else:
                    self.broadcast(self.admin)
            turn += 1
            self.stop.wait(1.5)


def _origin(gateway_url: str) -> str:
    return f"http://127.0.0.1:{urlparse(gateway_url).port}"


def own_session(workload: Workload, account: Account) -> Account:
    """The same user in a session of its own (its own token family): a client thread never shares a refresh token
    with another thread, whose rotation would make it a reused one."""
    api, recorder = workload.session(account.label)
    return Account(account.label, account.email, account.password, api, recorder, account.user_id)


class ReconnectingClient:
    """What the WebSocket and SSE clients share: the first connection, made before the load starts, and reconnecting
    after a drop with a backoff (0.2 s doubling to 2 s)."""

    name: str
    workload: Workload
    connection: Any = None
    _closing: threading.Event

    def _open(self) -> Any:
        raise NotImplementedError

    def connect_first(self) -> None:
        deadline = time.monotonic() + 30
        while self.connection is None:
            self.connection = self._open()
            if self.connection is None and (time.monotonic() > deadline or self.workload.stop.wait(0.5)):
                raise RuntimeError(f"{self.name} could not connect to a healthy platform")

    def run(self) -> None:
        backoff = 0.2
        while not self._closing.is_set():
            backoff = self._reconnect(backoff)
            if self.connection is not None:
                self._read()

    def _read(self) -> None:
        """Reads from the open connection (one frame, or the stream until it ends); forgets a dropped one."""
        raise NotImplementedError

    def _reconnect(self, backoff: float) -> float:
        """Opens the connection again if it is gone; the backoff to use next."""
        if self.connection is not None:
            return backoff
        self.connection = self._open()
        if self.connection is None:
            self._closing.wait(backoff)
            return min(backoff * 2, 2.0)
        return 0.2


class FeedClient(ReconnectingClient):
    """One WebSocket client of an account, as the console runs it: a fresh ticket for each connection, `pong` to
    every `ping`, `ack` to every event, and after any drop a reconnect with `last_event_id` of the last event it
    received. Records every event frame and every drop."""

    def __init__(self, workload: Workload, account: Account):
        self.workload, self.account = workload, own_session(workload, account)
        self.name = f"ws-{account.label}"
        self.last_event_id: str | None = None
        self.connection = None
        self.first_hello: dict[str, Any] | None = None
        self.connections = 0
        self.received: list[dict[str, Any]] = []
        self._closing = threading.Event()

    def _open(self):
        account = self.account
        if not account.ensure_signed_in():
            return None
        answer = account.call(lambda: create_web_socket_ticket.sync_detailed(client=account.api.notification))
        if answer is None or not isinstance(answer.parsed, WebSocketTicket):
            return None
        url = self.workload.gateway_url.replace("http://", "ws://", 1) + answer.parsed.ws_url
        if self.last_event_id:
            url += f"&last_event_id={self.last_event_id}"
        try:
            connection = connect(url, origin=_origin(self.workload.gateway_url), open_timeout=10, close_timeout=2)
            hello = json.loads(connection.recv(timeout=10))
        except (OSError, InvalidHandshake, InvalidStatus, ConnectionClosed, TimeoutError) as error:
            self.workload.history.record("note", client=self.name, what="connect-failed", error=type(error).__name__,
                                         detail=str(error)[:200])
            return None
        if hello.get("type") != "hello":
            connection.close()
            return None
        self.connections += 1
        if self.first_hello is None:
            self.first_hello = hello
        self.workload.history.record("note", client=self.name, what="connected", resume_after=self.last_event_id,
                                     topics=hello.get("topics"))
        return connection

    def _read(self) -> None:
        try:
            frame = json.loads(self.connection.recv(timeout=1))
        except TimeoutError:
            return
        except (ConnectionClosed, OSError) as error:
            code = getattr(getattr(error, "rcvd", None), "code", None)
            if not self._closing.is_set():
                self.workload.history.record("note", client=self.name, what="dropped", code=code,
                                             error=type(error).__name__)
            self.connection = None
            return
        self._handle(frame)

    def _handle(self, frame: dict[str, Any]) -> None:
        if frame.get("type") == "ping":
            self._send({"type": "pong", "nonce": frame["nonce"]})
        elif frame.get("type") == "event":
            self.last_event_id = frame["id"]
            entry = self.workload.history.record(
                "event", client=self.name, user=self.account.label, id=frame["id"], type=frame["event_type"],
                topic=frame["topic"], subject=subject_of(frame["data"]))
            self.received.append(entry)
            self._send({"type": "ack", "id": frame["id"]})

    def _send(self, frame: dict[str, Any]) -> None:
        try:
            self.connection.send(json.dumps(frame))
        except (ConnectionClosed, OSError):
            pass  # the next recv sees the drop and reconnects

    def close(self) -> None:
        self._closing.set()
        connection = self.connection
        if connection is not None:
            connection.close()


class StreamClient(ReconnectingClient):
    """The same feed over SSE (GET /api/notifications/stream), resumed after a drop with Last-Event-ID."""

    def __init__(self, workload: Workload, account: Account):
        self.workload, self.account = workload, own_session(workload, account)
        self.name = f"sse-{account.label}"
        self.last_event_id: str | None = None
        self.first_hello: dict[str, Any] | None = None  # SSE has no hello: the time of the first connection
        self.connection: EventSource | None = None
        self.connections = 0
        self.received: list[dict[str, Any]] = []
        self._closing = threading.Event()
        self.http = httpx.Client(base_url=workload.gateway_url, timeout=httpx.Timeout(10, read=5))
        self.account.recorder.attach(self.http)

    def _open(self) -> EventSource | None:
        """The stream, resumed after the last event received; None when the platform did not open it."""
        if not self.account.ensure_signed_in():
            return None
        headers = {"Authorization": f"Bearer {self.account.api.tokens.access_token}",
                   "Accept": "text/event-stream", "Cache-Control": "no-store"}
        if self.last_event_id:
            headers["Last-Event-ID"] = self.last_event_id
        try:
            response = self.http.send(self.http.build_request("GET", "/api/notifications/stream", headers=headers),
                                      stream=True)
        except httpx.HTTPError as error:
            self.account.recorder.no_answer(error)
            return None
        if response.status_code != 200:
            response.close()
            if response.status_code == 401:
                self.account.api.tokens = None
            return None
        self.connections += 1
        self.workload.history.record("note", client=self.name, what="connected", resume_after=self.last_event_id)
        return EventSource(response)

    def connect_first(self) -> None:
        """SSE has no greeting frame: the time the first stream is open bounds what it must receive (opened before
        any work of its account starts)."""
        super().connect_first()
        self.first_hello = {"server_time": datetime.now(UTC).isoformat()}

    def _read(self) -> None:
        try:
            for message in self.connection.iter_sse():
                self._handle(message)
                if self._closing.is_set():
                    return
            error_name = "ended"
        except (httpx.HTTPError, OSError) as error:
            error_name = type(error).__name__
        finally:
            self.connection.response.close()
            self.connection = None
        if not self._closing.is_set():
            self.workload.history.record("note", client=self.name, what="dropped", error=error_name)

    def _handle(self, message) -> None:
        if not message.data:
            return  # a keep-alive comment: httpx_sse dispatches it with the last id, as the SSE format says
        notification = json.loads(message.data)
        self.last_event_id = message.id
        self.received.append(self.workload.history.record(
            "event", client=self.name, user=self.account.label, id=message.id, type=message.event,
            topic=notification["topic"], subject=subject_of(notification["data"])))

    def close(self) -> None:
        self._closing.set()
        self.http.close()


def subject_of(data: dict[str, Any]) -> str | None:
    """What an event is about, for the checks: a job, a report, a broadcast or a user."""
    for key in ("job_id", "report_id", "broadcast_id", "user_id"):
        if data.get(key):
            return f"{key.removesuffix('_id')}:{data[key]}"
    return None


def credentials_file() -> Credentials:
    return Credentials(os.environ.get("PLATFORM_CREDENTIALS_FILE"))
