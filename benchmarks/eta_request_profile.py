"""What one `POST /api/inference/v1/eta` costs inside one process, and where that goes.

    .venv/bin/python benchmarks/eta_request_profile.py [--requests 400] [--runs 2] [--model-dir var/models]
    .venv/bin/python benchmarks/eta_request_profile.py --rows 1000 --requests 20   # POST /v1/eta/batch instead

No server, no network, no load generator: the app `inference_bridge.app.create_app` builds is called as ASGI, its
lifespan running (so the kit's publisher and its `publish_later` sender too), against a redis-server of its own and a
real JWKS endpoint on 127.0.0.1 (`service_kit_testing.tokens.jwks_endpoint`: the app's own verifier fetches the keys
over HTTP and then remembers the accepted token, as in production); tracing samples every request, without exporter;
logging as `service_kit.server` configures it, into /dev/null.
Its peer, in the same run and called the same way: a hello-world FastAPI endpoint (plain FastAPI, GET).

Prints, per run: CPU time of the process per request (`time.process_time`, the sender's work included: the clock
stops once the queue of usage events is empty), the hello endpoint's, and the ratio hello / eta (what the wrk
benchmark's "× hello" would be if the server, the network and the load generator cost nothing); then each part's
share of a request's CPU under cProfile with a CPU clock (a part's cumulative time over the profile's total; the
parts overlap where one calls another, e.g. the token check inside dependency solving; the last rows count a
library's or module's own code only, not what it calls). With `--rows N` (N > 1) it sends batches of N shipments to
`/v1/eta/batch` and prints rows per CPU second, with the model's share: what the rest of the request leaves for
the batch target (100,000 rows/s on one process) whatever runtime predicts. Run it twice (the cores are
shared) and compare the runs.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import logging
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastapi import FastAPI  # noqa: E402

from launcher import build  # noqa: E402
from launcher.config import load_settings  # noqa: E402

SHIPMENT = {"origin": "TX", "destination": "IL", "distance_km": 1480, "weight_kg": 12000, "mode": "ftl",
            "carrier": "swift", "pickup_at": "2026-11-24T08:00:00-06:00"}
ETA_PATH = "/api/inference/v1/eta"
BATCH_PATH = "/api/inference/v1/eta/batch"

# (label, file ending, function name): a part's share is its cumulative time over the profile's total.
PARTS: tuple[tuple[str, str, str], ...] = (
    ("the model (`TreeliteEtaModel.predict`)", "inference_bridge/domain/model/runtime.py", "predict"),
    ("the features (`features.encode`: the columns into the model's matrix)", "inference_bridge/domain/model/features.py",
     "encode"),
    ("the shipments into columns (`columns_of`)", "inference_bridge/domain/predictions.py", "columns_of"),
    ("the answer's rows (`prediction_rows`: features and model included)", "inference_bridge/domain/predictions.py",
     "prediction_rows"),
    ("a batch validated by columns (`columns_from_document`)", "inference_bridge/domain/shipment_columns.py",
     "columns_from_document"),
    ("a batch's answer from the arrays (`batch_answer`: features and model included)",
     "inference_bridge/domain/predictions.py", "batch_answer"),
    ("the body's JSON read (`json.loads`)", "json/__init__.py", "loads"),
    ("token check (`TokenVerifier.verify`)", "service_kit/auth.py", "verify"),
    ("FastAPI's dependency solving, token check included", "fastapi/dependencies/utils.py", "solve_dependencies"),
    ("request validation (`request_body_to_args`)", "fastapi/dependencies/utils.py", "request_body_to_args"),
    ("response serialisation (`serialize_response`)", "fastapi/routing.py", "serialize_response"),
    ("the usage event: building its payload (`usage_event`)", "inference_bridge/domain/predictions.py", "usage_event"),
    ("the usage event: queueing it (`publish_later`: span, envelope)", "service_kit/events/publisher.py",
     "publish_later"),
    ("the usage event: sending it (the sender's pipelined XADDs)", "service_kit/events/publisher.py", "_write"),
    # What the usage event cost before publish_later (decision 0029): an awaited XADD in a background task.
    ("the usage event: publishing it awaited (`publish`: span, envelope, XADD)", "service_kit/events/publisher.py",
     "publish"),
    ("OpenTelemetry spans: start", "opentelemetry/sdk/trace/__init__.py", "start_span"),
    ("OpenTelemetry spans: end", "opentelemetry/sdk/trace/__init__.py", "end"),
    ("the access log line (`logging`, into /dev/null)", "logging/__init__.py", "_log"),
)
# Parts measured by their own code only (tottime), not what they call: middleware wraps the whole request.
OWN_CODE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("the kit's middleware, their own code (request id, metrics, problems, HEAD)",
     ("service_kit/request_id.py", "service_kit/telemetry.py", "service_kit/problems.py", "service_kit/routing.py")),
    ("Starlette's and FastAPI's own code (routing, middleware stack, requests)", ("starlette/", "fastapi/")),
    ("pydantic (validation, models, serialisation)", ("pydantic/", "pydantic_core/")),
    ("asyncio's event loop", ("asyncio/",)),
)

Call = Callable[[], Awaitable[int]]


def asgi_call(app: FastAPI, state: dict[str, Any], method: str, path: str, body: bytes = b"",
              headers: dict[str, str] | None = None) -> Call:
    """One request as uvicorn hands it to the app (the lifespan state copied into its scope); returns the status."""
    raw_headers = [(b"host", b"bench"), *((name.lower().encode(), value.encode())
                                         for name, value in (headers or {}).items())]
    if body:
        raw_headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]

    async def call() -> int:
        scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"}, "http_version": "1.1",
                 "method": method, "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
                 "query_string": b"", "headers": raw_headers, "client": ("127.0.0.1", 50000),
                 "server": ("127.0.0.1", 8001), "state": dict(state)}
        delivered = False
        status = 0

        async def receive() -> dict[str, Any]:
            nonlocal delivered
            if delivered:
                await asyncio.sleep(3600)  # the request never disconnects while the app answers
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        await app(scope, receive, send)
        return status

    return call


class Lifespan:
    """Runs an app's lifespan (startup, and shutdown on exit) and keeps the state it yields."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.state: dict[str, Any] = {}

    async def __aenter__(self) -> Lifespan:
        self._context = self.app.router.lifespan_context(self.app)
        self.state = dict(await self._context.__aenter__() or {})
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._context.__aexit__(*exc)


