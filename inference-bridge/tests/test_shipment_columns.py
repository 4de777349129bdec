"""A batch validated by columns (decision 0033) means what the contract's EtaBatchRequest means: the same columns
for every body it accepts, the same errors for every body it refuses, and an answer byte for byte what FastAPI
made of the per-row models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from contract_types.openapi.inference import EtaBatchRequest, EtaBatchResponse
from pydantic import ValidationError

from inference_bridge.domain.model import EtaModel
from inference_bridge.domain.predictions import batch_answer, columns_of, prediction_rows, rfc3339, rfc3339_column
from inference_bridge.domain.shipment_columns import InvalidShipments, columns_from_document


def _by_the_request_type(document: Any) -> Any:
    """What the generated request type makes of `document` as FastAPI validates a body: its columns, or its
    errors."""
    try:
        return columns_of(EtaBatchRequest.model_validate(document, from_attributes=True).shipments)
    except ValidationError as error:
        return error.errors(include_url=False)


def _by_columns(document: Any) -> Any:
    try:
        return columns_from_document(document)
    except InvalidShipments as invalid:
        return invalid.errors


ACCEPTED = [  # each a function of the valid shipment's builder (conftest's make_shipment)
    lambda shipment: [shipment()],
    lambda shipment: [shipment(distance_km=1480, weight_kg=1), shipment(origin="AK", destination="HI", carrier="nobody")],
    lambda shipment: [shipment(pickup_at="2026-03-08T01:59:59.999999-05:00"), shipment(pickup_at="2099-12-31T23:59:59+14:00")],
    lambda shipment: [shipment(pickup_at="2026-11-24t08:00:00z")],  # RFC 3339 allows lower case
    lambda shipment: [shipment(distance_km="1480.5", weight_kg=True)],  # pydantic's lax mode reads these, so the columns do too
    lambda shipment: [shipment(distance_km=10000, weight_kg=50000)],
    lambda shipment: [shipment(carrier=f"c{i}", distance_km=1 + i) for i in range(1000)],
]


@pytest.mark.parametrize("rows", ACCEPTED, ids=range(len(ACCEPTED)))
def test_the_columns_of_an_accepted_batch_are_the_request_types(rows, make_shipment):
    document = {"shipments": rows(make_shipment)}
    assert _by_columns(document) == _by_the_request_type(document)
    assert isinstance(_by_columns(document), dict)


def _without(shipment: Callable[..., dict[str, Any]], field: str) -> dict[str, Any]:
    row = shipment()
    del row[field]
    return row


def _rows(*overrides: dict[str, Any]) -> Callable[[Callable[..., dict[str, Any]]], dict[str, Any]]:
    """A batch body of one shipment per override."""
    return lambda shipment: {"shipments": [shipment(**override) for override in overrides]}


REFUSED = [  # bodies, or functions of the valid shipment's builder that make one
    None, [], "shipments", {}, {"shipments": []}, {"shipments": None}, {"shipments": [None]}, {"shipments": [[1, 2]]},
    {"shipments": ["TX"]},
    lambda shipment: {"shipments": {"0": shipment()}},
    lambda shipment: {"shipments": [shipment()] * 1001},
    lambda shipment: {"shipments": [shipment()], "extra": 1},
    lambda shipment: {"shipments": [shipment(), _without(shipment, "carrier")]},
    _rows({"surprise": True}), _rows({"distance_km": 0}), _rows({"distance_km": float("nan")}),
    _rows({"distance_km": float("inf")}), _rows({"weight_kg": 50000.01}), _rows({"distance_km": None}),
    _rows({"origin": "tx"}, {"destination": 7}), _rows({"mode": "air"}), _rows({"mode": ["ftl"]}),
    _rows({"carrier": "a b"}), _rows({"carrier": "x" * 65}), _rows({"carrier": ""}),
    _rows({"pickup_at": "2026-11-24T08:00:00"}), _rows({"pickup_at": "1999-12-31T23:59:59Z"}),
    _rows({"pickup_at": "2026-02-30T08:00:00Z"}), _rows({"pickup_at": 1764000000}),
    _rows({"pickup_at": "2026-11-24T08:00:00+25:00"}),
    _rows({}, {"distance_km": -1, "origin": "QQ", "pickup_at": "yesterday"}),
]


@pytest.mark.parametrize("document", REFUSED, ids=range(len(REFUSED)))
def test_a_refused_batch_has_the_request_types_errors(document, make_shipment):
    if callable(document):
        document = document(make_shipment)
    errors = _by_columns(document)
    assert isinstance(errors, list) and errors
    assert _comparable(errors) == _comparable(_by_the_request_type(document))


def _comparable(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A ValueError in an error's ctx equals only itself: compare its text."""
    return [{**error, "ctx": {name: str(value) for name, value in error.get("ctx", {}).items()}} for error in errors]


def test_etas_in_one_call_are_the_rows_own():
    rng = np.random.default_rng(3)
    epochs = np.concatenate([rng.uniform(946_684_800, 4_102_444_800, 5000), [1_764_000_000.5, 1_764_000_001.5,
                                                                                  1_764_000_000.49999]])
    assert rfc3339_column(epochs) == [rfc3339(epoch) for epoch in epochs]


def test_a_batch_answer_is_fastapis_json_of_the_contract_types_byte_for_byte(model: EtaModel, make_shipment):
    rng = np.random.default_rng(5)
    states, carriers = ["TX", "IL", "CA", "NY", "AK", "HI", "PR"], ["swift", "yrc", "acme-9", "other"]
    rows = [make_shipment(origin=str(rng.choice(states)), destination=str(rng.choice(states)),
                     distance_km=float(rng.uniform(1, 10000)), weight_kg=float(rng.uniform(0.5, 50000)),
                     mode=str(rng.choice(["ftl", "ltl", "intermodal"])), carrier=str(rng.choice(carriers)),
                     pickup_at=f"20{rng.integers(0, 100):02d}-0{rng.integers(1, 10)}-1{rng.integers(0, 10)}T"
                               f"{rng.integers(0, 24):02d}:{rng.integers(0, 60):02d}:0{rng.integers(0, 10)}."
                               f"{rng.integers(0, 1000):03d}{rng.choice(['Z', '-06:00', '+05:30'])}")
            for _ in range(1000)]
    columns = columns_from_document({"shipments": rows})
    answer, probabilities = batch_answer(model, columns)
    expected = EtaBatchResponse(model_version=model.version, predictions=prediction_rows(model, columns))
    # FastAPI's answer for a response model: pydantic-core's JSON of the validated model (`serialize_json`).
    assert answer == expected.model_dump_json(by_alias=True).encode()
    assert probabilities == [row.delay_probability for row in expected.predictions]
