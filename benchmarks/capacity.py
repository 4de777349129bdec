"""Capacity on paper: how many instances of each part, and what Redis, for a given load, from measured figures.

    .venv/bin/python benchmarks/capacity.py [--measured benchmarks/measured] [--headroom 1.5] [--docs docs/capacity.md]

Reads the per-instance figures the benchmarks recorded (benchmarks/measured/*.json, written by their --record
option: benchmarks/record.py) and prints, as Markdown, a sizing table for 1k / 10k / 100k requests per second through
the gateway and for 10k / 100k / 1M open WebSocket connections: the instances of each part, the Redis operations per
second and layout, and the first bottleneck, i.e. the part one instance of which would be the furthest past its
measured figure. The arithmetic is linear on purpose (n instances do n times one instance's work); what it assumes
beyond the figures is in Assumptions below, each with why. --docs pastes the output into the page between its
markers; checks/test_capacity.py fails when the page differs from what this computes from the committed records.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.record import RecordError, read_record

MEASURED = ROOT / "benchmarks" / "measured"
DOCS_PAGE = ROOT / "docs" / "capacity.md"
BEGIN_MARKER = "<!-- capacity.py: begin (generated: edit the script or the records, then run it with --docs) -->"
END_MARKER = "<!-- capacity.py: end -->"
REQUEST_LOADS = (1_000, 10_000, 100_000)
CONNECTION_LOADS = (10_000, 100_000, 1_000_000)


def assumption(default, why: str):
    return field(default=default, metadata={"why": why})


@dataclass(frozen=True)
class Assumptions:
    """What the sizing assumes beyond the measured figures; each is an option of the script and printed with the
    table, with its reason."""

    headroom: float = assumption(1.5, "every part is planned for 1.5 times its load: the figures are saturation, and "
                                      "an instance lost, a spike or a garbage collection must not tip the rest over")
    min_instances: int = assumption(2, "one instance of anything is a single point of failure (and a rolling restart "
                                       "takes one down)")
    gateway_cores_per_instance: int = assumption(2, "cores given to one gateway instance (its figure is per core: the "
                                                    "benchmark pins the gateway to one)")
    prediction_share: float = assumption(0.5, "the request mix: the share of the requests that are single ETA "
                                              "predictions, each publishing one inference.usage event; the rest cost "
                                              "the gateway and its rate limit only here (their services have no "
                                              "per-request figure)")
    notifications_per_connection_per_second: float = assumption(
        0.05, "each open WebSocket receives one notification every 20 s, each one an event on platform.events first")
    redis_ops_per_request: int = assumption(1, "the gateway's rate limit: one script call (INCR and its expiry) per "
                                               "request")
    consumer_groups: int = assumption(3, "the consumer groups reading every entry of platform.events: notification, "
                                         "reporting, inference (the AsyncAPI contract)")
    redis_ops_per_event_per_group: int = assumption(
        3, "per event and group: XREADGROUP, the idempotency check, SET + XACK (a consumer that keeps up reads batches "
           "of one, where decision 0022's batching saves nothing); plus one XADD by the publisher")
    stream_key_ops_per_event_per_group: int = assumption(
        3, "of those, the ones in the stream's own cluster slot, which one node holds: all of them, the idempotency "
           "keys being hash-tagged with their stream so that a batch's keys and XACK are one transaction (decision "
           "0028)")
    redis_ops_per_notification: int = assumption(2, "per notification: the history write, the PUBLISH on "
                                                    "notification:fanout")
    history_ops_per_notification: int = assumption(
        1, "of those, the ones in the history's one cluster slot ({notification}: its append script reads the global "
           "sequence, decision 0028): the history write")
    pubsub_delivery_ops: float = assumption(
        1.0, "every notification-service instance subscribes to notification:fanout and receives every notification: "
             "each delivery counted as this many operations (1: an upper bound, not measured)")


@dataclass(frozen=True)
class Inputs:
    gateway_requests_per_core: float
    predictions_per_process: float
    java_consumer_events: float
    python_consumer_events: float
    connections_per_instance: float
    fanout_frames_per_instance: float
    redis_ops: float
    sources: tuple[tuple[str, str], ...]  # (record file, where its figures come from)


def load_inputs(directory: Path = MEASURED) -> Inputs:
    """The figures of the committed records; RecordError names the file and the figure when one is unusable."""
    def read(name: str, *required: str) -> dict:
        record = read_record(directory / name, required)
        sources.append((name, f"{record.get('source', 'source not stated')} ({record.get('date', 'no date')})"))
        return record["figures"]

    sources: list[tuple[str, str]] = []
    gateway = read("gateway.json", "requests_per_second_per_core")
    inference = read("inference.json", "predictions_per_second_per_process")
    events = read("events.json", "events_per_second_per_consumer.java", "events_per_second_per_consumer.python")
    notifications = read("notifications.json", "connections_held_per_instance", "fanout_frames_per_second_per_instance")
    redis = read("redis.json", "ops_per_second")
    return Inputs(
        gateway_requests_per_core=gateway["requests_per_second_per_core"],
        predictions_per_process=inference["predictions_per_second_per_process"],
        java_consumer_events=events["events_per_second_per_consumer"]["java"],
        python_consumer_events=events["events_per_second_per_consumer"]["python"],
        connections_per_instance=notifications["connections_held_per_instance"],
        fanout_frames_per_instance=notifications["fanout_frames_per_second_per_instance"],
        redis_ops=redis["ops_per_second"],
        sources=tuple(sources))


def units(load: float, per_unit: float, headroom: float) -> float:
    """How many units (instances, cores, Redis nodes) `load` needs at `headroom`, unrounded."""
    return load * headroom / per_unit


def instances(units_needed: float, a: Assumptions) -> int:
    """Whole instances for `units_needed` (a tenth of an instance is one), never fewer than the floor."""
    return max(a.min_instances, math.ceil(units_needed))


@dataclass
class Sizing:
    parts: dict[str, int]  # part → instances
    redis_ops: float
    redis_layout: str
    bottleneck: str
    detail: dict[str, str]  # extra cells of the table


def event_consumers(events: float, inputs: Inputs, a: Assumptions) -> dict[str, float]:
    """Consumers each group needs (unrounded) for `events` per second on platform.events."""
    return {"notification-service": units(events, inputs.java_consumer_events, a.headroom),
            "reporting-bridge": units(events, inputs.python_consumer_events, a.headroom),
            "inference-bridge": units(events, inputs.python_consumer_events, a.headroom)}


def event_redis_ops(events: float, a: Assumptions) -> tuple[float, float]:
    """Redis operations for `events` per second on platform.events: all of them, and those on the stream's key."""
    return (events * (1 + a.consumer_groups * a.redis_ops_per_event_per_group),
            events * (1 + a.consumer_groups * a.stream_key_ops_per_event_per_group))


