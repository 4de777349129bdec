"""The Java services' live OpenAPI documents (springdoc, /v3/api-docs) mean what their contracts say.

Fetched from each service directly (E2E_SERVICE_URLS), as served by the jar the platform runs, and compared
by the same comparator as the Python services' drift tests (service_kit.contract_drift).
"""

from pathlib import Path

import pytest

from service_kit_testing.checks import check_contract_drift

CONTRACTS = Path(__file__).resolve().parent.parent / "contracts" / "openapi"


@pytest.mark.parametrize(("service", "contract"), [
    ("auth-service", "auth.yaml"),
    ("notification-service", "notification.yaml"),
])
def test_live_openapi_document_matches_the_contract(service: str, contract: str, service_urls: dict[str, str]):
    check_contract_drift(service_urls[service], CONTRACTS / contract, live_path="/v3/api-docs")
