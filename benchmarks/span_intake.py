"""A span intake for the benchmarks that measure tracing: nginx answering 202 to every POST of spans.

It takes what the services export (Zipkin v2 JSON, gzipped or not) and stores nothing, so a benchmark measures what
tracing costs the service (making, encoding and sending its spans) and not what Zipkin costs to run beside it on the
same two cores. What a real Zipkin does with them is tested by the e2e suite (e2e/test_tracing.py).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ZIPKIN_SPANS_PATH = "/api/v2/spans"


def nginx_executable() -> str:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        sys.exit("nginx is needed (apt-get install nginx)")
    return nginx


def start_span_intake(work: Path, port: int, cores: str | None = None) -> subprocess.Popen:
    """Starts the intake on 127.0.0.1:`port` (pinned to `cores` with taskset when given); returns it once it answers."""
    conf = work / "span-intake.conf"
    conf.write_text(f"""
daemon off; worker_processes 1; pid {work / 'span-intake'}.pid; error_log {work / 'span-intake'}-error.log warn;
events {{ worker_connections 1024; }}
http {{ access_log off; client_max_body_size 64m; client_body_temp_path {work / 'span-intake-body'};
  server {{ listen 127.0.0.1:{port}; location = {ZIPKIN_SPANS_PATH} {{ return 202; }} }} }}
""")
    command = [nginx_executable(), "-p", str(work), "-c", str(conf)]
    if cores is not None:
        command = ["taskset", "-c", cores, *command]
    intake = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = span_intake_url(port)
    deadline = time.monotonic() + 10
    while True:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, data=b"[]", method="POST"), timeout=2) as answer:
                if answer.status == 202:
                    return intake
        except (urllib.error.URLError, ConnectionError):
            pass
        if intake.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"the span intake (nginx) did not answer at {url}: see {work / 'span-intake-error.log'}")
        time.sleep(0.2)


def span_intake_url(port: int) -> str:
    return f"http://127.0.0.1:{port}{ZIPKIN_SPANS_PATH}"
