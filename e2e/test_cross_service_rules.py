"""Rules that span services, checked as a client meets them through the gateway: a job's notifications reach its
owner only, and every kind of error, whichever service or the edge answers it, is one problem+json shape."""

from __future__ import annotations

import time

import pytest

from e2e.conftest import job_events, open_feed
from platform_client.inference.api.jobs import create_inference_job
from platform_client.inference.models import CreateJobRequest, Job, Shipment
from platform_client.notification.api.history import list_notifications

SHIPMENT = {"origin": "WA", "destination": "OR", "distance_km": 280, "weight_kg": 900, "mode": "ltl",
            "carrier": "estes", "pickup_at": "2026-11-24T09:00:00-08:00"}


def test_a_jobs_notifications_reach_its_owner_and_nobody_else(gateway_url, new_account):
    owner, other = new_account("user"), new_account("user")
    with open_feed(gateway_url, owner) as owner_feed, open_feed(gateway_url, other) as other_feed:
        job_id = owner.api.expect(create_inference_job.sync_detailed(
            client=owner.api.inference, body=CreateJobRequest(shipments=[Shipment.from_dict(SHIPMENT)] * 3)), Job, 202).id

        deadline = time.monotonic() + 60
        owner_events: list[dict] = []
        while not any(e["event_type"] == "inference.job.completed" and e["data"]["job_id"] == job_id for e in owner_events):
            assert time.monotonic() < deadline, f"the owner got no inference.job.completed: {owner_events}"
            owner_events += job_events(owner_feed, 1.0)
        assert {e["topic"] for e in owner_events if e["data"].get("job_id") == job_id} == {f"user:{owner.id}"}

        # Whatever the other user's socket got by now (the same fan-out delivered the owner's), none is the job's.
        assert not [e for e in job_events(other_feed, 1.0) if e["data"].get("job_id") == job_id]
    history = list_notifications.sync_detailed(client=other.api.notification)
    assert history.status_code == 200
    assert job_id not in history.content.decode()


@pytest.mark.parametrize(("what", "method", "path", "role", "body", "status"), [
    ("no token, at the edge", "GET", "/api/inference/v1/model", None, None, 401),
    ("admin-only path, at the edge", "GET", "/api/auth/users", "user", None, 403),
    ("a viewer submitting work, inference-bridge", "POST", "/api/inference/v1/jobs", "viewer",
     {"shipments": [SHIPMENT]}, 403),
    ("someone else's report, reporting-bridge", "GET", "/api/reports/00000000-0000-4000-8000-000000000000",
     "user", None, 404),
    ("an unknown route, at the edge", "GET", "/api/nowhere", "user", None, 404),
    ("invalid input, inference-bridge", "POST", "/api/inference/v1/eta", "user", {**SHIPMENT, "mode": "boat"}, 422),
    ("invalid input, auth-service", "POST", "/api/auth/register", None, {"email": "x"}, 422),
    ("invalid input, reporting-bridge", "POST", "/api/reports", "user", {"type": "no-such-report", "params": {}}, 422),
    ("invalid input, notification-service", "GET", "/api/notifications?size=0", "user", None, 422),
    ("a body over the limit, at the edge", "POST", "/api/inference/v1/eta/batch", "user",
     {"shipments": [SHIPMENT] * 20000}, 413),
])
def test_every_error_is_one_problem_shape(gateway, new_account, what, method, path, role, body, status):
    # Raw on purpose: no token, invalid bodies, unknown routes and oversized bodies are what a typed client prevents.
    headers = new_account(role).headers if role else {}
    response = gateway.request(method, path, headers=headers, json=body)
    assert response.status_code == status, f"{what}: {response.status_code} {response.text[:300]}"
    assert response.headers["content-type"].startswith("application/problem+json"), what
    problem = response.json()
    assert problem["status"] == status and problem["title"] and problem["type"], what
    if status == 422:
        assert problem["errors"] and all(e["pointer"].startswith("/") and e["message"] for e in problem["errors"]), what
