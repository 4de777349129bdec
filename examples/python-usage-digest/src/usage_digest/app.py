"""The service: consumes `inference.usage` from the platform's backbone in a consumer group of its own, and answers
GET /api/usage-digest/v1/me for a signed-in platform user with their usage and the platform's current model version,
which it asks the platform's API for (through the gateway, with the caller's own token)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from contract_types.event_types import INFERENCE_USAGE
from contract_types.events import InferenceUsage
from contract_types.streams import Stream
from fastapi import Depends, FastAPI
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from platform_client.inference import AuthenticatedClient
from platform_client.inference.api.model import get_model_card
from platform_client.inference.models import ModelCard
from pydantic import BaseModel
from service_kit.app import ServiceRuntime, create_service_app
from service_kit.auth import Principal, require_principal
from service_kit.events import EventHandlers, Subscription, TypedEvent

from usage_digest.digest import UsageDigest
from usage_digest.settings import DigestSettings

SERVICE_NAME = "usage-digest"
API_PREFIX = "/api/usage-digest"
# Its own group on platform.events: it gets every event, and the platform's consumers still get theirs.
CONSUMER_GROUP = "usage-digest"
PLATFORM_TIMEOUT_SECONDS = 5
# The caller's token as it came, to call the platform on their behalf (require_principal has checked it).
BEARER = HTTPBearer(auto_error=False)


class LaneCount(BaseModel):
    lane: str
    predictions: int


class Digest(BaseModel):
    user_id: str
    predictions: int
    by_operation: dict[str, int]
    top_lanes: list[LaneCount]
    model_versions: list[str]
    # The model the platform serves now (None when the platform did not answer); whether every prediction counted
    # here came from it.
    current_model_version: str | None
    all_on_current_model: bool | None


def create_app(settings: DigestSettings | None = None) -> FastAPI:
    settings = settings or DigestSettings()
    digest = UsageDigest()

    async def on_usage(event: TypedEvent[InferenceUsage]) -> None:
        digest.record(event.data)

    @asynccontextmanager
    async def consuming(runtime: ServiceRuntime) -> AsyncIterator[None]:
        handlers = EventHandlers().on(INFERENCE_USAGE, on_usage)
        async with runtime.consuming(Subscription(Stream.PLATFORM_EVENTS, CONSUMER_GROUP, handlers)):
            yield

    app = create_service_app(service_name=SERVICE_NAME, api_prefix=API_PREFIX, settings=settings,
                             lifespan=consuming)
    @app.get(f"{API_PREFIX}/v1/me", response_model=Digest)
    async def my_digest(principal: Annotated[Principal, Depends(require_principal())],
                        credentials: Annotated[HTTPAuthorizationCredentials, Depends(BEARER)]) -> Digest:
        usage = digest.of(principal.user_id)
        current = await current_model_version(settings.platform_api_url, credentials.credentials)
        versions = sorted(usage.model_versions)
        return Digest(user_id=principal.user_id, predictions=usage.predictions, by_operation=dict(usage.by_operation),
                      top_lanes=[LaneCount(lane=lane, predictions=n) for lane, n in usage.top_lanes()],
                      model_versions=versions, current_model_version=current,
                      all_on_current_model=None if current is None else set(versions) <= {current})

    return app


async def current_model_version(platform_api_url: str, token: str) -> str | None:
    """The version of the model the platform serves (its model card), asked as the caller; None when the platform
    does not answer with one (down, slow, a fault): the digest is still worth answering without it."""
    async with AuthenticatedClient(base_url=platform_api_url, token=token,
                                   timeout=PLATFORM_TIMEOUT_SECONDS) as client:
        try:
            answer = await get_model_card.asyncio_detailed(client=client)
        except Exception:  # noqa: BLE001 - a transport error or an answer the client cannot parse: no version
            return None
    return answer.parsed.version if isinstance(answer.parsed, ModelCard) else None
