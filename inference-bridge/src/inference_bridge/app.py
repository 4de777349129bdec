"""The inference-bridge ASGI app."""

from fastapi import FastAPI

from service_kit import create_service_app

SERVICE_NAME = "inference-bridge"
API_PREFIX = "/api/inference"


def create_app() -> FastAPI:
    """A new app configured from the environment; tests make one each, the server uses `app`."""
    return create_service_app(service_name=SERVICE_NAME, api_prefix=API_PREFIX)


app = create_app()
