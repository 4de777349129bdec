"""What the routes take as parameters (FastAPI dependencies): who is asking, and the app's model, metrics, job
store and event publisher. The app's lifespan (`inference_bridge.app`) opens them once per app and hands them
to requests in the lifespan state, which is read here and nowhere else. They are `async def` although they await
nothing: FastAPI runs a plain `def` dependency in a worker thread, a thread hop per dependency and request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from inference_bridge.domain.metrics import InferenceMetrics
from inference_bridge.domain.model import EtaModel
from inference_bridge.store.jobs import JobStore
from service_kit.auth import Principal, SignedIn, require_principal
from service_kit.events import Publisher

# Publisher and SignedIn are the kit's, named here too so that the routes take everything from one module.
__all__ = ["Jobs", "Metrics", "Model", "Publisher", "SignedIn", "Submitter", "get_job_store", "get_metrics", "get_model"]


async def get_model(request: Request) -> EtaModel:
    model: EtaModel = request.state.model
    return model


async def get_metrics(request: Request) -> InferenceMetrics:
    metrics: InferenceMetrics = request.state.metrics
    return metrics


async def get_job_store(request: Request) -> JobStore:
    store: JobStore = request.state.job_store
    return store


# A viewer can read, not submit work.
Submitter = Annotated[Principal, Depends(require_principal("admin", "user"))]
Model = Annotated[EtaModel, Depends(get_model)]
Metrics = Annotated[InferenceMetrics, Depends(get_metrics)]
Jobs = Annotated[JobStore, Depends(get_job_store)]
