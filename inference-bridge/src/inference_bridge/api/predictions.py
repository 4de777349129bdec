"""Sync predictions: POST /v1/eta (one shipment) and POST /v1/eta/batch (up to 1000), each followed by one
inference.usage event on platform.events, queued for the publisher's sender (`publish_later`: no Redis round trip
in the request; what a crash loses, decision 0029) and never failing the answer."""

from __future__ import annotations

import logging
import time

from contract_types.openapi.inference import EtaBatchRequest, EtaBatchResponse, EtaPrediction, Shipment
from fastapi import APIRouter

from inference_bridge.api.dependencies import Metrics, Model, Publisher, SignedIn
from inference_bridge.domain.metrics import InferenceMetrics
from inference_bridge.domain.model import EtaModel
from inference_bridge.domain.predictions import columns_of, prediction_rows, usage_event
from service_kit.auth import Principal
from service_kit.events import EventPublisher

logger = logging.getLogger(__name__)
router = APIRouter(tags=["predictions"])


def _predict(model: EtaModel, metrics: InferenceMetrics, publisher: EventPublisher, principal: Principal,
             shipments: list[Shipment], operation: str) -> list[EtaPrediction]:
    started = time.perf_counter()
    columns = columns_of(shipments)
    rows = prediction_rows(model, columns)
    seconds = time.perf_counter() - started
    metrics.prediction_seconds.labels(operation).observe(seconds)
    metrics.batch_rows.labels(operation).observe(len(rows))
    usage = usage_event(
        user_id=principal.user_id, operation=operation, model_version=model.version, latency_ms=seconds * 1000,
        origins=columns["origin"], destinations=columns["destination"],
        probabilities=[row.delay_probability for row in rows])
    try:
        publisher.publish_later(usage, subject=str(usage.user_id))
    except Exception:  # the prediction was served: a lost usage record must not turn it into an error
        logger.warning("could not queue inference.usage", exc_info=True)
    return rows


@router.post("/eta", operation_id="predictEta", response_model=EtaPrediction,
             summary="Predict the transit time, ETA and delay risk of one shipment")
async def predict_eta(shipment: Shipment, principal: SignedIn, model: Model, metrics: Metrics,
                      publisher: Publisher) -> EtaPrediction:
    return _predict(model, metrics, publisher, principal, [shipment], "eta")[0]


@router.post("/eta/batch", operation_id="predictEtaBatch", response_model=EtaBatchResponse,
             summary="Predict up to 1000 shipments in one vectorised call")
async def predict_eta_batch(body: EtaBatchRequest, principal: SignedIn, model: Model, metrics: Metrics,
                            publisher: Publisher) -> EtaBatchResponse:
    rows = _predict(model, metrics, publisher, principal, body.shipments, "eta_batch")
    return EtaBatchResponse(model_version=model.version, predictions=rows)
