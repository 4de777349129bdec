"""What every FastAPI service of the platform shares; a service's app is `create_service_app(...)` plus its routes."""

from service_kit.app import create_service_app
from service_kit.problems import FieldError, Problem, problem_response
from service_kit.redis_client import get_redis
from service_kit.request_id import current_request_id
from service_kit.server import run
from service_kit.settings import ServiceSettings

__all__ = [
    "FieldError",
    "Problem",
    "ServiceSettings",
    "create_service_app",
    "current_request_id",
    "get_redis",
    "problem_response",
    "run",
]
