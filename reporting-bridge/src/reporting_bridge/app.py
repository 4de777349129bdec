"""The reporting-bridge ASGI app: the report API, and the `reporting` group's ingestion of platform.events."""

from contract_types.streams import ConsumerGroup, Stream
from fastapi import FastAPI

from reporting_bridge.api import router
from reporting_bridge.database import Database, open_database_around_lifespan
from reporting_bridge.ingest import EventIngestor
from service_kit import create_service_app
from service_kit.events import Subscription
from service_kit.settings import ServiceSettings

SERVICE_NAME = "reporting-bridge"
API_PREFIX = "/api/reports"


def create_app() -> FastAPI:
    """A new app configured from the environment; tests make one each, the server uses `app`."""
    settings = ServiceSettings.from_env()
    database = Database(settings.data_dir)
    app = create_service_app(
        service_name=SERVICE_NAME, api_prefix=API_PREFIX, settings=settings,
        consumers=[Subscription(Stream.PLATFORM_EVENTS, ConsumerGroup.REPORTING, EventIngestor(database).handlers())],
    )
    open_database_around_lifespan(app, database)
    app.include_router(router, prefix=API_PREFIX)
    return app


app = create_app()
