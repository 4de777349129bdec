"""platform_client.registrar (hand-written): an account of a given role, registered through the public API and given
its role by an admin through the admin API, against a fake auth-service behind a fake gateway (httpx.MockTransport)
that keeps its accounts and refuses what the real one refuses: a taken email, a role change by a non-admin, a
sign-in with the wrong password. The real path is exercised by the e2e tests' `new_account`, `./platform seed`'s
tests and the sandbox's `platform_users`, which all make their accounts with it."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from platform_client import ApiError, PlatformSession, Registrar
from platform_client.auth.models import Role
from platform_client.auth.types import Response

BASE = "http://gateway.test"
NOW = "2026-11-24T17:41:00Z"
PROBLEM = {"Content-Type": "application/problem+json"}
ADMIN_EMAIL, PASSWORD = "admin@example.com", "correct-horse-battery-staple"


def problem(status: int, kind: str, detail: str) -> httpx.Response:
    return httpx.Response(status, headers=PROBLEM, json={"type": f"/problems/{kind}", "title": kind, "status": status,
                                                         "detail": detail})


class FakeAuthService:
    """Accounts by email (the bootstrap admin first); a token names its account; `busy` registrations answer 429."""

    def __init__(self) -> None:
        self.accounts: dict[str, dict[str, Any]] = {}
        self.passwords: dict[str, str] = {}
        self.requests: list[httpx.Request] = []
        self.busy = 0
        self._add(ADMIN_EMAIL, "Bootstrap Admin", PASSWORD, "admin")

    def _add(self, email: str, name: str, password: str, role: str) -> dict[str, Any]:
        account = {"id": str(uuid.uuid4()), "email": email, "name": name, "role": role, "created_at": NOW,
                   "updated_at": NOW}
        self.accounts[email], self.passwords[email] = account, password
        return account

    def signed_in(self, request: httpx.Request) -> dict[str, Any] | None:
        token = request.headers.get("Authorization", "").removeprefix("Bearer access-for-")
        return self.accounts.get(token)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        body = json.loads(request.content) if request.content else {}
        path = request.url.path
        if path == "/api/auth/register":
            if self.busy:
                self.busy -= 1
                return problem(429, "rate-limited", "Too many registrations from this address.")
            if body["email"] in self.accounts:
                return problem(409, "email-taken", "An account with this email exists.")
            return httpx.Response(201, json=self._add(body["email"], body["name"], body["password"], "user"))
        if path == "/api/auth/login":
            if self.passwords.get(body["email"]) != body["password"]:
                return problem(401, "invalid-credentials", "Wrong email or password.")
            return httpx.Response(200, json={"access_token": f"access-for-{body['email']}", "refresh_token": "r",
                                             "token_type": "Bearer", "expires_in": 900})
        if request.method == "PATCH" and path.startswith("/api/auth/users/"):
            caller = self.signed_in(request)
            if caller is None or caller["role"] != "admin":
                return problem(403, "forbidden", "Only an admin changes a role.")
            account = next(a for a in self.accounts.values() if a["id"] == path.rsplit("/", 1)[1])
            account["role"] = body["role"]
            return httpx.Response(200, json=account)
        return problem(404, "not-found", path)

    def sent(self) -> list[str]:
        return [f"{r.method} {r.url.path}" for r in self.requests]


@pytest.fixture
def auth_service() -> FakeAuthService:
    return FakeAuthService()


@pytest.fixture
def new_session(auth_service: FakeAuthService):
    with_sessions: list[PlatformSession] = []

    def new() -> PlatformSession:
        session = PlatformSession(BASE, http=httpx.Client(base_url=BASE, transport=httpx.MockTransport(auth_service)))
        with_sessions.append(session)
        return session

    yield new
    for session in with_sessions:
        session.close()


@pytest.fixture
def admin(new_session: Callable[[], PlatformSession]) -> PlatformSession:
    session = new_session()
    session.sign_in(ADMIN_EMAIL, PASSWORD)
    return session


def test_a_user_is_registered_and_needs_no_admin(new_session, auth_service: FakeAuthService) -> None:
    user = Registrar(new_session()).register("ada@example.com", "Ada Lovelace", PASSWORD)

    assert (user.email, user.role) == ("ada@example.com", Role.USER)
    assert str(user.id) == auth_service.accounts["ada@example.com"]["id"]
    assert auth_service.sent() == ["POST /api/auth/register"]


def test_a_viewer_is_registered_then_given_the_role_by_the_admin(new_session, admin, auth_service) -> None:
    user = Registrar(new_session(), admin=admin).register("ada@example.com", "Ada Lovelace", PASSWORD, "viewer")

    assert user.role == Role.VIEWER and auth_service.accounts["ada@example.com"]["role"] == "viewer"
    assert auth_service.sent()[-2:] == ["POST /api/auth/register", f"PATCH /api/auth/users/{user.id}"]
    assert auth_service.requests[-1].headers["Authorization"] == f"Bearer access-for-{ADMIN_EMAIL}"


def test_signing_up_signs_the_given_session_in_as_the_new_account(new_session, admin, auth_service) -> None:
    session = new_session()
    user = Registrar(new_session(), admin=admin).sign_up(session, "ada@example.com", "Ada", PASSWORD, Role.ADMIN)

    assert user.role == Role.ADMIN
    assert session.tokens is not None and session.tokens.access_token == "access-for-ada@example.com"
    assert auth_service.sent()[-1] == "POST /api/auth/login"


def test_a_role_above_user_without_an_admin_is_refused_before_any_account_is_made(new_session, auth_service) -> None:
    with pytest.raises(ValueError, match="no admin session"):
        Registrar(new_session()).register("ada@example.com", "Ada Lovelace", PASSWORD, "viewer")
    assert auth_service.requests == []


def test_a_role_the_contract_does_not_name_is_refused_before_anything_is_sent(new_session, admin, auth_service) -> None:
    sent_before = len(auth_service.requests)
    with pytest.raises(ValueError, match="'owner' is not a valid Role"):
        Registrar(new_session(), admin=admin).register("ada@example.com", "Ada Lovelace", PASSWORD, "owner")
    assert len(auth_service.requests) == sent_before


def test_an_admin_given_as_a_function_signs_in_once_and_only_when_a_role_needs_it(new_session, auth_service) -> None:
    sign_ins = []

    def admin() -> PlatformSession:
        session = new_session()
        session.sign_in(ADMIN_EMAIL, PASSWORD)
        sign_ins.append(session)
        return session

    registrar = Registrar(new_session(), admin=admin)
    registrar.register("user@example.com", "Plain User", PASSWORD)
    assert sign_ins == []
    registrar.register("viewer@example.com", "A Viewer", PASSWORD, "viewer")
    registrar.register("admin2@example.com", "An Admin", PASSWORD, "admin")
    assert len(sign_ins) == 1
    assert auth_service.sent().count("POST /api/auth/login") == 1


def test_giving_a_role_an_account_has_already_sends_nothing(new_session, admin, auth_service) -> None:
    registrar = Registrar(new_session(), admin=admin)
    user = registrar.register("ada@example.com", "Ada Lovelace", PASSWORD, "viewer")
    sent_before = len(auth_service.requests)

    assert registrar.give_role(user, "viewer") is user
    assert len(auth_service.requests) == sent_before
    assert registrar.give_role(user, "user").role == Role.USER
    assert auth_service.sent()[-1] == f"PATCH /api/auth/users/{user.id}"


def test_a_taken_email_is_an_api_error_with_the_problem(new_session, auth_service) -> None:
    registrar = Registrar(new_session())
    registrar.register("ada@example.com", "Ada Lovelace", PASSWORD)

    with pytest.raises(ApiError) as taken:
        registrar.register("ada@example.com", "Ada Again", PASSWORD)
    assert taken.value.status == 409
    assert str(taken.value) == "POST /api/auth/register answered 409 Conflict: An account with this email exists."


def test_a_role_change_by_someone_not_an_admin_is_an_api_error(new_session, auth_service) -> None:
    not_admin = new_session()
    Registrar(new_session()).sign_up(not_admin, "ada@example.com", "Ada Lovelace", PASSWORD)

    with pytest.raises(ApiError) as forbidden:
        Registrar(new_session(), admin=not_admin).register("bob@example.com", "Bob", PASSWORD, "admin")
    assert forbidden.value.status == 403 and forbidden.value.problem["type"] == "/problems/forbidden"
    assert auth_service.accounts["bob@example.com"]["role"] == "user"


def test_an_admin_that_cannot_sign_in_fails_before_any_account_is_made(new_session, auth_service) -> None:
    def admin() -> PlatformSession:
        session = new_session()
        session.sign_in(ADMIN_EMAIL, "not-the-admin-password")
        return session

    with pytest.raises(ApiError) as refused:
        Registrar(new_session(), admin=admin).register("ada@example.com", "Ada Lovelace", PASSWORD, "viewer")
    assert str(refused.value) == "POST /api/auth/login answered 401 Unauthorized: Wrong email or password."
    assert "ada@example.com" not in auth_service.accounts  # not left behind as a mere user


def test_every_call_goes_through_send_so_a_caller_can_retry_a_429(new_session, admin, auth_service) -> None:
    auth_service.busy = 2
    sends: list[int] = []

    def again_after_429(call: Callable[[], Response[Any]]) -> Response[Any]:
        while (answer := call()).status_code == 429:
            sends.append(429)
        sends.append(int(answer.status_code))
        return answer

    user = Registrar(new_session(), admin=admin, send=again_after_429).register("ada@example.com", "Ada", PASSWORD,
                                                                                 "viewer")
    assert user.role == Role.VIEWER
    assert sends == [429, 429, 201, 200]

