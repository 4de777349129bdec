"""Predicting many shipments at once: validated shipments -> columns -> one vectorised model call.

The sync API and the job worker share this path; jobs keep the columns (JSON) in Redis between the two.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
from contract_types.events import InferenceUsage
from contract_types.events.inference_usage import Lane
from contract_types.openapi.inference import EtaPrediction, Shipment
from pydantic import MISSING
from pydantic_core import to_json

from inference_bridge.domain.model import EtaModel
from inference_bridge.domain.model.features import encode

# The columns a job stores: the model's features plus the pickup instant (to compute the ETA).
Columns = dict[str, list[Any]]
MAX_USAGE_LANES = 2500  # inference.usage's lanes[] bound


def columns_of(shipments: Sequence[Shipment]) -> Columns:
    return shipment_columns(
        origin=[s.origin.value for s in shipments], destination=[s.destination.value for s in shipments],
        distance_km=[s.distance_km for s in shipments], weight_kg=[s.weight_kg for s in shipments],
        mode=[s.mode.value for s in shipments], carrier=[s.carrier for s in shipments],
        pickup_at=[s.pickup_at for s in shipments])


def shipment_columns(*, origin: list[str], destination: list[str], distance_km: list[float],
                     weight_kg: list[float], mode: list[str], carrier: list[str], pickup_at: list[datetime]) -> Columns:
    """The columns of validated shipments' fields, the enums as their codes (plain values: the columns are stored
    as JSON and encoded for the model)."""
    return {
        "origin": origin,
        "destination": destination,
        "distance_km": distance_km,
        "weight_kg": weight_kg,
        "mode": mode,
        "carrier": carrier,
        "pickup_epoch": [p.timestamp() for p in pickup_at],
        # In the pickup's own offset: the shipper's clock decides whether it is Friday evening.
        "pickup_weekday": [p.weekday() for p in pickup_at],
        "pickup_hour": [p.hour + p.minute / 60 for p in pickup_at],
        "pickup_month": [p.month for p in pickup_at],
    }


def slice_columns(columns: Mapping[str, list[Any]], start: int, stop: int) -> Columns:
    return {name: values[start:stop] for name, values in columns.items()}


def predict_columns(model: EtaModel, columns: Mapping[str, list[Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(transit hours, delay probability, eta as epoch seconds), one per row."""
    matrix = encode(**{name: columns[name] for name in (
        "origin", "destination", "distance_km", "weight_kg", "mode", "carrier", "pickup_weekday", "pickup_hour",
        "pickup_month")})
    hours, probability = model.predict(matrix)
    return hours, probability, np.asarray(columns["pickup_epoch"], dtype=float) + hours * 3600.0


def rfc3339(epoch_seconds: float) -> str:
    return datetime.fromtimestamp(round(epoch_seconds), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def prediction_rows(model: EtaModel, columns: Mapping[str, list[Any]]) -> list[EtaPrediction]:
    """The API's predictions for `columns`, in row order."""
    hours, probability, eta = predict_columns(model, columns)
    return [
        EtaPrediction(transit_hours=round(float(h), 2), eta=rfc3339(e), delay_probability=round(float(p), 4),
                      model_version=model.version)
        for h, p, e in zip(hours, probability, eta, strict=True)
    ]


def rfc3339_column(epoch_seconds: np.ndarray) -> list[str]:
    """`rfc3339` of every value, in one numpy call (rint rounds half to even, as `round` does)."""
    whole_seconds = np.rint(epoch_seconds).astype("datetime64[s]")
    return np.datetime_as_string(whole_seconds, unit="s", timezone="UTC").tolist()


def batch_answer(model: EtaModel, columns: Mapping[str, list[Any]]) -> tuple[bytes, list[float]]:
    """The EtaBatchResponse JSON for `columns` and its delay probabilities, without a model per row: the same
    fields, order, rounding and serialiser (pydantic-core's) as FastAPI's dump of `EtaBatchResponse(predictions=
    prediction_rows(...))`."""
    hours, probability, eta = predict_columns(model, columns)
    version = model.version
    probabilities = [round(p, 4) for p in probability.tolist()]
    predictions = [
        {"transit_hours": round(h, 2), "eta": e, "delay_probability": p, "model_version": version}
        for h, e, p in zip(hours.tolist(), rfc3339_column(eta), probabilities, strict=True)
    ]
    return to_json({"model_version": version, "predictions": predictions}), probabilities


def lane_usage(origins: Sequence[str], destinations: Sequence[str], probabilities: Sequence[float]) -> list[Lane]:
    """inference.usage's lanes[]: predictions and mean delay probability per origin -> destination, busiest
    first, at most MAX_USAGE_LANES (more distinct lanes than that in one use is beyond what 56 codes allow in
    practice; the rest would be left out)."""
    totals: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0.0])
    for origin, destination, probability in zip(origins, destinations, probabilities, strict=True):
        entry = totals[(origin, destination)]
        entry[0] += 1
        entry[1] += float(probability)
    lanes = sorted(totals.items(), key=lambda item: (-item[1][0], item[0]))[:MAX_USAGE_LANES]
    return [Lane(origin=origin, destination=destination, predictions=int(count),
                 mean_delay_probability=round(total / count, 4)) for (origin, destination), (count, total) in lanes]


def usage_event(*, user_id: str, operation: str, model_version: str, latency_ms: float, origins: Sequence[str],
                destinations: Sequence[str], probabilities: Sequence[float], job_id: str | None = None) -> InferenceUsage:
    """One inference.usage payload (one per sync call, batch or job, never per row)."""
    return InferenceUsage(
        user_id=user_id,
        operation=operation,
        job_id=MISSING if job_id is None else job_id,
        model_version=model_version,
        predictions=len(probabilities),
        latency_ms=round(latency_ms, 3),
        mean_delay_probability=round(float(np.mean(probabilities)), 4),
        lanes=lane_usage(origins, destinations, probabilities),
        occurred_at=datetime.now(UTC),
    )