def hello_app() -> FastAPI:
    app = FastAPI()

    @app.get("/hello")
    async def hello() -> dict[str, str]:
        return {"message": "hello"}

    return app


async def cpu_per_request(call: Call, requests: int, settled: Callable[[], bool] = lambda: True) -> float:
    """CPU seconds of the process per call, one call at a time, until `settled` (the queue sent) too."""
    for _ in range(5):  # warm-up: first-call caches, the token fetched and remembered
        assert await call() == 200
    while not settled():
        await asyncio.sleep(0.001)
    started = time.process_time()
    for _ in range(requests):
        status = await call()
        if status != 200:
            raise SystemExit(f"the request answered {status}: nothing to measure")
    while not settled():
        await asyncio.sleep(0)
    return (time.process_time() - started) / requests


async def profiled(call: Call, requests: int, settled: Callable[[], bool]) -> pstats.Stats:
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    for _ in range(requests):
        await call()
    while not settled():
        await asyncio.sleep(0)
    profile.disable()
    return pstats.Stats(profile)


def shares(stats: pstats.Stats) -> dict[str, float]:
    table: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = stats.stats  # type: ignore[attr-defined]
    total = sum(tottime for _, _, tottime, _, _ in table.values())
    found: dict[str, float] = {}
    for label, file_ending, function in PARTS:
        cumulative = sum(entry[3] for (file, _, name), entry in table.items()
                         if name == function and file.replace(os.sep, "/").endswith(file_ending))
        found[label] = cumulative / total
    for label, fragments in OWN_CODE:
        own = sum(entry[2] for (file, _, _), entry in table.items()
                  if any(fragment in file.replace(os.sep, "/") for fragment in fragments))
        found[label] = own / total
    return found


