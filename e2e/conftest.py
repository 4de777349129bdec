"""Black-box tests: they see the platform only as a user does, through its gateway."""

import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest


@pytest.fixture(scope="session")
def gateway_url() -> str:
    url = os.environ.get("GATEWAY_URL")
    if not url:
        pytest.fail("GATEWAY_URL is not set: run the end-to-end tests through ./platform test "
                    "(or set GATEWAY_URL to a running platform's gateway, e.g. http://localhost:8080)")
    return url.rstrip("/")


@pytest.fixture(scope="session")
def gateway(gateway_url: str):
    with httpx.Client(base_url=gateway_url, timeout=10) as client:
        yield client


@pytest.fixture(scope="session")
def service_urls() -> dict[str, str]:
    """Each service's own base URL ({"auth-service": "http://127.0.0.1:<port>", …}), for the few checks that
    look at a service directly rather than through the gateway (its live OpenAPI document)."""
    urls = os.environ.get("E2E_SERVICE_URLS")
    if not urls:
        pytest.fail("E2E_SERVICE_URLS is not set: run the end-to-end tests through ./platform test "
                    '(or set it to JSON such as {"auth-service": "http://localhost:8081", …})')
    return {name: url.rstrip("/") for name, url in json.loads(urls).items()}


# What ./platform test starts the platform with (launcher/testing.py).
E2E_ADMIN_EMAIL = "e2e-admin@example.com"
E2E_ADMIN_PASSWORD = "e2e-admin-password-not-secret"
E2E_PASSWORD = "correct-horse-battery-staple"


@dataclass
class Account:
    """A signed-in user of the platform under test."""

    id: str
    email: str
    role: str
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def sign_in(gateway: httpx.Client, email: str, password: str) -> dict:
    response = gateway.post("/api/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="session")
def admin(gateway: httpx.Client) -> Account:
    tokens = sign_in(gateway, E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD)
    me = gateway.get("/api/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}).json()
    return Account(me["id"], me["email"], me["role"], tokens["access_token"], tokens["refresh_token"])


@pytest.fixture
def new_account(gateway: httpx.Client, admin: Account) -> Callable[..., Account]:
    """Registers a fresh user, gives it `role` (through the admin API when not `user`) and signs it in."""

    def create(role: str = "user") -> Account:
        email = f"e2e-{uuid.uuid4().hex[:12]}@example.com"
        registered = gateway.post("/api/auth/register", json={"email": email, "name": "E2E User",
                                                               "password": E2E_PASSWORD})
        assert registered.status_code == 201, registered.text
        user_id = registered.json()["id"]
        if role != "user":
            changed = gateway.patch(f"/api/auth/users/{user_id}", json={"role": role}, headers=admin.headers)
            assert changed.status_code == 200, changed.text
        tokens = sign_in(gateway, email, E2E_PASSWORD)
        return Account(user_id, email, role, tokens["access_token"], tokens["refresh_token"])

    return create
