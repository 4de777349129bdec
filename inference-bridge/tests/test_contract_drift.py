"""inference-bridge's live OpenAPI document (/openapi.json of the running service) against contracts/openapi/inference.yaml."""

import pytest

from service_kit_testing.checks import check_contract_drift


def test_live_openapi_document_matches_the_contract(start_service, pytestconfig: pytest.Config):
    service = start_service("inference_bridge", port_env="INFERENCE_PORT")
    check_contract_drift(service.base_url, pytestconfig.rootpath / "contracts/openapi/inference.yaml")
