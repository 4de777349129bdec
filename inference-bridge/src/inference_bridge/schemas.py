"""The API's request and response bodies (contracts/openapi/inference.yaml)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from inference_bridge.model.dataset import MODES, US_STATE_CODES

MAX_BATCH_ROWS = 1000
MAX_JOB_ROWS = 100_000

# RFC 3339 with a mandatory offset: a local time without one would mean nothing on a US-wide lane.
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")


def _rfc3339_text(value: Any) -> Any:
    if not isinstance(value, str) or not _RFC3339.fullmatch(value):
        raise ValueError('must be an RFC 3339 date and time with an offset, such as "2026-11-25T08:00:00Z"')
    return value


def _us_state(value: str) -> str:
    if value not in US_STATE_CODES:
        raise ValueError("must be a two-letter US state code (upper case), such as TX")
    return value


StateCode = Annotated[str, AfterValidator(_us_state), Field(examples=["TX"], description="Two-letter US state code")]
PickupTime = Annotated[datetime, BeforeValidator(_rfc3339_text)]
Mode = Literal[MODES]  # type: ignore[valid-type]


class Shipment(BaseModel):
    """One shipment to predict."""

    model_config = ConfigDict(extra="forbid")

    origin: StateCode
    destination: StateCode
    distance_km: float = Field(gt=0, le=10_000, description="Road distance, km")
    weight_kg: float = Field(gt=0, le=50_000, description="Gross weight, kg")
    mode: Mode = Field(description="Full truckload, less than truckload or intermodal (rail + truck)")
    carrier: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
                         description='Carrier id; one the model does not know is predicted as "other"')
    pickup_at: PickupTime = Field(description="Pickup time, RFC 3339 with an offset (local hour and weekday matter)")


class EtaPrediction(BaseModel):
    transit_hours: float = Field(ge=0, description="Predicted hours from pickup to delivery")
    eta: datetime = Field(description="pickup_at + transit_hours, RFC 3339 UTC")
    delay_probability: float = Field(ge=0, le=1, description="Probability of arriving after the service standard")
    model_version: str


class EtaBatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shipments: list[Shipment] = Field(min_length=1, max_length=MAX_BATCH_ROWS)


class EtaBatchResponse(BaseModel):
    model_version: str
    predictions: list[EtaPrediction]


class CreateJobRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shipments: list[Shipment] = Field(min_length=1, max_length=MAX_JOB_ROWS)


JobStatus = Literal["queued", "running", "succeeded", "failed"]


class JobError(BaseModel):
    code: str
    reason: str


class Job(BaseModel):
    id: str
    status: JobStatus
    progress: int = Field(ge=0, le=100, description="Percent done")
    total_items: int
    processed_items: int
    # Optional members are left out, never null (the routes answer with exclude_none).
    model_version: str | SkipJsonSchema[None] = None
    created_at: datetime
    started_at: datetime | SkipJsonSchema[None] = None
    finished_at: datetime | SkipJsonSchema[None] = None
    result_url: str | SkipJsonSchema[None] = Field(
        default=None, description="The JSON result once the job succeeded; add ?format=csv for CSV")
    error: JobError | SkipJsonSchema[None] = None


class JobPrediction(BaseModel):
    row: int = Field(ge=0, description="Position of the shipment in the submitted rows")
    transit_hours: float
    eta: datetime
    delay_probability: float


class JobResult(BaseModel):
    job_id: str
    model_version: str
    predictions: list[JobPrediction]


class ModelFeature(BaseModel):
    name: str
    type: Literal["number", "integer", "categorical"]
    description: str
    categories: list[str] | SkipJsonSchema[None] = None


class RegressionMetrics(BaseModel):
    mae_hours: float
    rmse_hours: float
    r2: float
    median_actual_hours: float
    baseline_mae_hours: float = Field(description="MAE of predicting the training median for every shipment")


class ReliabilityBin(BaseModel):
    lower: float
    upper: float
    count: int
    mean_predicted: float | None = Field(description="null when no prediction fell in the bin")
    observed_rate: float | None


class DelayMetrics(BaseModel):
    roc_auc: float
    brier_score: float
    log_loss: float
    late_rate: float
    reliability: list[ReliabilityBin]


class ModelMetrics(BaseModel):
    transit_hours: RegressionMetrics
    delay: DelayMetrics


class TrainingData(BaseModel):
    generator: str
    generator_version: int
    seed: int
    rows: int
    training_rows: int
    validation_rows: int


class ModelCard(BaseModel):
    name: str
    version: str
    artifact_sha256: str
    algorithm: str
    targets: dict[str, str]
    trained_at: datetime
    training_seconds: float
    data: TrainingData
    features: list[ModelFeature]
    metrics: ModelMetrics = Field(description="On the held-out split")
