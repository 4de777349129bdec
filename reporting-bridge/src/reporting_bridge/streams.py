"""The streams and consumer groups reporting-bridge and its worker use (fixed names other services rely on)."""

EVENTS_STREAM = "platform.events"  # every domain event; the reports' source, and where report.* go
INGEST_GROUP = "reporting"  # reporting-bridge's event store
JOBS_STREAM = "reporting.jobs"  # report.requested, from POST /api/reports
JOBS_GROUP = "reporting-worker"
