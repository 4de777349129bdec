"""Hand-written, not generated: one signed-in connection to the platform for the four generated clients.

openapi-python-client makes an `AuthenticatedClient` per sub-package, each with a fixed token. `PlatformSession`
hands all four one httpx.Client (one connection pool) whose auth flow sends the current access token and, on a
401, refreshes it and retries once. It also covers the little that the generated functions cannot do:

- `expect()`: the body of an answer as the model the caller expected, else `ApiError` with the problem's detail
  and field errors (a generated call returns the model or the `Problem`, and never raises on a status);
- `events()`: the notification stream (Server-Sent Events); the generated `stream_notifications` would read its
  endless body to the end;
- `http`: the shared, signed-in httpx.Client, for answers the generated parser misreads (it picks the parser by
  status code only, so a job's result asked for as CSV is parsed as JSON).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Generator, Iterator
from http import HTTPStatus
from typing import Any, TypeVar
from uuid import UUID

import httpx
from httpx_sse import connect_sse

from . import auth, inference, notification, operations, reporting
from .auth.api.tokens import login, refresh_tokens
from .auth.models import LoginRequest, RefreshRequest, TokenResponse
from .notification.api.live import stream_notifications
from .notification.models import Notification
from .notification.types import UNSET, Response

Model = TypeVar("Model")

# The operations whose contract says `security: []`: they never carry the access token, and their 401 (a wrong
# password, a spent refresh token) is the answer, not a reason to refresh.
ANONYMOUS_PATHS = frozenset({"/api/auth/login", "/api/auth/refresh", "/api/auth/logout"})


class ApiError(Exception):
    """The platform answered something other than what the caller expected."""

    def __init__(self, response: httpx.Response | None, status: int, body: bytes) -> None:
        self.status = status
        self.request_line = f"{response.request.method} {response.request.url.path}" if response is not None else ""
        self.problem = _json_object(body)
        super().__init__(self._describe())

    def _describe(self) -> str:
        """`<METHOD> <path> answered <status> <reason>: <detail> (<pointer> <message>; …)`."""
        try:
            reason = HTTPStatus(self.status).phrase
        except ValueError:  # a status no standard names
            reason = ""
        text = f"{self.request_line} answered {self.status} {reason}".strip()
        if self.problem is None:
            return text
        detail = self.problem.get("detail") or self.problem.get("title")
        if detail:
            text += f": {detail}"
        errors = [f"{e.get('pointer')} {e.get('message')}" for e in self.problem.get("errors") or []
                  if isinstance(e, dict)]
        if errors:
            text += " (" + "; ".join(errors) + ")"
        return text


class PlatformSession:
    """The generated clients `auth`, `inference`, `notification`, `reporting` and `operations` (the gateway's own,
    admin only) over one httpx.Client (`http`:
    a given one, e.g. with a test transport, gets this session's auth flow and response hook).

    Calls may come from several threads (the refresh is shared), but an error names the request of the latest
    answer, so use one session per thread where the messages matter.
    """

    def __init__(self, base_url: str, *, http: httpx.Client | None = None, timeout: float = 30) -> None:
        self.tokens: TokenResponse | None = None
        self._refresh_lock = threading.Lock()
        self.http = http or httpx.Client(base_url=base_url, timeout=timeout)
        self.http.auth = _RefreshingBearer(self)
        self.http.event_hooks["response"].append(self._remember)
        self._latest: httpx.Response | None = None
        # The generated clients only use their token when they build their own httpx client; this one is shared.
        self.auth = auth.AuthenticatedClient(base_url=base_url, token="").set_httpx_client(self.http)
        self.inference = inference.AuthenticatedClient(base_url=base_url, token="").set_httpx_client(self.http)
        self.notification = notification.AuthenticatedClient(base_url=base_url, token="").set_httpx_client(self.http)
        self.reporting = reporting.AuthenticatedClient(base_url=base_url, token="").set_httpx_client(self.http)
        self.operations = operations.AuthenticatedClient(base_url=base_url, token="").set_httpx_client(self.http)

    def __enter__(self) -> PlatformSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def sign_in(self, email: str, password: str) -> TokenResponse:
        """Log in; every later call through this session carries the access token."""
        self.tokens = self.expect(login.sync_detailed(client=self.auth, body=LoginRequest(email=email, password=password)),
                                  TokenResponse)
        return self.tokens

    def expect(self, response: Response[Any], model: type[Model], status: int | None = None) -> Model:
        """The parsed body when it is a `model` (answered with `status`, if given); else ApiError."""
        if isinstance(response.parsed, model) and (status is None or response.status_code == status):
            return response.parsed
        raise self.error(response)

    def expect_status(self, response: Response[Any], status: int) -> None:
        """For answers without a body (204): ApiError unless the status is `status`."""
        if response.status_code != status:
            raise self.error(response)

    def error(self, response: Response[Any]) -> ApiError:
        """ApiError for an answer; it names the request when the answer is the latest this session got."""
        return ApiError(self._latest if self._is_latest(response) else None, int(response.status_code),
                        response.content)

    def latest_answer_error(self) -> ApiError:
        """The latest answer as an ApiError. For a generated call that raised ValueError: the generated parsers read
        every documented error status as problem+json, so a body that is not JSON (a proxy's HTML page) raises."""
        latest = self._latest
        if latest is None:
            raise LookupError("no answer yet")
        return ApiError(latest, latest.status_code, latest.content)

    def _is_latest(self, response: Response[Any]) -> bool:
        latest = self._latest
        try:
            return latest is not None and latest.status_code == response.status_code and latest.content == response.content
        except httpx.ResponseNotRead:  # the latest was a stream
            return False

    def events(self, last_event_id: UUID | None = None) -> Iterator[Notification]:
        """The signed-in user's notifications as Server-Sent Events, from after `last_event_id` (replayed) on;
        endless: stop iterating to close the stream. An answer that is not a stream raises ApiError."""
        # The generated request (method, path, Last-Event-ID header as the contract has them), sent as a stream.
        request = stream_notifications._get_kwargs(last_event_id=last_event_id or UNSET)
        with connect_sse(self.http, request["method"].upper(), request["url"], headers=request["headers"]) as source:
            if source.response.status_code != 200:
                source.response.read()
                raise ApiError(source.response, source.response.status_code, source.response.content)
            for message in source.iter_sse():
                yield Notification.from_dict(json.loads(message.data))

    def _remember(self, response: httpx.Response) -> None:
        self._latest = response

    def _refresh(self, stale_access_token: str) -> bool:
        """One refresh for every request whose token `stale_access_token` was refused (a refresh token is single
        use: two refreshes with it would revoke the session). False when the platform refused the refresh."""
        with self._refresh_lock:
            tokens = self.tokens
            if tokens is None:
                return False
            if tokens.access_token != stale_access_token:
                return True  # another request refreshed meanwhile
            refused = self._latest
            refreshed = refresh_tokens.sync(client=self.auth, body=RefreshRequest(refresh_token=tokens.refresh_token))
            self._latest = refused  # the caller's answer is the one errors name, not the refresh's
            self.tokens = refreshed if isinstance(refreshed, TokenResponse) else None
            return self.tokens is not None


class _RefreshingBearer(httpx.Auth):
    """The access token on every request but the anonymous ones; on a 401, one refresh and one retry."""

    requires_response_body = False  # the status is enough, and a stream's body (SSE) must stay unread

    def __init__(self, session: PlatformSession) -> None:
        self.session = session

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        tokens = self.session.tokens
        if tokens is None or request.url.path in ANONYMOUS_PATHS:
            yield request
            return
        request.headers["Authorization"] = f"Bearer {tokens.access_token}"
        response = yield request
        if response.status_code == 401 and self.session._refresh(tokens.access_token):
            assert self.session.tokens is not None
            request.headers["Authorization"] = f"Bearer {self.session.tokens.access_token}"
            yield request


def _json_object(body: bytes) -> dict[str, Any] | None:
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None