def redis_layout(total_ops: float, hot_spots: dict[str, float], inputs: Inputs, a: Assumptions) -> tuple[str, dict]:
    """The layout for `total_ops`, and each of `hot_spots` (ops on one slot or channel, which more nodes cannot
    spread) in units of one node: past 1, that key has to be split, whatever the cluster's size."""
    primaries = math.ceil(units(total_ops, inputs.redis_ops, a.headroom))
    layout = ("one primary + one replica (Sentinel)" if primaries <= 1
              else f"Cluster: {primaries} primaries + {primaries} replicas")
    loads = {name: units(ops, inputs.redis_ops, a.headroom) for name, ops in hot_spots.items()}
    for name, load in loads.items():
        if load > 1:
            layout += f"; {name} alone is {load:.1f}× one node: split it"
    return layout, loads


def first_bottleneck(loads: dict[str, float], hot_spots: dict[str, float]) -> str:
    """A hot spot past one Redis node comes first (more nodes do not help it); else the part furthest past one
    instance's planned figure."""
    over = {name: load for name, load in hot_spots.items() if load > 1}
    name, load = max((over or loads).items(), key=lambda item: item[1])
    return f"{name}: {load:.1f}× one {'node' if name in hot_spots or name == 'Redis' else 'instance'}"


def size_requests(rate: float, inputs: Inputs, a: Assumptions) -> Sizing:
    gateway_cores = units(rate, inputs.gateway_requests_per_core, a.headroom)
    predictions = rate * a.prediction_share
    events = predictions  # one inference.usage per prediction
    consumers = event_consumers(events, inputs, a)
    prediction_processes = units(predictions, inputs.predictions_per_process, a.headroom)
    loads = {"gateway": gateway_cores / a.gateway_cores_per_instance,
             "inference-bridge": max(prediction_processes, consumers["inference-bridge"]),
             "reporting-bridge": consumers["reporting-bridge"],
             "notification-service": consumers["notification-service"]}
    parts = {part: instances(load, a) for part, load in loads.items()}
    event_ops, stream_ops = event_redis_ops(events, a)
    redis_ops = rate * a.redis_ops_per_request + event_ops
    layout, hot = redis_layout(redis_ops, {"the stream platform.events": stream_ops}, inputs, a)
    loads |= {"Redis": units(redis_ops, inputs.redis_ops, a.headroom)} | hot
    return Sizing(parts, redis_ops, layout, first_bottleneck(loads, hot),
                  {"gateway cores": f"{math.ceil(gateway_cores)}", "events/s": f"{events:,.0f}"})


