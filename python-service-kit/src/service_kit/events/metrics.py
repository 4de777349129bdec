"""Prometheus metrics of the event backbone; the names are those the Java services' Micrometer meters export."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics

CONSUMER_LABELS = ("stream", "group")
DROP_REASONS = ("queue_full", "shutdown")  # why publish_later dropped an event


class EventMetrics:
    """Every event metric, in one registry: the app's (create_service_app passes its own), or a new one."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        disable_created_metrics()  # as service_kit.telemetry: no *_created series
        self.registry = registry if registry is not None else CollectorRegistry()
        registry = self.registry
        self.published = Counter(
            "events_published", "Events published (XADD)", ("stream", "type"), registry=registry
        )
        self.dropped = Counter(
            "events_dropped", "Events publish_later queued and never sent: the queue was full, or still held them when "
            "the process stopped (the Python kit's publish_later)", ("reason",),
            registry=registry,
        )
        # Both reasons exist from the start at 0, so that an alert's increase() sees the first drop.
        for reason in DROP_REASONS:
            self.dropped.labels(reason=reason)
        self.consumed = Counter(
            "events_consumed", "Stream entries delivered to a consumer (read or reclaimed)", CONSUMER_LABELS,
            registry=registry,
        )
        self.acked = Counter(
            "events_acked", "Events acknowledged after their handler succeeded", CONSUMER_LABELS, registry=registry
        )
        self.retried = Counter(
            "events_retried", "Handler failures: the entry stays pending and is delivered again", CONSUMER_LABELS,
            registry=registry,
        )
        self.dead_lettered = Counter(
            "events_dead_lettered", "Entries moved to <stream>.dlq (too many deliveries, or malformed)",
            CONSUMER_LABELS, registry=registry,
        )
        self.duplicates_skipped = Counter(
            "events_duplicates_skipped", "Entries whose event id was already handled: acked, handler not called",
            CONSUMER_LABELS, registry=registry,
        )
        self.pending = Gauge(
            "events_pending", "Entries delivered to the group and not yet acknowledged (XPENDING)", CONSUMER_LABELS,
            registry=registry,
        )
        self.lag = Gauge(
            "events_lag", "Entries not yet delivered to the group (XINFO GROUPS lag; Redis 7+)", CONSUMER_LABELS,
            registry=registry,
        )
        self.lease_renewals_failed = Counter(
            "events_lease_renewals_failed",
            "Renewals of a running handler's entry that failed (Redis did not answer) or found it reclaimed by another "
            "consumer", CONSUMER_LABELS, registry=registry,
        )
        self.handler_seconds = Histogram(
            "event_handler_seconds", "Time the handler took, successful or not", CONSUMER_LABELS, registry=registry
        )


_default: EventMetrics | None = None


def default_event_metrics() -> EventMetrics:
    """The process's metrics for publishers and consumers created without any (tools, scripts)."""
    global _default
    if _default is None:
        _default = EventMetrics()
    return _default
