"""The inference-bridge ASGI app: the sync API and job submission (the jobs run in `inference_bridge.worker`)."""

from __future__ import annotations

import threadpoolctl
from fastapi import FastAPI

from inference_bridge import api
from inference_bridge.metrics import InferenceMetrics
from inference_bridge.model import EtaModel, load_model, model_dir_from_env
from service_kit import create_service_app

SERVICE_NAME = "inference-bridge"
API_PREFIX = api.API_PREFIX


def limit_native_threads() -> None:
    """One OpenMP thread per process: requests are served one model call at a time per worker, a thread pool
    per call only costs start-up time for small inputs, and the machine's cores are shared with other parts."""
    threadpoolctl.threadpool_limits(limits=1)


def create_app(model: EtaModel | None = None) -> FastAPI:
    """A new app configured from the environment, serving `model` (default: the one in MODEL_DIR; raises
    ModelUnavailable, naming the training command, when there is none). Tests make one each."""
    model = model or load_model(model_dir_from_env())
    limit_native_threads()
    app = create_service_app(service_name=SERVICE_NAME, api_prefix=API_PREFIX)
    app.state.model = model
    app.state.inference_metrics = InferenceMetrics(app.state.metrics_registry, model)
    app.include_router(api.router, prefix=API_PREFIX)
    return app


def __getattr__(name: str) -> FastAPI:
    # `app` for the server ("inference_bridge.app:app"), made on first use: importing this module (tests,
    # tools) must not need a trained model.
    if name == "app":
        globals()["app"] = created = create_app()
        return created
    raise AttributeError(name)
