"""reporting-bridge figures: events ingested per second, and time and peak memory of each report over 100k
and 1M events.

    .venv/bin/python benchmarks/reporting_reports.py [--ingest-events 20000] [--sizes 100000 1000000]
                                                    [--database-url postgresql://...]

Database: a SQLite file in a temporary folder (the default store), or --database-url (emptied first!).
  * ingestion: --ingest-events inference.usage events (two lanes each) are put on platform.events of a
    private redis-server, then the service's real consumer (the kit's StreamConsumer, group `reporting`,
    with reporting-bridge's EventIngestor) stores them; figure = events stored per second, first to last.
    Beside it, the same store_event calls without the stream (the database's share of the cost).
  * reports: per size, that many events (a mix: 60 % inference.usage with one lane, 10 % job completions,
    10 % sign-ups, 20 % others) spread over 30 days are bulk-loaded, then each report over the 30 days is
    computed by the worker's code (`compute`, chunked reads of REPORTING_CHUNK_ROWS, default 50000) in a
    fresh process: figure = wall time and the process's peak RSS (VmHWM), beside its RSS before the
    report (interpreter + pandas + SQLAlchemy), so the report's own share is the difference.
Two shared cores: read the figures as orders of magnitude.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The event store data reporting-bridge's tests load too (event_store_data.py).
sys.path.insert(0, str(ROOT / "reporting-bridge" / "tests"))

from launcher.build import redis_server_executable  # noqa: E402
from launcher.config import free_port  # noqa: E402

START = datetime(2026, 10, 1)
DAYS = 30
PARAMS = {"from": "2026-10-01", "to": "2026-10-30"}
REPORTS = [
    ("user-signups", {"granularity": "day", "group_by": "role"}),
    ("inference-usage", {"granularity": "day", "group_by": "none"}),
    ("inference-usage", {"granularity": "day", "group_by": "lane"}),
    ("platform-activity", {"granularity": "hour", "group_by": "event_type"}),
]
USERS = [str(uuid.UUID(int=n, version=4)) for n in range(1, 51)]


def open_database(url: str | None, folder: Path):
    from reporting_bridge.store.database import create_database_engine, database_url, migrate
    from reporting_bridge.store.tables import metadata

    engine = create_database_engine(database_url(folder, url))
    if url:
        from sqlalchemy import text

        metadata.drop_all(engine)
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    migrate(engine)
    return engine


def usage_event(n: int):
    from service_kit_testing.events import typed_event

    at = (datetime(2026, 11, 2, tzinfo=UTC) + timedelta(seconds=n)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return typed_event("inference.usage", {
        "user_id": USERS[n % len(USERS)], "operation": "eta_batch", "model_version": "1.0.0", "predictions": 3,
        "latency_ms": 4.2, "mean_delay_probability": 0.4, "occurred_at": at,
        "lanes": [{"origin": "TX", "destination": "CA", "predictions": 2, "mean_delay_probability": 0.5},
                  {"origin": "NY", "destination": "NJ", "predictions": 1, "mean_delay_probability": 0.2}]}, at)


async def ingest_through_the_stream(redis_url: str, engine, count: int) -> float:
    from redis.asyncio import Redis
    from sqlalchemy import func, select

    from reporting_bridge.domain.ingest import EventIngestor
    from reporting_bridge.store.tables import events
    from contract_types.streams import ConsumerGroup, Stream

    from service_kit.events import ConsumerSettings, StreamConsumer

    redis = Redis.from_url(redis_url, decode_responses=True)
    pipeline = redis.pipeline(transaction=False)
    for n in range(count):
        pipeline.xadd(Stream.PLATFORM_EVENTS, {"cloudevent": usage_event(n).envelope.model_dump_json()})
    await pipeline.execute()
    settings = ConsumerSettings(stream=Stream.PLATFORM_EVENTS, group=ConsumerGroup.REPORTING, consumer="benchmark",
                                block_ms=200)
    started = time.monotonic()
    async with StreamConsumer(redis, settings, EventIngestor(engine).handlers()):
        while True:
            with engine.connect() as connection:
                stored = connection.execute(select(func.count()).select_from(events)).scalar_one()
            if stored >= count:
                break
            await asyncio.sleep(0.05)
    seconds = time.monotonic() - started
    await redis.aclose()
    return count / seconds


def ingest_directly(engine, count: int) -> float:
    from reporting_bridge.store.events import store_event

    prepared = [usage_event(count + n) for n in range(count)]
    started = time.monotonic()
    for one in prepared:
        store_event(engine, one)
    return count / (time.monotonic() - started)


def memory_mib(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process. Not ru_maxrss: Linux carries that over exec from the
    forked parent, so a spawned child would report the benchmark's own peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def run_report(url: str, report_type: str, params: dict, queue: multiprocessing.Queue) -> None:

    from reporting_bridge.domain.compute import ReportJob, compute
    from reporting_bridge.store.database import create_database_engine

    engine = create_database_engine(url)
    before = memory_mib("VmRSS")
    started = time.monotonic()
    result = compute(engine, ReportJob(report_type, {**PARAMS, **params}, None), lambda _: None)
    seconds = time.monotonic() - started
    queue.put({"seconds": seconds, "before_mib": before, "peak_mib": memory_mib("VmHWM"), "rows": len(result.rows)})


def measure_report(url: str, report_type: str, params: dict) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=run_report, args=(url, report_type, params, queue))
    process.start()
    figures = queue.get()
    process.join()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ingest-events", type=int, default=20_000)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--database-url", help="PostgreSQL to use instead of a SQLite file (its tables are dropped)")
    args = parser.parse_args()

    from event_store_data import load_events, synthetic_events
    from reporting_bridge.store.database import database_url
    from service_kit_testing.redis_server import PrivateRedis

    with tempfile.TemporaryDirectory(prefix="reporting-benchmark-") as directory:
        folder = Path(directory)
        url = database_url(folder, args.database_url)
        print(f"database: {url.split('@')[-1]}")
        server = PrivateRedis(binary=redis_server_executable(), port=free_port(), directory=folder)
        server.start()
        try:
            engine = open_database(args.database_url, folder)
            through_stream = asyncio.run(ingest_through_the_stream(server.url, engine, args.ingest_events))
            direct = ingest_directly(engine, args.ingest_events)
        finally:
            server.stop()
        print(f"\ningestion of {args.ingest_events:,} inference.usage events (2 lanes each):")
        print(f"  platform.events -> consumer group `reporting` -> database: {through_stream:,.0f} events/s")
        print(f"  store_event alone (no stream):                           {direct:,.0f} events/s "
              f"(stream path = {through_stream / direct:.2f} x)")

        print(f"\n{'events':>10}  {'report':<40} {'rows':>6} {'seconds':>8} {'peak RSS MiB':>13} {'RSS before':>11}")
        for size in args.sizes:
            engine = open_database(args.database_url, folder)
            from sqlalchemy import delete

            from reporting_bridge.store.tables import event_lanes, events

            with engine.begin() as connection:
                connection.execute(delete(event_lanes))
                connection.execute(delete(events))
            started = time.monotonic()
            load_events(engine, synthetic_events(size, start=START, days=DAYS, users=USERS))
            print(f"{size:>10,}  (bulk-loaded in {time.monotonic() - started:.0f} s)")
            engine.dispose()
            for report_type, params in REPORTS:
                figures = measure_report(url, report_type, params)
                name = f"{report_type} {params['granularity']}/{params['group_by']}"
                print(f"{size:>10,}  {name:<40} {figures['rows']:>6} {figures['seconds']:>8.2f} "
                      f"{figures['peak_mib']:>13.0f} {figures['before_mib']:>11.0f}", flush=True)


if __name__ == "__main__":
    main()
