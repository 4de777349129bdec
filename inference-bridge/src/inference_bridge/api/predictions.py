"""Sync predictions: POST /v1/eta (one shipment) and POST /v1/eta/batch (up to 1000), each followed by one
inference.usage event on platform.events, queued for the publisher's sender (`publish_later`: no Redis round trip
in the request; what a crash loses, decision 0029) and never failing the answer.

A batch is validated column by column and answered from the model's arrays, without a model per row (decision
0033): FastAPI reads its JSON and documents the contract's EtaBatchRequest, but leaves its validation to
`columns_from_document`, which runs the contract's own field types and reports bad input as FastAPI would."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Annotated, Any

from contract_types.openapi.inference import EtaBatchRequest, EtaBatchResponse, EtaPrediction, Shipment
from fastapi import APIRouter, Response
from fastapi.exceptions import RequestValidationError
from pydantic import SkipValidation

from inference_bridge.api.dependencies import Metrics, Model, Publisher, SignedIn
from inference_bridge.domain.metrics import InferenceMetrics
from inference_bridge.domain.model import EtaModel
from inference_bridge.domain.predictions import Columns, batch_answer, columns_of, prediction_rows, usage_event
from inference_bridge.domain.shipment_columns import InvalidShipments, columns_from_document
from service_kit.auth import Principal
from service_kit.events import EventPublisher

logger = logging.getLogger(__name__)
router = APIRouter(tags=["predictions"])


# FastAPI reads the body's JSON and puts EtaBatchRequest in the OpenAPI document; the columns validate it.
UnvalidatedBatch = Annotated[EtaBatchRequest, SkipValidation]


def _record(metrics: InferenceMetrics, publisher: EventPublisher, principal: Principal, model: EtaModel,
            columns: Columns, probabilities: Sequence[float], started: float, operation: str) -> None:
    seconds = time.perf_counter() - started
    metrics.prediction_seconds.labels(operation).observe(seconds)
    metrics.batch_rows.labels(operation).observe(len(probabilities))
    usage = usage_event(
        user_id=principal.user_id, operation=operation, model_version=model.version, latency_ms=seconds * 1000,
        origins=columns["origin"], destinations=columns["destination"], probabilities=probabilities)
    try:
        publisher.publish_later(usage, subject=str(usage.user_id))
    except Exception:  # the prediction was served: a lost usage record must not turn it into an error
        logger.warning("could not queue inference.usage", exc_info=True)


@router.post("/eta", operation_id="predictEta", response_model=EtaPrediction,
             summary="Predict the transit time, ETA and delay risk of one shipment")
async def predict_eta(shipment: Shipment, principal: SignedIn, model: Model, metrics: Metrics,
                      publisher: Publisher) -> EtaPrediction:
    started = time.perf_counter()
    columns = columns_of([shipment])
    (row,) = prediction_rows(model, columns)
    _record(metrics, publisher, principal, model, columns, [row.delay_probability], started, "eta")
    return row


@router.post("/eta/batch", operation_id="predictEtaBatch", response_model=EtaBatchResponse,
             summary="Predict up to 1000 shipments in one vectorised call")
async def predict_eta_batch(body: UnvalidatedBatch, principal: SignedIn, model: Model, metrics: Metrics,
                            publisher: Publisher) -> Response:
    started = time.perf_counter()
    document: Any = body
    try:
        columns = columns_from_document(document)
    except InvalidShipments as invalid:
        raise RequestValidationError([{**error, "loc": ("body", *error["loc"])} for error in invalid.errors]) from None
    answer, probabilities = batch_answer(model, columns)
    _record(metrics, publisher, principal, model, columns, probabilities, started, "eta_batch")
    return Response(answer, media_type="application/json")
