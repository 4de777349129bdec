"""`GET {api_prefix}/service-info`: what runs, as contracts/schemas/service-info.schema.json says (the Java
services answer the same generated type)."""

from __future__ import annotations

import platform
from datetime import UTC, datetime

import fastapi
from contract_types.schemas.service_info import Language, ServiceInfo
from fastapi import APIRouter


def describe_this_process(*, service: str, version: str, instance_id: str) -> ServiceInfo:
    return ServiceInfo(
        service=service,
        version=version,
        language=Language.python,
        runtime=f"Python {platform.python_version()}",
        framework=f"FastAPI {fastapi.__version__}",
        instance_id=instance_id,
        started_at=datetime.now(UTC).replace(microsecond=0),
    )


def service_info_router(info: ServiceInfo) -> APIRouter:
    router = APIRouter(tags=["service"])
    # The operationId of contracts/openapi: "inference-bridge" -> getInferenceServiceInfo.
    operation_id = f"get{info.service.split('-')[0].title()}ServiceInfo"

    @router.get(
        "/service-info", operation_id=operation_id, summary="What this service is and which instance answered"
    )
    async def service_info() -> ServiceInfo:
        return info

    return router
