"""Black-box tests: they see the platform only as a user does, through its gateway."""

import json
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


@pytest.fixture(scope="session")
def service_urls() -> dict[str, str]:
    """Each service's own base URL ({"auth-service": "http://127.0.0.1:<port>", …}), for the few checks that
    look at a service directly rather than through the gateway (its live OpenAPI document)."""
    urls = os.environ.get("E2E_SERVICE_URLS")
    if not urls:
        pytest.fail("E2E_SERVICE_URLS is not set: run the end-to-end tests through ./platform test "
                    '(or set it to JSON such as {"auth-service": "http://localhost:8081", …})')
    return {name: url.rstrip("/") for name, url in json.loads(urls).items()}
