"""reporting-bridge's settings: the kit's (REDIS_URL, PLATFORM_DATA_DIR, ...) and its own, from the environment
(pydantic-settings, names as in .env.example; empty means the default), and the names the service goes by.
The API process and the report worker read the same settings, so a refused value stops either at its start."""

from __future__ import annotations

from contract_types.streams import ConsumerGroup
from pydantic import Field, PositiveInt

from service_kit import Port, ServiceSettings

# The name in service-info, on the events' source ("/reporting-bridge") and of the installed distribution.
SERVICE_NAME = "reporting-bridge"
# The report worker's own name (source "/reporting-worker" on its events): its consumer group's, in the contract.
WORKER_NAME = ConsumerGroup.REPORTING_WORKER.value
# Where the gateway routes the service (contracts/openapi/reporting.yaml's paths start with it).
API_PREFIX = "/api/reports"
# Rows the worker reads per chunk when computing a report, unless REPORTING_CHUNK_ROWS says otherwise.
DEFAULT_CHUNK_ROWS = 50_000


class ReportingSettings(ServiceSettings):
    port: Port = Field(8002, validation_alias="REPORTING_PORT")
    # The report worker (python -m reporting_bridge.worker): /health and /metrics only.
    worker_port: Port = Field(8012, validation_alias="REPORTING_WORKER_PORT")
    # The event store and reports, shared by the service and its worker. Empty: a SQLite file under
    # PLATFORM_DATA_DIR; postgresql://user:password@host:5432/reporting for PostgreSQL.
    database_url: str | None = Field(None, validation_alias="REPORTING_DATABASE_URL")
    # Bounds the worker's memory.
    chunk_rows: PositiveInt = Field(DEFAULT_CHUNK_ROWS, validation_alias="REPORTING_CHUNK_ROWS")
