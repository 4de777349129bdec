"""The service's own Prometheus metrics, served on /metrics with the kit's (the registry `create_app` passes to the kit)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, Info

from inference_bridge.domain.model import EtaModel

ROW_BUCKETS = (1, 10, 50, 100, 250, 500, 1000, 5000, 10_000, 50_000, 100_000)
JOB_SECONDS_BUCKETS = (0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)


class InferenceMetrics:
    def __init__(self, registry: CollectorRegistry, model: EtaModel) -> None:
        self.prediction_seconds = Histogram(
            "inference_prediction_seconds", "Model time of one sync prediction request (encoding and both estimators)",
            ["operation"], registry=registry,
            buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1),
        )
        self.batch_rows = Histogram(
            "inference_batch_rows", "Rows per prediction call (eta = 1, eta_batch, job)", ["operation"],
            registry=registry, buckets=ROW_BUCKETS,
        )
        self.job_seconds = Histogram(
            "inference_job_duration_seconds", "Wall time of a job from its start to its outcome", ["outcome"],
            registry=registry, buckets=JOB_SECONDS_BUCKETS,
        )
        self.jobs = Counter("inference_jobs", "Jobs by outcome (submitted, succeeded, failed)", ["outcome"],
                            registry=registry)
        info = Info("inference_model", "The model this process serves", registry=registry)
        info.info({"version": model.version, "artifact_sha256": model.card.get("artifact_sha256", ""),
                   "trained_at": model.card.get("trained_at", "")})
