"""ETA predictions and jobs through the gateway: inference-bridge checks the tokens itself, and its worker (a
separate process of the platform) runs the jobs."""

from __future__ import annotations

import time

import httpx

SHIPMENT = {"origin": "TX", "destination": "IL", "distance_km": 1480, "weight_kg": 12000, "mode": "ftl",
            "carrier": "swift", "pickup_at": "2026-11-24T08:00:00-06:00"}


def test_a_user_predicts_one_shipment_and_a_batch(gateway: httpx.Client, new_account):
    user = new_account("user")
    one = gateway.post("/api/inference/v1/eta", json=SHIPMENT, headers=user.headers)
    assert one.status_code == 200, one.text
    assert set(one.json()) == {"transit_hours", "eta", "delay_probability", "model_version"}
    batch = gateway.post("/api/inference/v1/eta/batch", headers=user.headers,
                         json={"shipments": [SHIPMENT, {**SHIPMENT, "carrier": "unknown-co", "mode": "ltl"}]})
    assert batch.status_code == 200, batch.text
    assert batch.json()["predictions"][0] == one.json()
    assert len(batch.json()["predictions"]) == 2


def test_invalid_input_is_a_problem_with_pointers(gateway: httpx.Client, new_account):
    user = new_account("user")
    response = gateway.post("/api/inference/v1/eta/batch", headers=user.headers,
                            json={"shipments": [SHIPMENT, {**SHIPMENT, "distance_km": -1}]})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["pointer"] for e in response.json()["errors"]] == ["/body/shipments/1/distance_km"]


def test_the_model_card_is_served(gateway: httpx.Client, new_account):
    viewer = new_account("viewer")
    card = gateway.get("/api/inference/v1/model", headers=viewer.headers)
    assert card.status_code == 200, card.text
    assert card.json()["metrics"]["delay"]["roc_auc"] > 0.8


def test_a_viewer_predicts_but_cannot_submit_a_job(gateway: httpx.Client, new_account):
    viewer = new_account("viewer")
    assert gateway.post("/api/inference/v1/eta", json=SHIPMENT, headers=viewer.headers).status_code == 200
    refused = gateway.post("/api/inference/v1/jobs", json={"shipments": [SHIPMENT]}, headers=viewer.headers)
    assert refused.status_code == 403


def test_a_job_completes_its_result_downloads_and_others_cannot_read_it(gateway: httpx.Client, new_account):
    owner = new_account("user")
    stranger = new_account("user")
    csv_rows = "origin,destination,distance_km,weight_kg,mode,carrier,pickup_at\n" + "".join(
        f"CA,NV,{300 + i},900,ltl,estes,2026-11-2{i % 7}T10:00:00-08:00\n" for i in range(250))
    submitted = gateway.post("/api/inference/v1/jobs", headers=owner.headers,
                             files={"file": ("shipments.csv", csv_rows.encode(), "text/csv")})
    assert submitted.status_code == 202, submitted.text
    job_url = submitted.headers["Location"]
    deadline = time.monotonic() + 60
    while (job := gateway.get(job_url, headers=owner.headers).json())["status"] not in ("succeeded", "failed"):
        assert time.monotonic() < deadline, f"the job did not finish: {job}"
        time.sleep(0.2)
    assert job["status"] == "succeeded", job
    assert job["processed_items"] == 250

    result = gateway.get(job["result_url"], headers=owner.headers)
    assert [p["row"] for p in result.json()["predictions"]] == list(range(250))
    as_csv = gateway.get(job["result_url"], params={"format": "csv"}, headers=owner.headers)
    assert as_csv.status_code == 200 and len(as_csv.text.splitlines()) == 251

    assert gateway.get(job_url, headers=stranger.headers).status_code == 404
    assert gateway.get(job["result_url"], headers=stranger.headers).status_code == 404
