"""inference-bridge through its real app and its real entry point, against the test Redis (REDIS_URL).

The checks are the ones every Python service passes (service_kit_testing.checks); this file names the service.
"""

import pytest

from inference_bridge.app import create_app
from service_kit_testing.checks import check_entry_point, check_event_publisher, check_health_up, check_service_info


def test_service_info_describes_the_running_service(redis_url: str, pytestconfig: pytest.Config):
    check_service_info(create_app(), distribution="inference-bridge", api_prefix="/api/inference",
                       schema=pytestconfig.rootpath / "contracts/schemas/service-info.schema.json")


def test_health_is_up_after_a_real_redis_ping(redis_url: str):
    check_health_up(create_app())


def test_publishes_events_through_the_kits_backbone(redis_url: str):
    check_event_publisher(create_app(), service_name="inference-bridge")


def test_python_m_inference_bridge_serves_and_logs_json(start_service):
    check_entry_point(start_service, module="inference_bridge", port_env="INFERENCE_PORT", api_prefix="/api/inference")
