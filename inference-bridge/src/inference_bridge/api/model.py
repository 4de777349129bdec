"""GET /v1/model: the card of the model this process serves (version, features, training metrics)."""

from __future__ import annotations

from contract_types.openapi.inference import ModelCard
from fastapi import APIRouter

from inference_bridge.api.dependencies import Model, SignedIn

router = APIRouter(tags=["model"])


@router.get("/model", operation_id="getModelCard", response_model=ModelCard,
            summary="The model card of the served model")
async def get_model_card(principal: SignedIn, model: Model) -> ModelCard:
    return ModelCard.model_validate(model.card)
