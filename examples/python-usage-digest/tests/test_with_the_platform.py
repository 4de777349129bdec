"""usage-digest against a real platform: the sandbox the platform-sandbox plugin starts for the session.

The service runs in-process (FastAPI's TestClient runs its lifespan, so its consumer reads the sandbox's backbone);
the platform is the real one, reached as in production: events through Redis, the API through the gateway.
"""

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from platform_client.inference.api.jobs import create_inference_job
from platform_client.inference.api.predictions import predict_eta
from platform_client.inference.models import (
    CreateJobRequest,
    EtaPrediction,
    Job,
    Shipment,
)
from usage_digest.app import create_app

TEXAS_TO_ILLINOIS = Shipment.from_dict({"origin": "TX", "destination": "IL", "distance_km": 1480, "weight_kg": 12000,
                                        "mode": "ftl", "carrier": "swift", "pickup_at": "2026-11-24T08:00:00-06:00"})
CALIFORNIA_TO_NEVADA = Shipment.from_dict({"origin": "CA", "destination": "NV", "distance_km": 700, "weight_kg": 800,
                                           "mode": "ltl", "carrier": "swift", "pickup_at": "2026-11-24T08:00:00-08:00"})


@pytest.fixture
def digest_service(platform_sandbox, monkeypatch) -> Iterator[TestClient]:
    """The service, configured as its deployment would be: the platform's Redis, its keys and its gateway."""
    monkeypatch.setenv("REDIS_URL", platform_sandbox.redis_url)
    monkeypatch.setenv("AUTH_JWKS_URL", f"{platform_sandbox.gateway_url}/api/auth/.well-known/jwks.json")
    monkeypatch.setenv("PLATFORM_API_URL", platform_sandbox.gateway_url)
    with TestClient(create_app()) as client:
        yield client


def digest_of(service: TestClient, user, predictions: int, timeout: float = 10) -> dict:
    """The user's digest once it counts `predictions` (the service consumes asynchronously), within `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        answer = service.get("/api/usage-digest/v1/me", headers=user.headers)
        assert answer.status_code == 200, answer.text
        if answer.json()["predictions"] >= predictions or time.monotonic() > deadline:
            return answer.json()
        time.sleep(0.1)


def test_a_users_predictions_and_job_show_in_their_digest(platform_users, platform_events, digest_service):
    user = platform_users()
    prediction = user.api.expect(predict_eta.sync_detailed(client=user.api.inference, body=TEXAS_TO_ILLINOIS),
                                 EtaPrediction, 200)
    job = user.api.expect(create_inference_job.sync_detailed(
        client=user.api.inference, body=CreateJobRequest(shipments=[CALIFORNIA_TO_NEVADA] * 3)), Job, 202)

    # The platform says the job is done, on the backbone and on the user's live feed.
    completed = platform_events.wait_for("inference.job.completed", where=lambda e: str(e.data.job_id) == job.id,
                                         timeout=30)
    assert completed.data.succeeded_items == 3
    assert user.notifications.wait_for("inference.job.completed", timeout=15).data["job_id"] == job.id

    digest = digest_of(digest_service, user, predictions=4)
    assert digest["predictions"] == 4
    assert digest["by_operation"] == {"eta": 1, "job": 3}
    assert digest["top_lanes"][0] == {"lane": "CA->NV", "predictions": 3}
    assert digest["current_model_version"] == prediction.model_version
    assert digest["all_on_current_model"] is True


def test_each_user_sees_only_their_own_usage(platform_users, platform_events, digest_service):
    busy, idle = platform_users(), platform_users("viewer")
    busy.api.expect(predict_eta.sync_detailed(client=busy.api.inference, body=TEXAS_TO_ILLINOIS), EtaPrediction, 200)
    platform_events.wait_for("inference.usage", where=lambda e: str(e.data.user_id) == busy.id)

    assert digest_of(digest_service, busy, predictions=1)["predictions"] == 1
    assert digest_of(digest_service, idle, predictions=0)["predictions"] == 0


def test_the_digest_needs_a_platform_token(digest_service):
    refused = digest_service.get("/api/usage-digest/v1/me")

    assert refused.status_code == 401
    assert refused.headers["content-type"].startswith("application/problem+json")


@pytest.mark.platform_faults
def test_the_digest_still_answers_when_the_platform_cannot_say_its_model(platform_users, platform_faults,
                                                                         digest_service):
    user = platform_users()
    platform_faults.cut("inference-bridge")  # the gateway's link to it: the model card cannot be had

    digest = digest_of(digest_service, user, predictions=0)

    assert digest["predictions"] == 0
    assert digest["current_model_version"] is None
    assert digest["all_on_current_model"] is None
