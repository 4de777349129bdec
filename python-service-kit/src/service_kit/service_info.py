"""`GET {api_prefix}/service-info`: what runs, in the same shape as the Java services' answer."""

from __future__ import annotations

import platform
from datetime import UTC, datetime
from typing import Literal

import fastapi
from fastapi import APIRouter
from pydantic import BaseModel, Field


class ServiceInfo(BaseModel):
    service: str = Field(examples=["inference-bridge"])
    version: str = Field(examples=["0.1.0"])
    language: Literal["python"]
    runtime: str = Field(examples=["Python 3.11.7"])
    framework: str = Field(examples=["FastAPI 0.165.0"])
    instance_id: str = Field(examples=["host-1234"])
    started_at: datetime = Field(description="RFC 3339, UTC")

    @classmethod
    def of_this_process(cls, *, service: str, version: str, instance_id: str) -> ServiceInfo:
        return cls(
            service=service,
            version=version,
            language="python",
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
