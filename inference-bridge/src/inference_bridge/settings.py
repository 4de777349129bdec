"""inference-bridge's settings: the kit's (REDIS_URL, PLATFORM_DATA_DIR, ...) and its own, from the environment
(pydantic-settings, names as in .env.example; empty means the default), and the names the service goes by.
The API process and the worker read the same settings, so a refused value stops either at its start."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, NonNegativeInt, PositiveInt

from service_kit import Port, ServiceSettings

# The name in service-info, on the events' source ("/inference-bridge") and of the installed distribution.
SERVICE_NAME = "inference-bridge"
# The worker's name as a part of the platform (the launcher's, and service.name on its spans).
WORKER_NAME = "inference-worker"
# Where the gateway routes the service (contracts/openapi/inference.yaml's paths start with it).
API_PREFIX = "/api/inference"


class InferenceSettings(ServiceSettings):
    port: Port = Field(8001, validation_alias="INFERENCE_PORT")
    # The job worker (python -m inference_bridge.worker): /health and /metrics only.
    worker_port: Port = Field(8011, validation_alias="INFERENCE_WORKER_PORT")
    # Empty: <PLATFORM_DATA_DIR>/models (./platform up trains a model there when there is none).
    model_dir_override: Path | None = Field(None, validation_alias="MODEL_DIR")
    # How long a job, its input and its result are kept in Redis.
    job_ttl_seconds: PositiveInt = Field(24 * 60 * 60, validation_alias="INFERENCE_JOB_TTL_SECONDS")
    # Rows the worker predicts and stores per chunk: its checkpoint unit.
    job_chunk_rows: PositiveInt = Field(2000, validation_alias="INFERENCE_JOB_CHUNK_ROWS")
    # A pause between chunks lets a big job yield the CPU to the sync API on a machine with few cores.
    job_chunk_pause_ms: NonNegativeInt = Field(0, validation_alias="INFERENCE_JOB_CHUNK_PAUSE_MS")

    @property
    def model_dir(self) -> Path:
        return self.model_dir_override or self.data_dir / "models"
