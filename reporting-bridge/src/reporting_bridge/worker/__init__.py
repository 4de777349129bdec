"""The report worker: a process of its own (`python -m reporting_bridge.worker`, REPORTING_WORKER_PORT, default
8012) that consumes `reporting.jobs` in group `reporting-worker` through the kit's backbone (`app`) and computes
each report (`handlers`); it serves only /health and /metrics.

A worker killed mid-report leaves the job pending on the stream; the backbone hands it to a worker again
(EVENTS_MIN_IDLE_MS), which computes the report from the start: the result is written with `ready` in one
transaction, so nothing half-written is ever visible and recomputing is harmless.
"""
