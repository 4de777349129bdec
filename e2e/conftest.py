"""Black-box tests: they see the platform only as a user does, through its gateway.

They call it with the generated Python client (platform_client, one signed-in PlatformSession per account), and
with plain httpx (the `gateway` fixture) only where a test sends what a typed client cannot: no token, a forged
one, a malformed body, an unknown route, headers of its own.
"""

import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from launcher.credential_scan import CredentialRecorder
from platform_client import PlatformSession, Registrar
from platform_client.auth.api.account import get_current_user
from platform_client.auth.models import User
from platform_client.notification.api.live import create_web_socket_ticket
from platform_client.notification.models import WebSocketTicket


@pytest.fixture(scope="session", autouse=True)
def record_credentials() -> Iterator[None]:
    """Every credential the tests' HTTP traffic carries (passwords sent; access, refresh tokens and WebSocket tickets
    received), for the log scan ./platform test runs once the platform stopped (launcher/credential_scan.py): every
    httpx client the tests make, the generated client's included, goes through `httpx.Client.send`."""
    recorder = CredentialRecorder.from_environment()
    send = httpx.Client.send

    def send_and_record(client: httpx.Client, request: httpx.Request, **kwargs) -> httpx.Response:
        recorder.on_request(request)
        response = send(client, request, **kwargs)
        if not kwargs.get("stream"):
            recorder.on_response(response)
        return response

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(httpx.Client, "send", send_and_record)
        yield


def required_environment(name: str, what: str) -> str:
    """A variable ./platform test sets; run alone, the tests say what to set it to."""
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run the end-to-end tests through ./platform test (or set it to {what})")
    return value


@pytest.fixture(scope="session")
def platform_data_dir() -> Path:
    """The running platform's data folder: its logs, and its supervisor's state file (run/platform.json)."""
    return Path(required_environment("E2E_LOGS_DIR", "the running platform's logs folder, e.g. var/logs")).parent


@pytest.fixture(scope="session")
def gateway_url() -> str:
    return required_environment("GATEWAY_URL", "a running platform's gateway, e.g. http://localhost:8080").rstrip("/")


@pytest.fixture(scope="session")
def gateway(gateway_url: str):
    with httpx.Client(base_url=gateway_url, timeout=10) as client:
        yield client


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The platform's event backbone, for the tests that publish on it as a tool would (./platform seed)."""
    return required_environment("E2E_REDIS_URL", "the running platform's Redis, e.g. redis://localhost:6379/0")


@pytest.fixture(scope="session")
def service_urls() -> dict[str, str]:
    """Each service's own base URL ({"auth-service": "http://127.0.0.1:<port>", …}), for the few checks that
    look at a service directly rather than through the gateway (its live OpenAPI document)."""
    urls = required_environment("E2E_SERVICE_URLS", 'JSON such as {"auth-service": "http://localhost:8081", …}')
    return {name: url.rstrip("/") for name, url in json.loads(urls).items()}


@pytest.fixture(scope="session")
def zipkin() -> Iterator[httpx.Client]:
    """The trace UI of the platform under test (its API: /api/v2/trace/{id}, /api/v2/spans)."""
    url = required_environment("E2E_ZIPKIN_URL", "a running platform's Zipkin, e.g. http://localhost:9411")
    with httpx.Client(base_url=url.rstrip("/"), timeout=10) as client:
        yield client


# What ./platform test starts the platform with (launcher/testing.py).
E2E_ADMIN_EMAIL = "e2e-admin@example.com"
E2E_ADMIN_PASSWORD = "e2e-admin-password-not-secret"
E2E_PASSWORD = "correct-horse-battery-staple"


@dataclass
class Account:
    """A signed-in user of the platform under test, and its session with the platform."""

    id: str
    email: str
    role: str
    api: PlatformSession

    @property
    def headers(self) -> dict[str, str]:
        """The access token as a header, for the raw requests of tests that send what the client cannot."""
        assert self.api.tokens is not None, "signed out"
        return {"Authorization": f"Bearer {self.api.tokens.access_token}"}


def websocket_ticket(account: Account) -> WebSocketTicket:
    """A fresh single-use ticket from notification-service, as a browser gets one before its handshake."""
    return account.api.expect(create_web_socket_ticket.sync_detailed(client=account.api.notification),
                              WebSocketTicket, 201)


@contextmanager
def open_feed(gateway_url: str, account: Account) -> Iterator[ClientConnection]:
    """The account's notifications over a WebSocket through the gateway, as the console opens it (past `hello`)."""
    url = gateway_url.replace("http://", "ws://", 1) + websocket_ticket(account).ws_url
    with connect(url, origin=f"http://127.0.0.1:{urlparse(gateway_url).port}", open_timeout=10) as feed:
        assert json.loads(feed.recv(timeout=10))["type"] == "hello"
        yield feed


def job_events(feed: ClientConnection, seconds: float) -> list[dict]:
    """Every event frame received within `seconds`, answering heartbeats meanwhile."""
    events, deadline = [], time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            frame = json.loads(feed.recv(timeout=left))
        except TimeoutError:
            break
        if frame["type"] == "ping":
            feed.send(json.dumps({"type": "pong", "nonce": frame["nonce"]}))
        elif frame["type"] == "event":
            events.append(frame)
    return events


def signed_in(gateway_url: str, email: str, password: str) -> tuple[PlatformSession, User]:
    api = PlatformSession(gateway_url, timeout=10)
    api.sign_in(email, password)
    return api, api.expect(get_current_user.sync_detailed(client=api.auth), User)


@pytest.fixture(scope="session")
def anonymous(gateway_url: str) -> Iterator[PlatformSession]:
    """A session that never signs in: register, login, refresh, logout."""
    with PlatformSession(gateway_url, timeout=10) as api:
        yield api


@pytest.fixture(scope="session")
def admin(gateway_url: str) -> Iterator[Account]:
    api, me = signed_in(gateway_url, E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD)
    with api:
        yield Account(str(me.id), me.email, str(me.role), api)


@pytest.fixture
def new_account(gateway_url: str, anonymous: PlatformSession, admin: Account) -> Iterator[Callable[..., Account]]:
    """Registers a fresh user, gives it `role` (through the admin API when not `user`) and signs it in."""
    registrar = Registrar(anonymous, admin=admin.api)

    with ExitStack() as sessions:

        def create(role: str = "user") -> Account:
            email = f"e2e-{uuid.uuid4().hex[:12]}@example.com"
            api = sessions.enter_context(PlatformSession(gateway_url, timeout=10))
            user = registrar.sign_up(api, email, "E2E User", E2E_PASSWORD, role)
            return Account(str(user.id), email, role, api)

        yield create
