"""inference-bridge figures: single-prediction requests/s and p99, direct and through the gateway; batch rows/s;
and, in the same run, a hello-world FastAPI endpoint on the same server settings (the seed article's
"~12,000 req/s with 4 workers" figure), reported as ratios.

A third server in the same run is the floor under a single prediction: the contract's `Shipment` validated, the
same model and the same answer (inference-bridge's own `columns_of` and `prediction_rows`), on plain FastAPI with
nothing of the platform: no token check, no middleware, no spans, no metrics, no usage event. What separates
inference-bridge from that row is what the platform adds per request; what separates that row from hello world is
FastAPI's validation and serialisation of the contract's types and the model.

    python3 benchmarks/inference_throughput.py [--seconds 10] [--connections 8]

Starts a whole platform on free ports exactly as `./platform test e2e` does (launcher, private Redis and
data folder; the Java jars and the model are built if missing), registers a user, and drives it with wrk
(one thread; `apt-get install wrk`). The hello-world app is plain FastAPI served by uvicorn with the settings
service_kit.run uses (one process, uvloop/httptools, no access log). Every server here is one process: the
figures are per uvicorn worker, on a machine whose 2 cores also run wrk, Redis and three JVMs. Run it twice.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.record import add_record_option, write_record  # noqa: E402
from launcher import build  # noqa: E402
from launcher.config import REDIS, SERVICES, free_port, load_settings  # noqa: E402
from launcher.supervisor import Supervisor  # noqa: E402
from launcher.testing import clean_environment  # noqa: E402

SHIPMENT = {"origin": "TX", "destination": "IL", "distance_km": 1480, "weight_kg": 12000, "mode": "ftl",
            "carrier": "swift", "pickup_at": "2026-11-24T08:00:00-06:00"}
BATCH_ROWS = 1000
HELLO_APP = '''
from fastapi import FastAPI
import uvicorn

app = FastAPI()


@app.get("/hello")
async def hello() -> dict[str, str]:
    return {"message": "hello"}


if __name__ == "__main__":
    import sys
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_config=None, access_log=False, server_header=False)
'''

# The floor under a single prediction: inference-bridge's validation, model and answer without the platform.
MODEL_ONLY_APP = '''
import sys
from pathlib import Path

import uvicorn
from contract_types.openapi.inference import EtaPrediction, Shipment
from fastapi import FastAPI
from inference_bridge.domain.model import load_model
from inference_bridge.domain.predictions import columns_of, prediction_rows

model = load_model(Path(sys.argv[2]))
app = FastAPI()


@app.post("/eta", response_model=EtaPrediction)
async def eta(shipment: Shipment) -> EtaPrediction:
    (row,) = prediction_rows(model, columns_of([shipment]))
    return row


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_config=None, access_log=False, server_header=False)
'''
HELLO = "hello world (plain FastAPI, GET)"
MODEL_ONLY = "eta on plain FastAPI (the floor)"


def wrk(url: str, *, seconds: int, connections: int, body: dict | None = None, token: str | None = None) -> dict:
    """requests/s and latency percentiles (ms) of `url` under wrk (POST `body` as JSON when given)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        if body is not None:
            script.write(f"wrk.method = 'POST'\nwrk.body = [==[{json.dumps(body)}]==]\n"
                         "wrk.headers['Content-Type'] = 'application/json'\n")
        if token:
            script.write(f"wrk.headers['Authorization'] = 'Bearer {token}'\n")
        script.write(textwrap.dedent("""
            local failures = 0
            response = function(status, headers, body) if status ~= 200 then failures = failures + 1 end end
            done = function(summary, latency, requests)
              io.write(string.format("non_2xx_or_errors %d\\n", summary.errors.status + summary.errors.connect
                + summary.errors.read + summary.errors.write + summary.errors.timeout))
              for _, p in pairs({50, 99}) do io.write(string.format("p%d_us %d\\n", p, latency:percentile(p))) end
            end
        """))
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name, url],
                         capture_output=True, text=True, check=True).stdout
    Path(script.name).unlink()
    figures = {"requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
               "p50_ms": int(re.search(r"p50_us (\d+)", out).group(1)) / 1000,
               "p99_ms": int(re.search(r"p99_us (\d+)", out).group(1)) / 1000,
               "errors": int(re.search(r"non_2xx_or_errors (\d+)", out).group(1))}
    return figures