def size_connections(connections: float, inputs: Inputs, a: Assumptions) -> Sizing:
    notifications = connections * a.notifications_per_connection_per_second
    by_connections = units(connections, inputs.connections_per_instance, a.headroom)
    by_fanout = units(notifications, inputs.fanout_frames_per_instance, a.headroom)
    consumers = event_consumers(notifications, inputs, a)
    loads = {"notification-service (connections)": by_connections,
             "notification-service (fan-out)": by_fanout,
             "notification-service (consumer)": consumers["notification-service"],
             "reporting-bridge": consumers["reporting-bridge"],
             "inference-bridge": consumers["inference-bridge"]}
    notification_instances = instances(max(by_connections, by_fanout, consumers["notification-service"]), a)
    parts = {"notification-service": notification_instances,
             "reporting-bridge": instances(consumers["reporting-bridge"], a),
             "inference-bridge": instances(consumers["inference-bridge"], a)}
    event_ops, stream_ops = event_redis_ops(notifications, a)
    fanout_ops = notifications * (a.redis_ops_per_notification + notification_instances * a.pubsub_delivery_ops)
    redis_ops = event_ops + fanout_ops
    layout, hot = redis_layout(redis_ops, {"the stream platform.events": stream_ops,
                                           "the channel notification:fanout": fanout_ops,
                                           "the notification history": notifications * a.history_ops_per_notification},
                               inputs, a)
    loads |= {"Redis": units(redis_ops, inputs.redis_ops, a.headroom)} | hot
    return Sizing(parts, redis_ops, layout, first_bottleneck(loads, hot),
                  {"notifications/s": f"{notifications:,.0f}",
                   "by connections / fan-out": f"{math.ceil(by_connections)} / {math.ceil(by_fanout)}"})


