"""`./platform new service` end to end, in a copy of the repository: one Python and one Java service made there, the
copy started with `./platform sandbox start`, each new service called through its gateway by a signed-in user, then
their metrics captured as the repository asks of every part and the repository's whole checks suite run on the
result (compose, Dockerfiles, the Helm chart, observability, settings variables, docs).

The copy is a `git clone` of this repository (what is committed: what a user has), given what is already built here
so that only what changed is built again: the Maven modules' target/ folders, the console's dist/, the contract
tooling's node_modules, the bootstrapped tools (var/tools, linked) and uv's cache (uv's own, shared). The
clone's files are dated before those outputs, as a checkout that built them would be. It runs in the examples suite
(launcher/testing.py: example_commands), not in `./platform test python`: it builds and starts a whole platform.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from platform_sandbox.sandbox import Sandbox, start_sandbox, stop_sandbox
from platform_sandbox.users import SandboxUsers

from launcher.config import ROOT, clean_environment

PYTHON_SERVICE = "greeting-desk"
JAVA_SERVICE = "greeting-counter"
# Built here, reused by the copy (ROOT relative): copied (npm ci there would empty a linked node_modules here; with
# them copied the console build there skips its npm ci), or
# linked (only read there: the tools, the sandboxes' model).
BUILT_FOLDERS = ("console/dist", "console/node_modules", "contracts/node_modules")
LINKED_FOLDERS = ("var/tools", "var/sandboxes/model")


def run(command: list[str], cwd: Path, timeout: float = 600) -> None:
    print(f"$ {' '.join(command)}", flush=True)
    subprocess.run(command, cwd=cwd, check=True, timeout=timeout, env=clean_environment())


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A clone of this repository with what is built here; removed afterwards."""
    folder = tmp_path_factory.mktemp("new-service") / "platform"
    run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(folder)], ROOT)
    long_ago = time.time() - 24 * 3600  # before any output built here
    for path in folder.rglob("*"):
        if ".git" not in path.relative_to(folder).parts:
            os.utime(path, (long_ago, long_ago), follow_symlinks=False)
    for module in re.findall(r"<module>([^<]+)</module>", (ROOT / "pom.xml").read_text()):
        if (ROOT / module / "target").is_dir():
            shutil.copytree(ROOT / module / "target", folder / module / "target", symlinks=True)
    for relative in BUILT_FOLDERS:
        if (ROOT / relative).is_dir():
            shutil.copytree(ROOT / relative, folder / relative, symlinks=True)
    for relative in LINKED_FOLDERS:
        if (ROOT / relative).is_dir():
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            (folder / relative).symlink_to(ROOT / relative)
    yield folder
    shutil.rmtree(folder.parent, ignore_errors=True)


@pytest.fixture(scope="module")
def made(copy: Path) -> Path:
    """Both services made in the copy, the Java one and the gateway built (offline: ~/.m2 holds every dependency)."""
    run([str(copy / "platform"), "new", "service", PYTHON_SERVICE, "--lang", "python"], copy)
    run([str(copy / "platform"), "new", "service", JAVA_SERVICE, "--lang", "java"], copy)
    run([str(copy / "mvnw"), "-B", "-ntp", "-o", "-q", "-pl", f"gateway,{JAVA_SERVICE}", "-am", "package",
         "-DskipTests"], copy, timeout=900)
    # The jars built here and copied are of the same sources as the clone's: date them after its edits, so that
    # the sandbox's build step sees nothing stale (it would `clean package` every module).
    now = time.time()
    for jar in copy.glob("*/target/*.jar"):
        os.utime(jar, (now, now))
    return copy


@pytest.fixture(scope="module")
def sandbox(made: Path) -> Iterator[Sandbox]:
    started = start_sandbox(made)
    try:
        yield started
    finally:
        stop_sandbox(made, started)


@pytest.mark.parametrize("service", [PYTHON_SERVICE, JAVA_SERVICE])
def test_a_new_service_answers_through_the_gateway(sandbox: Sandbox, service: str):
    users = SandboxUsers(sandbox, notifications=False)
    try:
        user = users()
        prefix = f"{sandbox.gateway_url}/api/{service}"
        with httpx.Client(timeout=30) as http:
            info = http.get(f"{prefix}/service-info")
            assert info.status_code == 200, info.text
            assert info.json()["service"] == service

            hello = http.get(f"{prefix}/hello", params={"times": 2}, headers=user.headers)
            assert hello.status_code == 200, hello.text
            assert hello.json() == {"message": f"Hello Hello, {user.id}!", "user_id": user.id}

            anonymous = http.get(f"{prefix}/hello")
            assert anonymous.status_code == 401, anonymous.text
            assert anonymous.headers["content-type"].startswith("application/problem+json")

            bad = http.get(f"{prefix}/hello", params={"times": 9}, headers=user.headers)
            assert bad.status_code == 422, bad.text
            assert bad.headers["content-type"].startswith("application/problem+json")
            assert bad.json()["errors"][0]["pointer"] == "/query/times"
    finally:
        users.close()


def test_the_repositorys_checks_hold_for_the_new_services(sandbox: Sandbox, made: Path):
    """As its author would: capture the new parts' metrics samples from the running sandbox (checks/test_observability
    wants one of every part), then `./platform test checks`' suite."""
    python = str(made / ".venv" / "bin" / "python")
    run([python, "-m", "launcher.observability", "--capture-samples", "--data-dir", str(sandbox.data_dir),
         PYTHON_SERVICE, JAVA_SERVICE], made)
    run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "checks"], made, timeout=900)
