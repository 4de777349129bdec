"""Black-box tests: they see the platform only as a user does, through its gateway."""

import os

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
