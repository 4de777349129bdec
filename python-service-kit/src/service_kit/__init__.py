"""What every FastAPI service of the platform shares; a service's app is `create_service_app(...)` plus its routes
and, for what lives as long as the app, its `lifespan` hook (which gets the `ServiceRuntime`)."""

from service_kit.app import ServiceLifespan, ServiceRuntime, create_service_app
from service_kit.problems import FieldError, Problem, problem_response
from service_kit.redis_client import get_redis
from service_kit.request_id import current_request_id
from service_kit.server import run
from service_kit.settings import Port, ServiceSettings, settings_or_exit

__all__ = [
    "FieldError",
    "Port",
    "Problem",
    "ServiceLifespan",
    "ServiceRuntime",
    "ServiceSettings",
    "create_service_app",
    "current_request_id",
    "get_redis",
    "problem_response",
    "run",
    "settings_or_exit",
]
