"""No credential in any log line: the scan run after every suite that starts a platform (e2e, chaos, fuzz).

The tests of such a suite record every credential their traffic carried (`CredentialRecorder`, one per line in the
file named by PLATFORM_CREDENTIALS_FILE): passwords sent, access and refresh tokens and WebSocket tickets received.
After the platform stopped, `scan` reads every part's log for them, and for anything shaped like a signed token
(a JWS in compact form: a token the Java e2e tests used, or one no test recorded), and reports where, never what.

Random credentials (refresh tokens, tickets) are URL-safe Base64 and so are most test passwords: a log line is cut
into runs of those characters and each run looked up in a set, one pass whatever the number of credentials (a
chaos run records thousands). A credential with other characters is looked for as a substring, line by line.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the launcher is standard library only; the recorder runs in the tests' venv, with httpx
    import httpx

CREDENTIALS_FILE_VARIABLE = "PLATFORM_CREDENTIALS_FILE"
# Shorter strings are words that turn up in any log ("short" was a refused password): too short to tell apart.
MIN_LENGTH = 8
TOKEN_CHARACTERS = re.compile(r"[A-Za-z0-9_-]+")
RUN_PATTERN = re.compile(rf"[A-Za-z0-9_-]{{{MIN_LENGTH},}}")
# A JWS in compact form: base64url(JSON header) . base64url(JSON payload) . signature; both JSON parts start "eyJ".
SIGNED_TOKEN = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}")
# JSON fields of the platform's requests and answers that carry a credential (contracts/openapi).
CREDENTIAL_FIELDS = frozenset({"password", "current_password", "new_password", "access_token", "refresh_token",
                               "ticket"})


@dataclass(frozen=True)
class Finding:
    log: Path
    line_number: int
    what: str  # "a recorded credential (28 characters)" or "a signed token"; never the credential itself

    def __str__(self) -> str:
        return f"{self.log}:{self.line_number}: {self.what}"


def read_credentials(path: Path) -> set[str]:
    if not path.exists():
        return set()
    return {line for line in path.read_text().splitlines() if len(line) >= MIN_LENGTH}


def scan(logs_dir: Path, credentials: Iterable[str]) -> list[Finding]:
    """Every line of every `*.log` under `logs_dir` that holds one of `credentials` or a signed token."""
    secrets = {c for c in credentials if len(c) >= MIN_LENGTH}
    runs = {c for c in secrets if TOKEN_CHARACTERS.fullmatch(c)}
    others = secrets - runs
    findings = []
    for log in sorted(logs_dir.rglob("*.log")):
        with log.open(errors="replace") as lines:
            for number, line in enumerate(lines, start=1):
                what = _credential_in(line, runs, others)
                if what:
                    findings.append(Finding(log, number, what))
    return findings


def _credential_in(line: str, runs: set[str], others: set[str]) -> str:
    if SIGNED_TOKEN.search(line):
        return "a signed token"
    for run in RUN_PATTERN.findall(line):
        if run in runs:
            return f"a recorded credential ({len(run)} characters)"
    for secret in others:
        if secret in line:
            return f"a recorded credential ({len(secret)} characters)"
    return ""


class CredentialRecorder:
    """Appends the credentials an httpx client's traffic carries to PLATFORM_CREDENTIALS_FILE (nothing when unset):
    install `on_request`/`on_response` as the client's event hooks, or call `record` with what a test sent by other
    means."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._seen: set[str] = set()

    @classmethod
    def from_environment(cls) -> CredentialRecorder:
        value = os.environ.get(CREDENTIALS_FILE_VARIABLE)
        return cls(Path(value) if value else None)

    def record(self, *credentials: str) -> None:
        new = [c for c in credentials if isinstance(c, str) and c and c not in self._seen and "\n" not in c]
        if self.path is None or not new:
            return
        self._seen.update(new)
        with self.path.open("a") as out:
            out.writelines(c + "\n" for c in new)

    def on_request(self, request: httpx.Request) -> None:
        authorization = request.headers.get("Authorization", "")
        if authorization.lower().startswith("bearer "):
            self.record(authorization[7:].strip())
        if "json" in request.headers.get("Content-Type", ""):
            self.record(*_credential_fields(_json(request.content)))

    def on_response(self, response: httpx.Response) -> None:
        if "json" not in response.headers.get("Content-Type", ""):
            return  # a stream (SSE), a download: no credential there, and it must stay unread
        response.read()
        self.record(*_credential_fields(_json(response.content)))

    def hooks(self) -> dict[str, list]:
        """httpx event hooks: `httpx.Client(event_hooks=recorder.hooks())`."""
        return {"request": [self.on_request], "response": [self.on_response]}


def _json(body: bytes) -> object:
    try:
        return json.loads(body)
    except ValueError:
        return None


def _credential_fields(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in CREDENTIAL_FIELDS and isinstance(item, str):
                yield item
            else:
                yield from _credential_fields(item)
    elif isinstance(value, list):
        for item in value:
            yield from _credential_fields(item)