def post_json(url: str, body: dict, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10, help="per measurement (10)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections for single predictions (8)")
    add_record_option(parser)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    work = Path(tempfile.mkdtemp(prefix="inference-bench-"))
    ports = {part.name: free_port() for part in (REDIS, *SERVICES)}
    # One benchmark user sends thousands of requests a minute: lift the gateway's per-user limit (the limiter still
    # counts every request in Redis, so its cost stays in the figure), or the rows measure 429 answers.
    environ = {**clean_environment(), "RATE_LIMIT_SIGNED_IN": "1000000000", "RATE_LIMIT_SIGN_IN": "1000000"}
    settings = load_settings(data_dir=work / "platform", ports=ports, environ=environ)
    build.sync_python(settings.logs_dir)
    build.build_java(settings.logs_dir)
    build.ensure_model(settings.logs_dir, settings.model_dir)
    supervisor = Supervisor(settings)
    hello_port = free_port()
    hello_script = work / "hello_app.py"
    hello_script.write_text(HELLO_APP)
    hello = subprocess.Popen([build.venv_python(), str(hello_script), str(hello_port)])
    model_only_port = free_port()
    model_only_script = work / "model_only_app.py"
    model_only_script.write_text(MODEL_ONLY_APP)
    model_only = subprocess.Popen([build.venv_python(), str(model_only_script), str(model_only_port),
                                   str(settings.model_dir)])
    results: dict[str, dict] = {}
    try:
        supervisor.start_platform()
        gateway = f"http://127.0.0.1:{ports['gateway']}"
        direct = f"http://127.0.0.1:{ports['inference-bridge']}"
        email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
        post_json(f"{gateway}/api/auth/register", {"email": email, "name": "Bench", "password": "correct-horse-battery-staple"})
        token = post_json(f"{gateway}/api/auth/login", {"email": email, "password": "correct-horse-battery-staple"})["access_token"]
        wait_for(f"http://127.0.0.1:{hello_port}/hello")
        wait_for(f"http://127.0.0.1:{model_only_port}/docs")
        model_only_url = f"http://127.0.0.1:{model_only_port}/eta"
        post_json(model_only_url, SHIPMENT)  # answers 200, or stops the run here rather than measure errors
        batch = {"shipments": [{**SHIPMENT, "distance_km": 200 + i} for i in range(BATCH_ROWS)]}
        for url in (f"{direct}/api/inference/v1/eta", f"{gateway}/api/inference/v1/eta"):  # warm-up (JIT, caches)
            wrk(url, seconds=3, connections=args.connections, body=SHIPMENT, token=token)
        wrk(f"http://127.0.0.1:{hello_port}/hello", seconds=2, connections=args.connections)
        wrk(model_only_url, seconds=2, connections=args.connections, body=SHIPMENT)

        measure = {"seconds": args.seconds, "connections": args.connections}
        results[HELLO] = wrk(f"http://127.0.0.1:{hello_port}/hello", **measure)
        results[MODEL_ONLY] = wrk(model_only_url, body=SHIPMENT, **measure)
        results["eta, direct"] = wrk(f"{direct}/api/inference/v1/eta", body=SHIPMENT, token=token, **measure)
        results["eta, through the gateway"] = wrk(f"{gateway}/api/inference/v1/eta", body=SHIPMENT, token=token,
                                                  **measure)
        results[f"eta/batch of {BATCH_ROWS}, direct"] = wrk(f"{direct}/api/inference/v1/eta/batch", body=batch,
                                                            token=token, seconds=args.seconds, connections=2)
    finally:
        for server in (hello, model_only):
            server.terminate()
            server.wait()
        supervisor.stop_all()
        shutil.rmtree(work, ignore_errors=True)

    hello_rps = results[HELLO]["requests_per_second"]
    print(f"\none process per server, wrk -t1, {args.seconds} s each; 2 shared cores\n")
    print(f"{'what':<34} {'req/s':>9} {'rows/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'x hello':>8} {'errors':>6}")
    for name, figures in results.items():
        rows = figures["requests_per_second"] * (BATCH_ROWS if "batch" in name else 1)
        print(f"{name:<34} {figures['requests_per_second']:>9,.0f} {rows:>9,.0f} {figures['p50_ms']:>8.2f} "
              f"{figures['p99_ms']:>8.2f} {figures['requests_per_second'] / hello_rps:>8.3f} {figures['errors']:>6}")
    single = results["eta, direct"]["requests_per_second"]
    write_record(args.record, "inference_throughput.py",
                 {"predictions_per_second_per_process": round(single),
                  "batch_rows_per_second_per_process": round(
                      results[f"eta/batch of {BATCH_ROWS}, direct"]["requests_per_second"] * BATCH_ROWS)},
                 {"name": "hello-world FastAPI endpoint", "ratio": round(single / hello_rps, 3)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
