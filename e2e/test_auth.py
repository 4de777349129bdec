"""Accounts and tokens through the gateway, as a client sees them: the bootstrap admin, register, login, me,
refresh rotation with reuse detection, logout, and administration, every error as problem+json."""

import uuid

import httpx
import pytest

# What ./platform test starts the platform with (launcher/testing.py).
ADMIN_EMAIL = "e2e-admin@example.com"
ADMIN_PASSWORD = "e2e-admin-password-not-secret"
PASSWORD = "correct-horse-battery-staple"


def login(gateway: httpx.Client, email: str, password: str) -> httpx.Response:
    return gateway.post("/api/auth/login", json={"email": email, "password": password})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def account(gateway: httpx.Client) -> dict:
    email = f"e2e-{uuid.uuid4().hex[:12]}@example.com"
    response = gateway.post("/api/auth/register", json={"email": email.upper(), "name": " E2E User ", "password": PASSWORD})
    assert response.status_code == 201, response.text
    user = response.json()
    assert user["email"] == email and user["name"] == "E2E User" and user["role"] == "user"
    return user


def test_the_bootstrap_admin_signs_in_and_administers(gateway: httpx.Client, account: dict):
    response = login(gateway, ADMIN_EMAIL, ADMIN_PASSWORD)
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    assert gateway.get("/api/auth/me", headers=bearer(token)).json()["role"] == "admin"

    page = gateway.get("/api/auth/users", params={"email": account["email"]}, headers=bearer(token)).json()
    assert [user["id"] for user in page["items"]] == [account["id"]]
    changed = gateway.patch(f"/api/auth/users/{account['id']}", json={"role": "viewer"}, headers=bearer(token))
    assert changed.status_code == 200 and changed.json()["role"] == "viewer"
    assert gateway.delete(f"/api/auth/users/{account['id']}", headers=bearer(token)).status_code == 204
    assert gateway.get(f"/api/auth/users/{account['id']}", headers=bearer(token)).status_code == 404


def test_tokens_rotate_and_a_reused_refresh_token_revokes_its_family(gateway: httpx.Client, account: dict):
    tokens = login(gateway, account["email"], PASSWORD).json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 900
    assert gateway.get("/api/auth/me", headers=bearer(tokens["access_token"])).json()["id"] == account["id"]

    rotated = gateway.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert rotated.status_code == 200
    reused = gateway.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert reused.status_code == 401
    assert reused.headers["content-type"].startswith("application/problem+json")
    assert gateway.post("/api/auth/refresh", json={"refresh_token": rotated.json()["refresh_token"]}).status_code == 401

    other = login(gateway, account["email"], PASSWORD).json()
    assert gateway.post("/api/auth/logout", json={"refresh_token": other["refresh_token"]}).status_code == 204
    assert gateway.post("/api/auth/refresh", json={"refresh_token": other["refresh_token"]}).status_code == 401


def test_errors_are_problems_and_say_nothing_about_which_part_was_wrong(gateway: httpx.Client, account: dict):
    wrong_password = login(gateway, account["email"], "not-the-password")
    unknown_email = login(gateway, f"nobody-{uuid.uuid4().hex[:8]}@example.com", "not-the-password")
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json()["detail"] == unknown_email.json()["detail"]
    assert unknown_email.headers["content-type"].startswith("application/problem+json")

    assert gateway.get("/api/auth/me").status_code == 401
    user_token = login(gateway, account["email"], PASSWORD).json()["access_token"]
    forbidden = gateway.get("/api/auth/users", headers=bearer(user_token))
    assert forbidden.status_code == 403 and forbidden.json()["type"] == "https://polyglot.dev/problems/forbidden"
    invalid = gateway.post("/api/auth/register", json={"email": "not-an-email", "name": "X", "password": "short"})
    assert invalid.status_code == 422
    assert {error["pointer"] for error in invalid.json()["errors"]} >= {"/body/email", "/body/password"}


def test_the_python_kit_accepts_a_real_token_and_refuses_it_altered(gateway: httpx.Client, account: dict,
                                                                     service_urls: dict[str, str]):
    """What every Python service will do with a user's token: service_kit.auth checks it against the running
    auth-service's JWKS, with the platform's iss and aud, and sees the user and the role auth-service issued."""
    import asyncio

    from service_kit.auth import AuthSettings, InvalidToken, TokenVerifier

    token = login(gateway, account["email"], PASSWORD).json()["access_token"]
    verifier = TokenVerifier(AuthSettings.from_env({"AUTH_SERVICE_URL": service_urls["auth-service"]}))
    principal = asyncio.run(verifier.verify(token))
    assert (principal.user_id, principal.email, principal.roles) == (account["id"], account["email"], ("user",))

    header, payload, signature = token.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    with pytest.raises(InvalidToken):
        asyncio.run(verifier.verify(f"{header}.{payload}.{flipped}"))
