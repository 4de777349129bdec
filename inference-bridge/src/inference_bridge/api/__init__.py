"""The HTTP API under /api/inference/v1, one module per resource: sync predictions (`predictions`), the model
card (`model`) and jobs (`jobs`); `dependencies` gives the routes what they use.

Request and response bodies are the contract's models (contract_types.openapi.inference); the events it
publishes (inference.job.requested, inference.usage) are the contract's payload models.
"""

from fastapi import APIRouter

from inference_bridge.api import jobs, model, predictions
from inference_bridge.settings import API_PREFIX

router = APIRouter()
for resource in (predictions, model, jobs):
    router.include_router(resource.router, prefix=f"{API_PREFIX}/v1")
