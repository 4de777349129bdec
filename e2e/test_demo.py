"""`./platform demo` for real, through the gateway of the e2e platform.

Every step's logic, and its failures, are also tested against a fake gateway in launcher/tests/test_demo.py.
"""

import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_demo_registers_and_signs_in_through_the_gateway(gateway_url, tmp_path):
    result = subprocess.run([sys.executable, "-m", "launcher.demo", "--gateway", gateway_url, "--only", "register,login",
                             "--download-dir", str(tmp_path), "--trace-ui", ""], cwd=ROOT, capture_output=True, text=True, timeout=120)
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout + result.stderr
    assert lines[0] == f"Walking through the platform at {gateway_url} (2 steps)"
    assert lines[1] == "[1/2] Register a new account"
    assert lines[2].startswith("      ok (") and ", role user, id " in lines[2]
    assert lines[3] == "[2/2] Sign in and check who we are"
    assert "/api/auth/me says Demo User <demo-" in lines[4]
    assert lines[-1] == "Every step worked (2 of 2)."


def test_every_step_of_the_demo_works_through_the_gateway(gateway_url, zipkin, tmp_path):
    trace_ui = str(zipkin.base_url).rstrip("/") + "/zipkin"
    result = subprocess.run([sys.executable, "-m", "launcher.demo", "--gateway", gateway_url,
                             "--download-dir", str(tmp_path), "--trace-ui", trace_ui], cwd=ROOT, capture_output=True, text=True, timeout=300)
    output = result.stdout
    assert result.returncode == 0, output + result.stderr
    assert re.search(r"1480 km TX → IL by ftl \(swift\): \d+(\.\d+)? h in transit, arriving around \S+Z, "
                     r"delay risk \d+\.\d %", output), output
    assert re.search(r"connected as user, subscribed to broadcast, user:[0-9a-f-]{36}", output), output
    assert re.search(r"uploaded a CSV of 3 shipments: job [0-9a-f-]{36} is queued \(3 shipments\)", output), output
    assert re.search(r"inference\.job\.completed: 3 of 3 predicted in \d+ ms", output), output
    assert re.search(r"its result \(/api/inference/v1/jobs/[0-9a-f-]{36}/result\): (\d+(\.\d+)? h(, )?){3}", output), output
    assert re.search(r"report\.ready: 1 rows, formats csv, xlsx, json, png", output), output
    assert re.search(r"\| \d{4}-\d{2}-\d{2},\d+,[1-9]\d*,", output), "the report's CSV counts our predictions: " + output
    [png] = tmp_path.glob("report-*.png")
    assert png.read_bytes().startswith(b"\x89PNG")
    assert output.splitlines()[-1] == "Every step worked (8 of 8)."

    # Each step printed its trace's link, and the UI holds the traces: the job's reaches the WebSocket send.
    links = re.findall(rf"^      trace: {re.escape(trace_ui)}/traces/([0-9a-f]{{32}})$", output, re.MULTILINE)
    assert len(links) == 8 and links[4] == links[5], output
    deadline = time.monotonic() + 60
    while not {"auth-service", "inference-worker", "notification-service"} <= services_in(zipkin, links[0], links[4]):
        assert time.monotonic() < deadline, f"the demo's traces {links[0]}, {links[4]} are not in the trace UI"
        time.sleep(1)


def services_in(zipkin, *trace_ids: str) -> set[str]:
    found = set()
    for trace_id in trace_ids:
        answer = zipkin.get(f"/api/v2/trace/{trace_id}")
        if answer.status_code == 200:
            found |= {span["localEndpoint"]["serviceName"] for span in answer.json()}
    return found


def test_the_demo_says_which_step_failed_and_why(gateway_url, tmp_path):
    # A login the platform refuses: the step fails with the problem's detail, and the exit code says so.
    from launcher.demo import Demo

    output: list[str] = []
    demo = Demo(gateway_url, out=output.append, download_dir=tmp_path)
    demo.state.email, demo.state.password = "nobody-e2e@example.com", "not-the-password-of-anyone"
    assert demo.run(only=["login"]) == 1
    assert output[-1].startswith("The demo stopped at step 1 (login): POST /api/auth/login answered 401 Unauthorized: ")
    assert len(output[-1]) > len("The demo stopped at step 1 (login): POST /api/auth/login answered 401 Unauthorized: ")
