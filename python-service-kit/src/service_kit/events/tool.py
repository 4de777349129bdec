"""The events tool: publishes or consumes through the backbone's own publisher and consumer, for the
cross-language tests and the benchmark (the Java EventsTool takes the same flags and prints the same lines).

    python -m service_kit.events publish --redis-url URL --stream S --count N [--type notification.broadcast]
        [--source /events-tool] [--rate PER_SECOND] [--publishing awaited|pipelined] --data-json '{...}'
    python -m service_kit.events consume --redis-url URL --stream S --group G --count N [--warmup W]
        [--timeout-seconds 60] [--ids-file F]

`--redis-cluster-nodes HOST:PORT[,HOST:PORT...]` (a Redis Cluster's seed nodes) instead of `--redis-url`: exactly
one of the two, whatever REDIS_* variables the environment holds.

publish awaits one XADD per event (`EventPublisher.publish`), or with `--publishing pipelined` queues each with
`publish_later`, whose sender writes what is queued in one pipelined round trip (what the services do with their
usage events); it prints {"published", "seconds", "per_second"}, the time until Redis took the last event, and exits
1 if an event was dropped; consume runs until N events were handled (then shuts
down gracefully) or the timeout (exit 1), and prints {"consumed", "measured", "seconds", "per_second", "p50_ms",
"p99_ms", "duplicates_skipped"}: the figures are those of the events after the first W (the warm-up), timed
from the first of them to the last event handled. Consumer settings (EVENTS_*, INSTANCE_ID) come
from the environment, and the spans are set as a service's are: TRACING_SAMPLING_PROBABILITY (default 1.0),
TRACING_ZIPKIN_ENDPOINT (empty, the default: made and propagated, not exported).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import sys
import time
from datetime import UTC, datetime
from typing import Any, TextIO

from contract_types.event_types import EVENT_TYPES
from pydantic import BaseModel, ValidationError

from service_kit.events.consumer import StreamConsumer
from service_kit.events.handlers import EventHandlers, TypedEvent
from service_kit.events.metrics import EventMetrics
from service_kit.events.publisher import MAX_EVENTS_PER_ROUND_TRIP, EventPublisher
from service_kit.events.settings import EventSettings
from service_kit.redis_client import RedisClient, create_redis_client
from service_kit.settings import (
    NODES_FORMAT,
    RedisNode,
    RedisSettings,
    ServiceSettings,
    parse_redis_nodes,
    settings_or_exit,
)
from service_kit.tracing import Tracing


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m service_kit.events", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    publish = commands.add_parser("publish", help="publish N events")
    add_redis_arguments(publish)
    publish.add_argument("--stream", required=True)
    publish.add_argument("--count", type=int, required=True)
    publish.add_argument("--type", default="notification.broadcast", choices=sorted(EVENT_TYPES),
                         help="an event type of the contract")
    publish.add_argument("--source", default="/events-tool")
    publish.add_argument("--rate", type=float, default=0, help="events per second; 0: as fast as possible")
    publish.add_argument("--publishing", choices=("awaited", "pipelined"), default="awaited",
                         help="awaited: one XADD round trip per event (publish); pipelined: queued by publish_later, "
                              "what is queued sent in one round trip")
    publish.add_argument("--data-json", required=True,
                         help="the data of every event: a JSON object valid for the type's payload schema")

    consume = commands.add_parser("consume", help="consume N events")
    add_redis_arguments(consume)
    consume.add_argument("--stream", required=True)
    consume.add_argument("--group", required=True)
    consume.add_argument("--count", type=int, required=True)
    consume.add_argument("--warmup", type=int, default=0,
                         help="the first W of the N events are handled but left out of the figures (JIT, caches)")
    consume.add_argument("--timeout-seconds", type=float, default=60)
    consume.add_argument("--ids-file", help="append one JSON line per handled event")
    return parser


def add_redis_arguments(command: argparse.ArgumentParser) -> None:
    redis = command.add_mutually_exclusive_group(required=True)
    redis.add_argument("--redis-url", help="one Redis node, such as redis://localhost:6379/0")
    redis.add_argument("--redis-cluster-nodes", type=cluster_nodes, metavar="HOST:PORT[,HOST:PORT...]",
                       help="seed nodes of a Redis Cluster")


def cluster_nodes(text: str) -> tuple[RedisNode, ...]:
    try:
        nodes = parse_redis_nodes(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if not nodes:
        raise argparse.ArgumentTypeError(NODES_FORMAT)
    return nodes


def redis_client_of(args: argparse.Namespace) -> RedisClient:
    if args.redis_cluster_nodes:
        return create_redis_client(RedisSettings.given(cluster_nodes=args.redis_cluster_nodes))
    return create_redis_client(RedisSettings.given(url=args.redis_url))


async def publish(args: argparse.Namespace) -> int:
    try:  # the payload model of the type: what a service publishes, checked before anything is sent
        payload = EVENT_TYPES[args.type].payload.model_validate_json(args.data_json)
    except ValidationError as error:
        raise SystemExit(f"--data-json is not a valid {args.type} payload:\n{error}") from None
    redis = redis_client_of(args)
    metrics = EventMetrics()
    tracing = tool_tracing(args.source.lstrip("/"), metrics)
    publisher = EventPublisher(redis, source=args.source, retention=EventSettings().stream_retention(), metrics=metrics,
                               tracer=tracing.tracer)
    interval = 1 / args.rate if args.rate > 0 else 0.0
    send = publish_pipelined if args.publishing == "pipelined" else publish_awaited
    try:
        started = time.perf_counter()
        await send(publisher, payload, args.stream, args.count, interval)
        seconds = time.perf_counter() - started
    finally:
        await redis.aclose()
        tracing.close_export()
    dropped = sum(metrics.registry.get_sample_value("events_dropped_total", {"reason": reason}) or 0
                  for reason in ("queue_full", "shutdown"))
    if dropped:
        print(f"{int(dropped)} of {args.count} events were dropped (events_dropped_total)", file=sys.stderr)
        return 1
    print_line({"published": args.count, "seconds": round(seconds, 6), "per_second": rate(args.count, seconds)})
    return 0


async def pace(started: float, number: int, interval: float) -> None:
    """Sleeps until event `number` is due, paced against the start so that slow sends do not lower the rate."""
    if interval:
        delay = started + number * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)


async def publish_awaited(publisher: EventPublisher, payload: BaseModel, stream: str, count: int,
                          interval: float) -> None:
    started = time.perf_counter()
    for number in range(count):
        await pace(started, number, interval)
        await publisher.publish(payload, stream=stream)


async def publish_pipelined(publisher: EventPublisher, payload: BaseModel, stream: str, count: int,
                            interval: float) -> None:
    """publish_later for every event; returns once the sender has written them all (leaving `sending()` flushes).
    Unpaced, the loop gives the sender a turn after each event and waits while a round trip's worth is queued
    already, as a busy service's requests would: the queue never fills, and nothing is dropped for the tool's haste."""
    started = time.perf_counter()
    async with publisher.sending():
        for number in range(count):
            await pace(started, number, interval)
            publisher.publish_later(payload, stream=stream)
            await asyncio.sleep(0)
            while publisher.queued >= MAX_EVENTS_PER_ROUND_TRIP:
                await asyncio.sleep(0.001)


async def consume(args: argparse.Namespace) -> int:
    redis = redis_client_of(args)
    metrics = EventMetrics()
    tracing = tool_tracing("events-tool", metrics)
    latencies: list[float] = []  # of the measured events: those after the warm-up
    handled = 0
    first_measured: float | None = None
    last_handled: float | None = None
    done = asyncio.Event()
    ids_file: TextIO | None = open(args.ids_file, "a", encoding="utf-8") if args.ids_file else None  # noqa: SIM115

    async def handle(event: TypedEvent[Any]) -> None:
        nonlocal handled, first_measured, last_handled
        now = datetime.now(UTC)
        if handled >= args.count:
            return  # beyond N (arrived while shutting down): handled, not measured
        handled += 1
        latency_ms = (now - event.occurred_at).total_seconds() * 1000
        if ids_file is not None:
            ids_file.write(json.dumps({"id": event.id, "type": event.type, "source": event.source,
                                       "traceparent": event.envelope.traceparent, "latency_ms": round(latency_ms, 3)}) + "\n")
            ids_file.flush()
        if handled > args.warmup:
            if first_measured is None:
                first_measured = time.perf_counter()
            latencies.append(latency_ms)
        if handled >= args.count:
            last_handled = time.perf_counter()
            done.set()

    settings = EventSettings().consumer(stream=args.stream, group=args.group, consumer=ServiceSettings().instance_id)
    consumer = StreamConsumer(redis, settings, EventHandlers().on_every_type(handle), metrics=metrics,
                              tracer=tracing.tracer)
    try:
        await consumer.start()
        try:
            await asyncio.wait_for(done.wait(), args.timeout_seconds)
            timed_out = False
        except TimeoutError:
            timed_out = True
        await consumer.stop()
    finally:
        await redis.aclose()
        tracing.close_export()
        if ids_file is not None:
            ids_file.close()
    end = last_handled or time.perf_counter()
    seconds = end - first_measured if first_measured is not None else 0.0
    duplicates = metrics.registry.get_sample_value(
        "events_duplicates_skipped_total", {"stream": args.stream, "group": args.group}
    ) or 0
    ordered = sorted(latencies)
    print_line({
        "consumed": handled,
        "measured": len(latencies),
        "seconds": round(seconds, 6),
        "per_second": rate(len(latencies), seconds),
        "p50_ms": percentile(ordered, 50),
        "p99_ms": percentile(ordered, 99),
        "duplicates_skipped": int(duplicates),
    })
    if timed_out:
        print(f"timed out after {args.timeout_seconds} s with {handled} of {args.count} events",
              file=sys.stderr)
        return 1
    return 0


def tool_tracing(part_name: str, metrics: EventMetrics) -> Tracing:
    """The tool's spans, set from the environment as a service's are, their export opened (closed by the caller)."""
    settings = settings_or_exit(ServiceSettings)
    tracing = Tracing(part_name, sampling_probability=settings.tracing_sampling_probability,
                      zipkin_endpoint=settings.tracing_zipkin_endpoint, registry=metrics.registry)
    tracing.open_export()
    return tracing


def percentile(ordered: list[float], percent: float) -> float | None:
    """Nearest-rank percentile of sorted values (None when there are none)."""
    if not ordered:
        return None
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return round(ordered[rank - 1], 3)


def rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1) if seconds > 0 else 0.0


def print_line(values: dict[str, Any]) -> None:
    print(json.dumps(values), flush=True)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.count < 0:
        raise SystemExit("--count must not be negative")
    # Warnings (reconnects, dead letters) on stderr; stdout carries only the result line.
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s")
    return asyncio.run(publish(args) if args.command == "publish" else consume(args))