async def measure(model_dir: Path, requests: int, runs: int, rows: int) -> None:
    from inference_bridge.app import create_app
    from inference_bridge.domain.model import load_model
    from inference_bridge.settings import InferenceSettings
    from service_kit.logs import configure_logging
    from service_kit_testing.processes import free_port
    from service_kit_testing.redis_server import PrivateRedis
    from service_kit_testing.tokens import Tokens, jwks_endpoint

    redis_binary = os.environ.get("REDIS_SERVER_BINARY") or shutil.which("redis-server")
    if not redis_binary:
        raise SystemExit("redis-server is needed: apt-get install redis-server")
    work = Path(tempfile.mkdtemp(prefix="eta-profile-"))
    redis = PrivateRedis(binary=redis_binary, port=free_port(), directory=work)
    redis.start()
    tokens = Tokens()
    try:
        with jwks_endpoint(tokens) as auth:
            os.environ.update({"AUTH_JWKS_URL": auth.jwks_url, "AUTH_ISSUER": auth.issuer,
                               "AUTH_AUDIENCE": auth.audience})
            settings = InferenceSettings(REDIS_URL=redis.url, MODEL_DIR=str(model_dir),
                                         TRACING_SAMPLING_PROBABILITY="1.0", TRACING_ZIPKIN_ENDPOINT="")
            # As service_kit.server configures it (the access log line of every request formatted and written),
            # into /dev/null rather than this table.
            configure_logging(settings.log_format)
            handler = logging.getLogger().handlers[0]
            assert isinstance(handler, logging.StreamHandler)
            handler.setStream(open(os.devnull, "w"))  # noqa: SIM115 (open until the process ends)
            model = load_model(settings.model_dir)
            if rows == 1:
                path, body = ETA_PATH, json.dumps(SHIPMENT).encode()
            else:
                shipments = [{**SHIPMENT, "distance_km": 200 + n % 3000, "origin": ("TX", "CA", "NY")[n % 3]}
                             for n in range(rows)]
                path, body = BATCH_PATH, json.dumps({"shipments": shipments}).encode()
            headers = tokens.headers("7c9e6679-7425-40de-944b-e07fc1f90ae7", "user")
            hello = hello_app()
            call_hello = asgi_call(hello, {}, "GET", "/hello")
            print(f"POST {path}, {rows} row(s); {requests} requests a run, one at a time; CPU time of this process "
                  f"(2 shared cores; load average {os.getloadavg()[0]:.1f} at the start)\n")
            print(f"{'run':<5} {'eta CPU ms/request':>19} {'rows per CPU s':>15} {'hello CPU ms/request':>21} "
                  f"{'hello / eta':>12}")
            profiles: list[dict[str, float]] = []
            for run in range(1, runs + 1):
                app = create_app(settings, model)
                async with Lifespan(app) as lifespan:
                    publisher = lifespan.state["publisher"]
                    call_eta = asgi_call(app, lifespan.state, "POST", path, body, headers)
                    eta = await cpu_per_request(call_eta, requests, lambda: publisher.queued == 0)
                    hello_cpu = await cpu_per_request(call_hello, requests)
                    profiles.append(shares(await profiled(call_eta, requests, lambda: publisher.queued == 0)))
                    await lifespan.state["redis"].delete("platform.events")
                print(f"{run:<5} {eta * 1000:>19.3f} {rows / eta:>15,.0f} {hello_cpu * 1000:>21.3f} "
                      f"{hello_cpu / eta:>12.3f}")
            print(f"\nshare of a request's CPU under cProfile (runs {' / '.join(str(r) for r in range(1, runs + 1))})\n")
            for label in [label for label, _, _ in PARTS] + [label for label, _ in OWN_CODE]:
                figures = " / ".join(f"{profile[label] * 100:5.1f} %" for profile in profiles)
                print(f"{label:<76} {figures}")
            print(f"\nload average {os.getloadavg()[0]:.1f} at the end")
    finally:
        redis.stop()
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=400, help="requests per run and per side (400)")
    parser.add_argument("--runs", type=int, default=2, help="runs, each with a new app (2)")
    parser.add_argument("--rows", type=int, default=1, help="shipments per request: 1 for /v1/eta, more for "
                        "/v1/eta/batch (1; at most 1000)")
    parser.add_argument("--model-dir", type=Path, help="the model folder (default: the platform's, trained if none)")
    args = parser.parse_args()
    settings = load_settings()
    model_dir = args.model_dir or settings.model_dir
    build.ensure_model(settings.logs_dir, model_dir)
    asyncio.run(measure(model_dir, args.requests, args.runs, args.rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
