"""The sync API through the real app: predictions, validation, tokens, usage events and metrics (test Redis)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator, FormatChecker

from inference_bridge.app import create_app
from service_kit_testing.waiting import wait_until

ETA = "/api/inference/v1/eta"
BATCH = "/api/inference/v1/eta/batch"
PROBLEM_JSON = "application/problem+json"


@pytest.fixture
def client(redis_url: str) -> Iterator[TestClient]:
    with TestClient(create_app()) as client:
        yield client


def pointers(response) -> dict[str, str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    return {error["pointer"]: error["message"] for error in response.json()["errors"]}


def test_one_prediction(client: TestClient, tokens, make_shipment):
    response = client.post(ETA, json=make_shipment(), headers=tokens.headers("user"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"transit_hours", "eta", "delay_probability", "model_version"}
    assert body["model_version"] == client.app_state["model"].version
    assert 2 < body["transit_hours"] < 24 * 10
    assert 0 <= body["delay_probability"] <= 1
    pickup = datetime.fromisoformat("2026-11-24T08:00:00-06:00")
    eta = datetime.fromisoformat(body["eta"].replace("Z", "+00:00"))
    assert body["eta"].endswith("Z")
    assert abs((eta - pickup) - timedelta(hours=body["transit_hours"])) <= timedelta(seconds=60)


def test_a_longer_slower_shipment_takes_longer(client: TestClient, tokens, make_shipment):
    headers = tokens.headers("user")
    short = client.post(ETA, json=make_shipment(distance_km=300, destination="TX"), headers=headers).json()
    long = client.post(ETA, json=make_shipment(distance_km=2800, destination="NY", mode="ltl"), headers=headers).json()
    assert long["transit_hours"] > short["transit_hours"] + 24


def test_viewers_may_predict_anonymous_callers_may_not(client: TestClient, tokens, make_shipment):
    assert client.post(ETA, json=make_shipment(), headers=tokens.headers("viewer")).status_code == 200
    anonymous = client.post(ETA, json=make_shipment())
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == PROBLEM_JSON
    forged = client.post(ETA, json=make_shipment(), headers={"Authorization": "Bearer not.a.token"})
    assert forged.status_code == 401


def test_unknown_carriers_are_predicted(client: TestClient, tokens, make_shipment):
    headers = tokens.headers("user")
    unknown = client.post(ETA, json=make_shipment(carrier="acme-freight-42"), headers=headers)
    other = client.post(ETA, json=make_shipment(carrier="other"), headers=headers)
    assert unknown.status_code == 200
    assert unknown.json() == other.json()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("distance_km", -5, "greater than 0"),
    ("distance_km", 0, "greater than 0"),
    ("distance_km", "far", "valid number"),
    ("weight_kg", 1e9, "less than or equal to 50000"),
    ("mode", "air", "'ftl', 'ltl' or 'intermodal'"),
    ("origin", "Texas", "Input should be 'AK', 'AL'"),  # the contract's UsStateCode enum
    ("origin", "tx", "Input should be 'AK', 'AL'"),
    ("origin", "AA", "Input should be 'AK', 'AL'"),  # matched the old pattern ^[A-Z]{2}$: the fuzzer's find
    ("destination", "XX", "Input should be 'AK', 'AL'"),
    ("carrier", "", "at least 1 character"),
    ("carrier", "a b", "should match pattern"),
    ("pickup_at", "2026-13-01T08:00:00Z", "month"),
    ("pickup_at", "2026-11-24T08:00:00", "RFC 3339"),
    ("pickup_at", "next tuesday", "RFC 3339"),
    ("pickup_at", 1764000000, "RFC 3339"),
])
def test_each_invalid_field_is_one_error_at_its_pointer(client: TestClient, tokens, make_shipment, field, value,
                                                         message):
    errors = pointers(client.post(ETA, json=make_shipment(**{field: value}), headers=tokens.headers("user")))
    assert list(errors) == [f"/body/{field}"]
    assert message in errors[f"/body/{field}"]


# The contract's pickups are in the years 2000 to 2099 (Shipment.pickup_at's pattern beside `format: date-time`):
# the model's calendar features, and an ETA that stays a four-digit date-time. Years 0379 and 0080 were a 500.
@pytest.mark.parametrize("pickup_at", ["0379-11-26T03:21:00Z", "0080-07-26T05:34:03.43Z", "1999-12-31T23:59:59Z",
                                       "2100-01-01T00:00:00Z", "6538-11-24T14:26:45.605250Z"])
def test_a_pickup_outside_the_years_2000_to_2099_is_a_422_at_its_pointer(client: TestClient, tokens, make_shipment,
                                                                        pickup_at):
    headers = tokens.headers("user")
    errors = pointers(client.post(ETA, json=make_shipment(pickup_at=pickup_at), headers=headers))
    assert errors == {"/body/pickup_at": "String should match pattern '^20[0-9]{2}-.*$'"}
    batch = [make_shipment(), make_shipment(pickup_at=pickup_at)]
    assert list(pointers(client.post(BATCH, json={"shipments": batch}, headers=headers))) == [
        "/body/shipments/1/pickup_at"]


@pytest.mark.parametrize("pickup_at", ["2000-01-01T00:00:00+14:00", "2099-12-31T23:59:59-12:00"])
def test_pickups_at_the_ends_of_the_range_have_an_rfc3339_eta(client: TestClient, tokens, make_shipment, pickup_at):
    response = client.post(ETA, json=make_shipment(pickup_at=pickup_at), headers=tokens.headers("user"))
    assert response.status_code == 200, response.text
    eta = response.json()["eta"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", eta), eta
    assert datetime.fromisoformat(eta) > datetime.fromisoformat(pickup_at)


def test_every_invalid_field_is_reported_at_once(client: TestClient, tokens, make_shipment):
    body = make_shipment(distance_km=-1, mode="air", origin="ZZ", pickup_at="yesterday", surprise=True)
    del body["carrier"]
    errors = pointers(client.post(ETA, json=body, headers=tokens.headers("user")))
    assert set(errors) == {"/body/distance_km", "/body/mode", "/body/origin", "/body/pickup_at", "/body/carrier",
                           "/body/surprise"}


def test_malformed_json_is_a_400_problem(client: TestClient, tokens):
    response = client.post(ETA, content=b"{not json", headers={**tokens.headers("user"),
                                                                  "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "/body"


def test_a_batch_keeps_the_order_and_matches_single_predictions(client: TestClient, tokens, make_shipment):
    headers = tokens.headers("user")
    shipments = [make_shipment(distance_km=200 + 300 * i, carrier=c, mode=m)
                 for i, (c, m) in enumerate([("swift", "ftl"), ("yrc", "ltl"), ("nobody", "intermodal")])]
    response = client.post(BATCH, json={"shipments": shipments}, headers=headers)
    assert response.status_code == 200, response.text
    batch = response.json()
    assert batch["model_version"] == client.app_state["model"].version
    singles = [client.post(ETA, json=s, headers=headers).json() for s in shipments]
    assert batch["predictions"] == singles


def test_batch_errors_point_into_the_rows(client: TestClient, tokens, make_shipment):
    shipments = [make_shipment() for _ in range(5)]
    shipments[3]["distance_km"] = -1
    shipments[4]["origin"] = "QQ"
    errors = pointers(client.post(BATCH, json={"shipments": shipments}, headers=tokens.headers("user")))
    assert set(errors) == {"/body/shipments/3/distance_km", "/body/shipments/4/origin"}


@pytest.mark.parametrize(("rows", "message"), [(0, "at least 1 item"), (1001, "at most 1000 items")])
def test_batch_size_is_bounded(client: TestClient, tokens, make_shipment, rows, message):
    errors = pointers(client.post(BATCH, json={"shipments": [make_shipment()] * rows}, headers=tokens.headers("user")))
    assert message in errors["/body/shipments"]


def test_a_full_batch_of_1000_is_served(client: TestClient, tokens, make_shipment):
    shipments = [make_shipment(distance_km=100 + i) for i in range(1000)]
    response = client.post(BATCH, json={"shipments": shipments}, headers=tokens.headers("user"))
    assert response.status_code == 200
    assert len(response.json()["predictions"]) == 1000


def _usage_events(client: TestClient, user_id: str) -> list[dict]:
    entries = client.portal.call(client.app_state["redis"].xrange, "platform.events")
    events = [json.loads(fields["cloudevent"]) for _, fields in entries]
    return [e for e in events if e["type"] == "inference.usage" and e["data"]["user_id"] == user_id]


def test_one_usage_event_per_call_never_per_row(client: TestClient, tokens, make_shipment, pytestconfig):
    user_id = str(uuid.uuid4())
    headers = tokens.headers("user", user_id)
    shipments = [make_shipment(), make_shipment(), make_shipment(origin="CA", destination="NV")]
    assert client.post(BATCH, json={"shipments": shipments}, headers=headers).status_code == 200
    assert client.post(ETA, json=make_shipment(), headers=headers).status_code == 200
    events = wait_until(lambda: len(_usage_events(client, user_id)) == 2 and _usage_events(client, user_id),
                        message="two usage events")
    schema = json.loads((pytestconfig.rootpath / "contracts/events/schemas/inference.usage.schema.json").read_text())
    for event in events:
        Draft202012Validator(schema, format_checker=FormatChecker()).validate(event["data"])
    batch, single = (e["data"] for e in events)
    assert (batch["operation"], batch["predictions"], single["operation"], single["predictions"]) == (
        "eta_batch", 3, "eta", 1)
    assert [(lane["origin"], lane["destination"], lane["predictions"]) for lane in batch["lanes"]] == [
        ("TX", "IL", 2), ("CA", "NV", 1)]
    assert 0 <= batch["mean_delay_probability"] <= 1 and batch["latency_ms"] >= 0
    assert batch["model_version"] == client.app_state["model"].version


def test_the_model_card_needs_a_signed_in_caller(client: TestClient, tokens):
    assert client.get("/api/inference/v1/model").status_code == 401
    response = client.get("/api/inference/v1/model", headers=tokens.headers("viewer"))
    assert response.status_code == 200
    card = response.json()
    assert card["version"] == client.app_state["model"].version
    assert {"mae_hours", "rmse_hours", "r2"} <= set(card["metrics"]["transit_hours"])
    assert {"roc_auc", "brier_score", "reliability"} <= set(card["metrics"]["delay"])


def test_metrics_show_latency_batch_sizes_and_the_model_version(client: TestClient, tokens, make_shipment):
    headers = tokens.headers("user")
    client.post(BATCH, json={"shipments": [make_shipment()] * 7}, headers=headers)
    text = client.get("/metrics").text
    assert 'inference_prediction_seconds_count{operation="eta_batch"}' in text
    assert 'inference_batch_rows_bucket{le="10.0",operation="eta_batch"} 1.0' in text
    assert f'version="{client.app_state["model"].version}"' in text and "inference_model_info{" in text


@pytest.mark.parametrize(("content", "content_type", "pointer", "message"), [
    (b"", "application/json", "/body", "Field required"),
    (b'{"shipments": [}', "application/json", "/body", "Expecting value at character 15"),
    (b'{"shipments": [{"distance_km": NaN}]}', "application/json", "/body/shipments/0/distance_km",
     "Input should be less than or equal to 10000"),  # json.loads reads NaN; the contract bounds it
    (b"shipments", "text/plain", "/body", "Input should be a valid dictionary or object to extract fields from"),
    (b"[]", "application/json", "/body", "Input should be a valid dictionary or object to extract fields from"),
])
def test_a_batch_body_that_is_no_batch_is_one_problem_at_the_body(client: TestClient, tokens, content, content_type,
                                                                  pointer, message):
    response = client.post(BATCH, content=content, headers={**tokens.headers("user"), "Content-Type": content_type})
    assert response.status_code in (400, 422), response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    errors = {error["pointer"]: error["message"] for error in response.json()["errors"]}
    assert errors.get(pointer) == message, errors
