"""Accounts and tokens through the gateway, as a client sees them: the bootstrap admin, register, login, me,
refresh rotation with reuse detection, logout, and administration, every error as problem+json."""

import uuid

import httpx
import pytest

from contract_types.problems import ProblemType
from e2e.conftest import E2E_ADMIN_EMAIL as ADMIN_EMAIL
from e2e.conftest import E2E_ADMIN_PASSWORD as ADMIN_PASSWORD
from e2e.conftest import E2E_PASSWORD as PASSWORD
from e2e.conftest import signed_in
from platform_client import PlatformSession
from platform_client.auth.api.account import get_current_user, register_user
from platform_client.auth.api.tokens import login, logout, refresh_tokens
from platform_client.auth.api.users import delete_user, get_user, list_users, update_user
from platform_client.auth.models import (CreateUserRequest, LoginRequest, Problem, RefreshRequest, Role,
                                         TokenResponse, UpdateUserRequest, User, UserPage)


def log_in(api: PlatformSession, email: str, password: str):
    return login.sync_detailed(client=api.auth, body=LoginRequest(email=email, password=password))


def refresh(api: PlatformSession, refresh_token: str):
    return refresh_tokens.sync_detailed(client=api.auth, body=RefreshRequest(refresh_token=refresh_token))


@pytest.fixture
def account(anonymous: PlatformSession) -> User:
    email = f"e2e-{uuid.uuid4().hex[:12]}@example.com"
    response = register_user.sync_detailed(client=anonymous.auth, body=CreateUserRequest(
        email=email.upper(), name=" E2E User ", password=PASSWORD))
    user = anonymous.expect(response, User, 201)
    # The email is normalised (lower case); the name is kept as written (contracts/openapi/auth.yaml).
    assert user.email == email and user.name == " E2E User " and user.role == Role.USER
    return user


def test_the_bootstrap_admin_signs_in_and_administers(gateway_url: str, account: User):
    api, me = signed_in(gateway_url, ADMIN_EMAIL, ADMIN_PASSWORD)
    with api:
        assert me.role == Role.ADMIN
        page = api.expect(list_users.sync_detailed(client=api.auth, email=account.email), UserPage)
        assert [user.id for user in page.items] == [account.id]
        changed = api.expect(update_user.sync_detailed(account.id, client=api.auth,
                                                       body=UpdateUserRequest(role=Role.VIEWER)), User, 200)
        assert changed.role == Role.VIEWER
        api.expect_status(delete_user.sync_detailed(account.id, client=api.auth), 204)
        assert get_user.sync_detailed(account.id, client=api.auth).status_code == 404


def test_tokens_rotate_and_a_reused_refresh_token_revokes_its_family(anonymous: PlatformSession, gateway_url: str,
                                                                     account: User):
    tokens = anonymous.expect(log_in(anonymous, account.email, PASSWORD), TokenResponse)
    assert tokens.token_type == "Bearer" and tokens.expires_in == 900
    with PlatformSession(gateway_url, timeout=10) as own:
        own.tokens = tokens
        assert own.expect(get_current_user.sync_detailed(client=own.auth), User).id == account.id

    rotated = refresh(anonymous, tokens.refresh_token)
    assert rotated.status_code == 200
    reused = refresh(anonymous, tokens.refresh_token)
    assert reused.status_code == 401 and isinstance(reused.parsed, Problem)
    assert reused.headers["content-type"].startswith("application/problem+json")
    assert refresh(anonymous, anonymous.expect(rotated, TokenResponse).refresh_token).status_code == 401

    other = anonymous.expect(log_in(anonymous, account.email, PASSWORD), TokenResponse)
    revoked = logout.sync_detailed(client=anonymous.auth, body=RefreshRequest(refresh_token=other.refresh_token))
    assert revoked.status_code == 204
    assert refresh(anonymous, other.refresh_token).status_code == 401


def test_errors_are_problems_and_say_nothing_about_which_part_was_wrong(anonymous: PlatformSession,
                                                                        gateway: httpx.Client, account: User, new_account):
    wrong_password = log_in(anonymous, account.email, "not-the-password")
    unknown_email = log_in(anonymous, f"nobody-{uuid.uuid4().hex[:8]}@example.com", "not-the-password")
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert isinstance(wrong_password.parsed, Problem) and isinstance(unknown_email.parsed, Problem)
    assert wrong_password.parsed.detail == unknown_email.parsed.detail
    assert unknown_email.headers["content-type"].startswith("application/problem+json")

    assert gateway.get("/api/auth/me").status_code == 401  # no token: raw, the client would send one
    user = new_account("user")
    forbidden = list_users.sync_detailed(client=user.api.auth)
    assert forbidden.status_code == 403 and isinstance(forbidden.parsed, Problem)
    assert forbidden.parsed.type_ == ProblemType.FORBIDDEN
    invalid = register_user.sync_detailed(client=anonymous.auth, body=CreateUserRequest(
        email="not-an-email", name="X", password="short"))
    assert invalid.status_code == 422 and isinstance(invalid.parsed, Problem)
    assert {error.pointer for error in invalid.parsed.errors} >= {"/body/email", "/body/password"}


def test_the_python_kit_accepts_a_real_token_and_refuses_it_altered(anonymous: PlatformSession, account: User,
                                                                     service_urls: dict[str, str]):
    """What every Python service will do with a user's token: service_kit.auth checks it against the running
    auth-service's JWKS, with the platform's iss and aud, and sees the user and the role auth-service issued."""
    import asyncio

    from service_kit.auth import AuthSettings, InvalidToken, TokenVerifier

    token = anonymous.expect(log_in(anonymous, account.email, PASSWORD), TokenResponse).access_token
    verifier = TokenVerifier(AuthSettings(AUTH_SERVICE_URL=service_urls["auth-service"]))
    principal = asyncio.run(verifier.verify(token))
    assert (principal.user_id, principal.email, principal.roles) == (str(account.id), account.email, ("user",))

    header, payload, signature = token.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    with pytest.raises(InvalidToken):
        asyncio.run(verifier.verify(f"{header}.{payload}.{flipped}"))
