"""Event backbone figures: publish→consume throughput and one-way latency, across languages, beside raw Redis.

    python3 benchmarks/events_throughput.py [--events 20000] [--latency-events 2000] [--rate 500] [--warmup 3000]
                                            [--paths java-python,python-python] [--samplings 0.0]
                                            [--publishing pipelined]

Runs a private redis-server on a free port. For each path (Java→Python, Python→Java, and the same-language
paths for context) it runs the shipped events tools (the backbones' own publisher and consumer). How the tools
publish, --publishing: "pipelined" (the default) as the platform's busiest publishers do, each event still built,
validated, traced and counted one by one but written with others in one round trip: the Python tool queues each with
`EventPublisher.publish_later`, whose sender writes what is queued in one pipelined round trip (the services' usage
events), the Java tool writes what is due, up to 100 events, with `EventPublisher.publishAll` (one Redisson batch;
no Java service calls it yet, docs/decisions/0032);
"awaited", one awaited XADD round trip per event (`publish`, a service's job outcome). Raw redis-py publishes the
same way as the tools (pipelined: what is due, up to 100 XADDs a round trip; awaited: one XADD per call), so "× raw"
compares like with like: what the envelope, the idempotency key, the span and the metrics cost.
  * throughput: the publisher sends --events as fast as it can while the consumer runs; figure = events
    handled per second by the consumer, from its first to its last event; beside it "published/s", the publisher's
    own rate (the whole run, warm-up included): a consumer that keeps up cannot go faster than that;
  * latency: the publisher sends --latency-events at a steady --rate, so queueing does not dominate; figure =
    consumer clock − the event's `time`, p50 and p99 (same machine, same clock).
Every run first sends --warmup events that are handled but not measured: the figures are the steady state
of a running service, not a JVM's first seconds (its JIT compiling on the same two cores).
Each path runs twice: traced as the platform runs it (TRACING_SAMPLING_PROBABILITY 1.0: a `send` span per event at
the publisher, a `process` span at the consumer, the context in the event's traceparent, every span exported to a
span intake that takes and drops everything, nginx answering 202: benchmarks/span_intake.py), and sampled at 0.0
(the context still written and read, no span recorded or exported). "× untraced" is the cost of tracing.
The baseline is raw redis-py in the same run: XADDs published as the tools publish, and an XREADGROUP COUNT 16 /
XACK loop in another process, with no envelope, no idempotency key and no metrics. Ratio = path / raw.
Two shared cores: read figures as orders of magnitude, and run it twice. --paths and --samplings measure a part of
the table (every path, both samplings by default), for a second round on a busy machine.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.record import add_record_option, write_record  # noqa: E402
from benchmarks.span_intake import span_intake_url, start_span_intake  # noqa: E402
from interop.events_tools import broadcast_data, finish_tool, run_tool, start_tool  # noqa: E402
from launcher.build import redis_server_executable  # noqa: E402
from launcher.config import free_port  # noqa: E402

PATHS = [("java", "python"), ("python", "java"), ("python", "python"), ("java", "java")]
SAMPLINGS = ("1.0", "0.0")


def raw_consumer(redis_url: str, stream: str, count: int, warmup: int, queue: multiprocessing.Queue) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    client.xgroup_create(stream, "raw", id="0", mkstream=True)
    latencies, first, handled = [], None, 0
    while handled < count:
        reply = client.xreadgroup("raw", "raw-1", {stream: ">"}, count=16, block=2000)
        for _, entries in reply or []:
            for entry_id, fields in entries:
                now = time.time_ns()
                client.xack(stream, "raw", entry_id)
                handled += 1
                if handled > warmup:
                    first = first or time.monotonic()
                    latencies.append((now - int(fields[b"sent_ns"])) / 1e6)
    queue.put({"measured": len(latencies), "seconds": time.monotonic() - first, "latencies": latencies})


def raw_publisher(redis_url: str, stream: str, count: int, rate: float, publishing: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    # "pipelined" writes what is due, up to 100 XADDs a round trip, as the Java tool does (EventPublisher.publishAll).
    batch_limit = 100 if publishing == "pipelined" else 1
    interval, started, sent = (1 / rate if rate else 0), time.monotonic(), 0
    while sent < count:
        due = count - sent if not interval else int((time.monotonic() - started) / interval) + 1 - sent
        if due <= 0:
            time.sleep(max(0.0, started + sent * interval - time.monotonic()))
            continue
        pipeline = client.pipeline(transaction=False)
        for _ in range(min(due, batch_limit)):
            pipeline.xadd(stream, {"sent_ns": str(time.time_ns()), "payload": "x" * 300}, maxlen=100000,
                          approximate=True)
            sent += 1
        pipeline.execute()


def raw_run(redis_url: str, count: int, rate: float, warmup: int, publishing: str) -> dict:
    stream = f"bench.raw.{uuid.uuid4().hex[:8]}"
    queue: multiprocessing.Queue = multiprocessing.Queue()
    consumer = multiprocessing.Process(target=raw_consumer, args=(redis_url, stream, warmup + count, warmup, queue))
    consumer.start()
    time.sleep(0.5)
    publishing_started = time.perf_counter()
    raw_publisher(redis_url, stream, warmup + count, rate, publishing)
    published_per_second = (warmup + count) / (time.perf_counter() - publishing_started)
    result = queue.get(timeout=300)
    consumer.join()
    latencies = sorted(result["latencies"])
    return {"per_second": result["measured"] / result["seconds"], "published_per_second": published_per_second,
            "p50_ms": statistics.median(latencies), "p99_ms": latencies[int(len(latencies) * 0.99) - 1]}


def tool_run(redis_url: str, publisher: str, consumer: str, count: int, rate: float, warmup: int,
             tracing: dict[str, str], publishing: str) -> dict:
    stream = f"bench.{publisher}-{consumer}.{uuid.uuid4().hex[:8]}"
    consuming = start_tool(consumer, ["consume", "--redis-url", redis_url, "--stream", stream, "--group", "bench",
                                      "--count", str(warmup + count), "--warmup", str(warmup),
                                      "--timeout-seconds", "300"], env=tracing)
    time.sleep(2)  # let the consumer's group exist and its JVM start before the clock matters
    published = run_tool(publisher, ["publish", "--redis-url", redis_url, "--stream", stream, "--count", str(warmup + count),
                         "--rate", str(rate), "--type", "notification.broadcast", "--publishing", publishing,
                         "--data-json", broadcast_data("x" * 200)], env=tracing)
    return {**finish_tool(consuming, consumer), "published_per_second": published["per_second"]}


def paths_option(text: str) -> list[tuple[str, str]]:
    pairs = [tuple(pair.split("-")) for pair in text.split(",")]
    unknown = [pair for pair in pairs if pair not in PATHS]
    if unknown:
        raise argparse.ArgumentTypeError(f"not a path: {unknown}; the paths are "
                                         f"{', '.join('-'.join(path) for path in PATHS)}")
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--latency-events", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=500)
    parser.add_argument("--warmup", type=int, default=3000)
    parser.add_argument("--paths", type=paths_option, default=PATHS,
                        help="publisher-consumer pairs, comma-separated (default: all four)")
    parser.add_argument("--samplings", type=lambda text: tuple(text.split(",")), default=SAMPLINGS,
                        help="tracing sampling probabilities, comma-separated (default: 1.0,0.0)")
    parser.add_argument("--publishing", choices=("pipelined", "awaited"), default="pipelined",
                        help="how the tools publish: pipelined (the default: Python publish_later, Java publishAll) "
                             "or awaited (one XADD round trip per event)")
    add_record_option(parser)
    args = parser.parse_args()

    # The publishers outrun the consumers: a stream trimmed to the default retention (10,000 entries) would drop
    # what was not read yet, and the consumer would wait for it forever.
    os.environ["EVENTS_DEFAULT_RETENTION"] = str(10 * (args.warmup + max(args.events, args.latency_events)))
    import redis  # noqa: PLC0415 (the workspace venv's)
    from service_kit_testing.redis_server import PrivateRedis  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="events-benchmark-") as directory:
        work = Path(directory)
        work.chmod(0o755)  # nginx workers run as an unprivileged user
        intake_port = free_port()
        intake = start_span_intake(work, intake_port)
        server = PrivateRedis(binary=redis_server_executable(), port=free_port(), directory=work)
        server.start()
        try:
            rows, raw_throughput, raw_published, raw_latency = measure(server.url, span_intake_url(intake_port), args,
                                                                       redis)
        finally:
            server.stop()
            intake.terminate()
            intake.wait(timeout=10)
    print_table(rows, raw_throughput, raw_published, raw_latency, args.publishing)
    record(args, rows, raw_throughput)


def measure(url: str, intake_url: str, args: argparse.Namespace, redis) -> tuple[list, float, dict]:
    version = redis.Redis.from_url(url).info("server")["redis_version"]
    print(f"redis {version} on {url}; {args.events} events for throughput, {args.latency_events} at "
          f"{args.rate:g}/s for latency, each after {args.warmup} warm-up events; the tools publish "
          f"{args.publishing}", flush=True)
    raw = raw_run(url, args.events, 0, args.warmup, args.publishing)
    raw_throughput, raw_published = raw["per_second"], raw["published_per_second"]
    raw_latency = raw_run(url, args.latency_events, args.rate, args.warmup, args.publishing)
    rows = []
    for publisher, consumer in args.paths:
        for sampling in args.samplings:
            tracing = {"TRACING_SAMPLING_PROBABILITY": sampling, "TRACING_ZIPKIN_ENDPOINT": intake_url}
            flood = tool_run(url, publisher, consumer, args.events, 0, args.warmup, tracing, args.publishing)
            latency = tool_run(url, publisher, consumer, args.latency_events, args.rate, args.warmup, tracing,
                               args.publishing)
            rows.append((f"{publisher} → {consumer}", sampling, flood["per_second"], latency["p50_ms"],
                         latency["p99_ms"], flood["published_per_second"]))
            print(f"  measured {publisher} → {consumer}, sampling {sampling}", flush=True)
    return rows, raw_throughput, raw_published, raw_latency


def print_table(rows: list, raw_throughput: float, raw_published: float, raw_latency: dict, publishing: str) -> None:
    """"published/s" is the publisher's own rate over the throughput run (warm-up included): a consumer whose events/s
    is close to it kept up, and the publisher set the pace."""
    print()
    print("| path | sampling | events/s | × raw | × untraced | published/s | p50 ms | × raw | p99 ms | × raw |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| raw redis-py XADD ({publishing}) → XREADGROUP | | {raw_throughput:,.0f} | 1.00 | | {raw_published:,.0f} "
          f"| {raw_latency['p50_ms']:.2f} | 1.00 | {raw_latency['p99_ms']:.2f} | 1.00 |")
    untraced = {name: throughput for name, sampling, throughput, *_ in rows if sampling == "0.0"}
    for name, sampling, throughput, p50, p99, published in rows:
        print(f"| {name} | {sampling} | {throughput:,.0f} | {throughput / raw_throughput:.2f} | "
              f"{ratio(throughput, untraced.get(name))} | {published:,.0f} | {p50:.2f} | {p50 / raw_latency['p50_ms']:.2f} "
              f"| {p99:.2f} | {p99 / raw_latency['p99_ms']:.2f} |")


def record(args: argparse.Namespace, rows: list, raw_throughput: float) -> None:
    """Events/s per consumer, by the consumer's language: the slowest path into it, traced as the platform runs
    (sampling 1.0) when that was measured."""
    sampling = "1.0" if "1.0" in args.samplings else args.samplings[0]
    per_consumer: dict[str, float] = {}
    for name, row_sampling, throughput, *_ in rows:
        consumer = name.split(" → ")[1]
        if row_sampling == sampling:
            per_consumer[consumer] = min(throughput, per_consumer.get(consumer, throughput))
    write_record(args.record, "events_throughput.py",
                 {"events_per_second_per_consumer": {language: round(value) for language, value in per_consumer.items()},
                  "tracing_sampling": sampling, "publishing": args.publishing},
                 {"name": f"raw redis-py XADD ({args.publishing}) → XREADGROUP", "events_per_second": round(raw_throughput),
                  "ratio": round(min(per_consumer.values()) / raw_throughput, 3)})


def ratio(value: float, baseline: float | None) -> str:
    """value / baseline, or blank when the baseline was not measured in this run."""
    return f"{value / baseline:.2f}" if baseline else ""


if __name__ == "__main__":
    main()