def row(*cells) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def render(inputs: Inputs, a: Assumptions) -> str:
    lines = ["### Requests per second through the gateway", "",
             row("requests/s", "gateway (cores)", "inference-bridge", "reporting-bridge", "notification-service",
                 "events/s", "Redis ops/s", "Redis layout", "first bottleneck"),
             row(*["---:"] * 7, "---", "---")]
    for rate in REQUEST_LOADS:
        s = size_requests(rate, inputs, a)
        lines.append(row(f"{rate:,}", f"{s.parts['gateway']} ({s.detail['gateway cores']})",
                         s.parts["inference-bridge"], s.parts["reporting-bridge"], s.parts["notification-service"],
                         s.detail["events/s"], f"{s.redis_ops:,.0f}", s.redis_layout, s.bottleneck))
    lines += ["", "### Open WebSocket connections", "",
              row("connections", "notification-service (by connections / fan-out)", "notifications/s",
                  "reporting-bridge", "inference-bridge", "Redis ops/s", "Redis layout", "first bottleneck"),
              row(*["---:"] * 6, "---", "---")]
    for connections in CONNECTION_LOADS:
        s = size_connections(connections, inputs, a)
        lines.append(row(f"{connections:,}",
                         f"{s.parts['notification-service']} ({s.detail['by connections / fan-out']})",
                         s.detail["notifications/s"], s.parts["reporting-bridge"], s.parts["inference-bridge"],
                         f"{s.redis_ops:,.0f}", s.redis_layout, s.bottleneck))
    figures = [
        ("gateway: requests/s per core (token check, Redis rate limit, traced)", inputs.gateway_requests_per_core),
        ("inference-bridge: single predictions/s per process", inputs.predictions_per_process),
        ("events/s per consumer: Java", inputs.java_consumer_events),
        ("events/s per consumer: Python", inputs.python_consumer_events),
        ("notification-service: WebSocket connections held", inputs.connections_per_instance),
        ("notification-service: fan-out frames/s", inputs.fanout_frames_per_instance),
        ("Redis: operations/s per node", inputs.redis_ops)]
    lines += ["", "### Inputs", "", row("per instance", "figure"), row("---", "---:")]
    lines += [row(name, f"{value:,.0f}") for name, value in figures]
    lines += ["", *[f"- `{name}`: {source}" for name, source in inputs.sources]]
    lines += ["", "Assumptions (`Assumptions` in the script, each an option of the same name):", ""]
    lines += [f"- `{item.name}` = {getattr(a, item.name)}: {item.metadata['why']}" for item in fields(a)]
    return "\n".join(lines) + "\n"


def paste(page: str, table: str) -> str:
    """`page` with `table` between its markers."""
    before, begin, rest = page.partition(BEGIN_MARKER)
    _, end, after = rest.partition(END_MARKER)
    if not begin or not end:
        raise ValueError(f"the page has no {BEGIN_MARKER!r} … {END_MARKER!r} pair")
    return f"{before}{BEGIN_MARKER}\n{table}{END_MARKER}{after}"


def generated_part(page: str) -> str:
    return page.partition(BEGIN_MARKER)[2].partition(END_MARKER)[0].removeprefix("\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--measured", type=Path, default=MEASURED, help="the folder of records (benchmarks/measured)")
    parser.add_argument("--docs", type=Path, nargs="?", const=DOCS_PAGE,
                        help=f"paste the table into this page between its markers ({DOCS_PAGE.relative_to(ROOT)})")
    defaults = Assumptions()
    for item in fields(Assumptions):
        parser.add_argument(f"--{item.name.replace('_', '-')}", type=type(getattr(defaults, item.name)),
                            default=getattr(defaults, item.name), help=f"{item.metadata['why']} (%(default)s)")
    args = parser.parse_args()
    assumptions = replace(defaults, **{item.name: getattr(args, item.name) for item in fields(Assumptions)})
    try:
        table = render(load_inputs(args.measured), assumptions)
    except RecordError as error:
        sys.exit(f"capacity.py: {error}")
    if args.docs:
        args.docs.write_text(paste(args.docs.read_text(encoding="utf-8"), table), encoding="utf-8")
        print(f"pasted into {args.docs}")
    else:
        print(table, end="")


if __name__ == "__main__":
    main()
