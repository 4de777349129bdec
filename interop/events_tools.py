"""The two languages' events tools as commands: the same CLI (publish/consume), each over its own backbone.

Java: dev.polyglot.servicekit.events.tool.EventsTool, run from java-service-kit's build output (the
classpath file is written by `./mvnw package`). Python: `python -m service_kit.events` in the workspace venv.
Used by the interop tests and by benchmarks/events_throughput.py, so both exercise the shipped code paths.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from datetime import UTC, datetime
from pathlib import Path

from launcher.config import REDIS_TOPOLOGY_VARIABLES

ROOT = Path(__file__).resolve().parent.parent
KIT_TARGET = ROOT / "java-service-kit" / "target"
CLASSPATH_FILE = KIT_TARGET / "runtime-classpath.txt"
JAVA_TOOL_CLASS = "dev.polyglot.servicekit.events.tool.EventsTool"
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"


class ToolMissing(RuntimeError):
    pass


def java_command() -> list[str]:
    if not CLASSPATH_FILE.exists() or not (KIT_TARGET / "classes").is_dir():
        raise ToolMissing(f"{CLASSPATH_FILE.relative_to(ROOT)} is missing: build the Java side first "
                          "(./mvnw -pl java-service-kit -am package -DskipTests)")
    java_home = os.environ.get("JAVA_HOME")
    java = str(Path(java_home) / "bin" / "java") if java_home else (shutil.which("java") or "java")
    classpath = f"{KIT_TARGET / 'classes'}:{CLASSPATH_FILE.read_text().strip()}"
    return [java, "-cp", classpath, JAVA_TOOL_CLASS]


def python_command() -> list[str]:
    if not VENV_PYTHON.exists():
        raise ToolMissing(".venv is missing: run `uv sync --all-packages` (./platform test does)")
    return [str(VENV_PYTHON), "-m", "service_kit.events"]


LANGUAGES = {"java": java_command, "python": python_command}
# A tool is told its Redis by its flags alone (--redis-url or --redis-cluster-nodes), never by a variable of the
# test's environment (the suites set REDIS_CLUSTER_NODES for the tests that read it).
REDIS_CONNECTION_VARIABLES = ("REDIS_URL", *REDIS_TOPOLOGY_VARIABLES)


def tool_environment(env: dict[str, str] | None) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if k not in REDIS_CONNECTION_VARIABLES}
    return {**inherited, **(env or {})}


def run_tool(language: str, args: list[str], timeout: float = 300, env: dict[str, str] | None = None) -> dict:
    """Runs a tool to completion (with `env` added to this process's environment); returns the JSON summary it prints
    last."""
    result = subprocess.run([*LANGUAGES[language](), *args], cwd=ROOT, capture_output=True, text=True,
                            timeout=timeout, env=tool_environment(env))
    if result.returncode != 0:
        raise RuntimeError(f"{language} events tool {args[0]} failed (exit {result.returncode}):\n"
                           f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def start_tool(language: str, args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen([*LANGUAGES[language](), *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=tool_environment(env))


def finish_tool(process: subprocess.Popen, language: str, timeout: float = 300) -> dict:
    stdout, stderr = process.communicate(timeout=timeout)
    if process.returncode != 0:
        raise RuntimeError(f"{language} events tool failed (exit {process.returncode}):\n"
                           f"{stdout[-2000:]}\n{stderr[-4000:]}")
    return json.loads(stdout.strip().splitlines()[-1])


def broadcast_data(message: str) -> str:
    """A `notification.broadcast` payload valid for its schema in contracts/events, as --data-json."""
    return json.dumps({"broadcast_id": str(uuid.uuid4()), "message": message, "severity": "info",
                       "sent_by": str(uuid.uuid4()), "sent_at": datetime.now(UTC).isoformat().replace("+00:00", "Z")})
