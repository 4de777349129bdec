"""The service's settings: the kit's (REDIS_URL, AUTH_JWKS_URL, ...) and where the platform's gateway is."""

from __future__ import annotations

from pydantic import Field
from service_kit.settings import ServiceSettings


class DigestSettings(ServiceSettings):
    # The platform's public entry: this service calls the platform's API there, with its caller's token.
    platform_api_url: str = Field("http://localhost:8080", validation_alias="PLATFORM_API_URL")
    port: int = Field(8090, ge=1, le=65535, validation_alias="USAGE_DIGEST_PORT")
