"""The running platform behaves as its contracts say, checked from outside by schemathesis.

For each of the four OpenAPI documents (contracts/openapi) and each role (admin, user, viewer), `st run` sends
generated requests through the gateway: examples from the contract, coverage of every constraint's edges, random
valid and invalid data, and stateful sequences (create, then read, update, delete), with every check of schemathesis
(no 5xx, status codes, content types, headers and bodies as declared, invalid data refused, valid data accepted,
405 with Allow for undeclared methods, authentication not ignored, deleted resources gone...). Any failure fails the
test, with schemathesis' report: each failure with a curl command that reproduces it.

Run by `./platform test fuzz`, which starts a platform for it (FUZZ_* variables below). The seed is fixed so that a
run repeats the previous one; set FUZZ_SEED to explore other inputs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

HERE = Path(__file__).resolve().parent
CONTRACTS = HERE.parent.parent / "contracts" / "openapi"
DOCUMENTS = ("auth", "notification", "inference", "reporting")
# Test cases per operation and phase. The admin reaches every operation; the user and the viewer are there to find
# what a role changes (403s, what a viewer may not submit), so fewer of their cases are enough. Together they keep
# the suite's run under five minutes on two cores.
MAX_EXAMPLES = {"admin": 30, "user": 10, "viewer": 10}
SEED = int(os.environ.get("FUZZ_SEED", "20261202"))
# A viewer may create no job and no report (403), so these documents' links never start a sequence for it: the
# stateful phase would only repeat failed first steps (1,368 of them, a quarter of the suite's time, measured).
WITHOUT_STATEFUL = {("inference", "viewer"), ("reporting", "viewer")}
PASSWORD = "fuzzing-passphrase-not-secret"


@dataclass(frozen=True)
class Account:
    id: str
    access_token: str


def _register_and_sign_in(gateway: httpx.Client, role: str, admin_token: str | None) -> Account:
    email = f"fuzz-{role}-{uuid.uuid4().hex[:10]}@example.com"
    registered = gateway.post("/api/auth/register", json={
        "email": email, "name": f"Fuzz {role}", "password": PASSWORD, **({"role": role} if role == "viewer" else {})})
    assert registered.status_code == 201, registered.text
    user_id = registered.json()["id"]
    if role == "admin":
        promoted = gateway.patch(f"/api/auth/users/{user_id}", json={"role": "admin"},
                                 headers={"Authorization": f"Bearer {admin_token}"})
        assert promoted.status_code == 200, promoted.text
    tokens = gateway.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert tokens.status_code == 200, tokens.text
    return Account(user_id, tokens.json()["access_token"])


@pytest.fixture(scope="session")
def gateway_url() -> str:
    url = os.environ.get("GATEWAY_URL")
    if not url:
        pytest.fail("GATEWAY_URL is not set: run `./platform test fuzz`, or set it to a running platform's gateway")
    return url.rstrip("/")


@pytest.fixture(scope="session")
def accounts(gateway_url: str) -> dict[str, Account]:
    """One account per role, made for the run (the bootstrap admin only promotes the fuzzing admin)."""
    with httpx.Client(base_url=gateway_url, timeout=10) as gateway:
        bootstrap = gateway.post("/api/auth/login", json={"email": os.environ["FUZZ_ADMIN_EMAIL"],
                                                          "password": os.environ["FUZZ_ADMIN_PASSWORD"]})
        assert bootstrap.status_code == 200, bootstrap.text
        bootstrap_token = bootstrap.json()["access_token"]
        return {role: _register_and_sign_in(gateway, role, bootstrap_token) for role in MAX_EXAMPLES}


@pytest.mark.parametrize("role", list(MAX_EXAMPLES))
@pytest.mark.parametrize("document", DOCUMENTS)
def test_the_platform_behaves_as_its_contract_says(document: str, role: str, accounts: dict[str, Account],
                                                     gateway_url: str, tmp_path: Path) -> None:
    report_dir = Path(os.environ.get("FUZZ_REPORT_DIR", tmp_path)) / f"{document}-{role}"
    command = [str(Path(sys.executable).with_name("st")), "--config-file", str(HERE / "schemathesis.toml"),
               "run", str(CONTRACTS / f"{document}.yaml"), "--url", gateway_url,
               "--max-examples", str(MAX_EXAMPLES[role]), "--seed", str(SEED),
               "--report", "junit,ndjson", "--report-dir", str(report_dir), "--no-color"]
    if (document, role) in WITHOUT_STATEFUL:
        command += ["--phases", "examples,coverage,fuzzing"]
    report_dir.mkdir(parents=True, exist_ok=True)
    environment = {**os.environ, "FUZZ_TOKEN": accounts[role].access_token, "SCHEMATHESIS_HOOKS": str(HERE / "hooks.py"),
                   "FUZZ_PROTECTED_IDS": ",".join(account.id for account in accounts.values())}
    started = time.monotonic()
    result = subprocess.run(command, cwd=report_dir, env=environment, capture_output=True, text=True, timeout=600)
    seconds = time.monotonic() - started
    summary = result.stdout.strip().splitlines()
    print(f"{document} as {role}: {seconds:.0f} s, exit {result.returncode}; " + " | ".join(summary[-3:]))
    assert result.returncode == 0, (
        f"schemathesis found contract violations in {document}.yaml as {role} (reports in {report_dir}):\n"
        + "\n".join(summary[-250:]) + result.stderr[-2000:])
