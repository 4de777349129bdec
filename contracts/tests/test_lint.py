"""The Spectral ruleset (contracts/.spectral.yaml) catches what it is meant to: the suite's lint step runs
it on the real documents; here it runs on a broken copy and must report each platform rule."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

CONTRACTS = Path(__file__).resolve().parent.parent
SPECTRAL = CONTRACTS / "node_modules" / ".bin" / "spectral"


def lint(root: Path, *documents: str) -> list[dict]:
    report = root / "spectral-report.json"
    result = subprocess.run([str(SPECTRAL), "lint", "--ruleset", str(root / ".spectral.yaml"), "--format", "json",
                             "--output", str(report), "--fail-severity", "warn", *documents],
                            cwd=root, capture_output=True, text=True)
    assert report.exists(), result.stdout + result.stderr
    return json.loads(report.read_text())


def copy_contracts(tmp_path: Path) -> Path:
    root = tmp_path / "contracts"
    for name in ("openapi", "schemas", "events", "websocket", "asyncapi", "spectral"):
        shutil.copytree(CONTRACTS / name, root / name)
    shutil.copy(CONTRACTS / ".spectral.yaml", root / ".spectral.yaml")
    return root


def test_the_contracts_lint_clean(tmp_path: Path) -> None:
    root = copy_contracts(tmp_path)
    assert lint(root, "openapi/auth.yaml", "asyncapi/platform.asyncapi.yaml") == []


def test_each_platform_rule_fires(tmp_path: Path) -> None:
    root = copy_contracts(tmp_path)
    auth = root / "openapi" / "auth.yaml"
    text = auth.read_text()
    replacements = [
        ("        refresh_expires_in:\n", "        refreshExpiresIn:\n"),  # snake_case
        ("  /api/auth/logout:\n    post:\n      operationId: logout\n", "  /api/auth/logout:\n    post:\n"),  # operationId
        ("      tags: [account]\n      summary: The signed-in user",
         "      x-status: soon\n      tags: [account]\n      summary: The signed-in user"),  # x-status
        ("              examples:\n                first-page:", "              x-examples:\n                first-page:"),
        ("            examples:\n              login:", "            x-examples:\n              login:"),  # request example
        ('        application/problem+json:\n          schema:\n            $ref: "#/components/schemas/Problem"\n'
         "          examples:\n            email-taken:",
         '        application/json:\n          schema:\n            $ref: "#/components/schemas/Problem"\n'
         "          examples:\n            email-taken:"),  # problem+json
        ("        - name: email\n", "        - name: emailContains\n"),  # query parameter case
    ]
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    auth.write_text(text)

    found = {(r["code"], ".".join(map(str, r["path"]))) for r in lint(root, "openapi/auth.yaml")}

    codes = {code for code, _ in found}
    assert {"operation-operationId", "polyglot-snake-case-properties", "polyglot-x-status",
            "polyglot-response-example", "polyglot-request-example", "polyglot-problem-json",
            "polyglot-snake-case-parameters"} <= codes, found
    assert ("polyglot-snake-case-properties", "components.schemas.TokenResponse.properties.refreshExpiresIn") in found
    assert ("polyglot-x-status", "paths./api/auth/me.get.x-status") in found
