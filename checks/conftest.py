"""Shared fixtures of the static checks (`pytest checks/`, run by `./platform test`).

The checks need no Docker engine: compose.yaml is loaded by compose-go (the library Docker Compose
itself is built on) through the small Go program in compose-config/, Dockerfiles are linted by
hadolint and read with compose's build args by BuildKit's own parser (docker-context/). (The contracts
are checked by the `contracts` suite: contracts/tests.)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
CHECKS_DIR = Path(__file__).resolve().parent
COMPOSE_FILE = REPO_ROOT / "compose.yaml"
COMPOSE_CONFIG_SOURCE = CHECKS_DIR / "compose-config"
DOCKER_CONTEXT_SOURCE = CHECKS_DIR / "docker-context"

GO_MISSING_HINT = (
    "`go` is not on PATH. The compose and Dockerfile checks run compose-go (Docker Compose's own loader) "
    "and BuildKit's Dockerfile parser through checks/compose-config/ and checks/docker-context/, which need "
    "Go >= 1.24: install it from https://go.dev/dl (Debian 12's golang-go package is 1.19, too old), put its "
    "bin/ on PATH and re-run `pytest checks/`."
)


def run_compose_config(binary: Path, compose_file: Path) -> subprocess.CompletedProcess[str]:
    """Load `compose_file` like `docker compose config` does; the result carries the loader's verdict.

    Interpolation sees a fixed, minimal environment rather than the caller's shell, so the checks
    judge what a fresh clone gives (the documented defaults), not a developer's exported variables.
    """
    minimal_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/")}
    return subprocess.run(
        [str(binary), "-f", str(compose_file)],
        check=False,
        capture_output=True,
        text=True,
        env=minimal_env,
        timeout=60,
    )


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


def build_go_helper(source: Path, destination: Path) -> Path:
    """Build one of the Go helpers of checks/ (Go's build cache makes later sessions fast)."""
    go = shutil.which("go")
    if go is None:
        pytest.fail(GO_MISSING_HINT, pytrace=False)
    binary = destination / source.name
    build = subprocess.run(
        [go, "build", "-o", str(binary), "."],
        cwd=source,
        check=False,
        capture_output=True,
        text=True,
        timeout=600,  # the first build downloads the libraries from the Go module proxy
    )
    if build.returncode != 0:
        pytest.fail(f"building checks/{source.name} failed:\n{build.stderr}", pytrace=False)
    return binary


@pytest.fixture(scope="session")
def compose_config_binary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """checks/compose-config, built once per session."""
    return build_go_helper(COMPOSE_CONFIG_SOURCE, tmp_path_factory.mktemp("compose-config"))


@pytest.fixture(scope="session")
def docker_context_binary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """checks/docker-context, built once per session."""
    return build_go_helper(DOCKER_CONTEXT_SOURCE, tmp_path_factory.mktemp("docker-context"))


@pytest.fixture(scope="session")
def load_compose(compose_config_binary: Path):
    """A function: compose file path -> the loader's CompletedProcess (for checks on copies)."""
    return lambda compose_file: run_compose_config(compose_config_binary, compose_file)


@pytest.fixture(scope="session")
def compose_project(compose_config_binary: Path) -> dict:
    """compose.yaml as Docker Compose sees it: interpolated, merged, normalised (canonical JSON)."""
    result = run_compose_config(compose_config_binary, COMPOSE_FILE)
    if result.returncode != 0:
        pytest.fail(f"compose.yaml does not load:\n{result.stderr}", pytrace=False)
    return json.loads(result.stdout)
