"""Generate the Python API client platform_client.<service> from contracts/openapi/<service>.yaml (run by
`./platform generate`).

Usage: .venv/bin/python contracts/scripts/generate_python_client.py <package dir>
       (e.g. contracts/clients/python/src/platform_client)

Writes <package dir>/<service>/ for auth, inference, notification and reporting with openapi-python-client
(`--meta none`: the package only, no project files), configured by python-client/config.yaml and patched by the
templates in python-client/templates/ (each says why). Everything else in <package dir> (__init__.py, py.typed,
session.py, registrar.py) is hand-written and left alone. Deterministic: sorted inputs, no timestamps, ruff pinned
and isolated.

Each document is bundled first: openapi-python-client 0.29.1 cannot follow the `../schemas/*.json` references
(it crashes), so the shared schemas are inlined as for the pydantic models, and the non-JSON response bodies are
marked binary. After generating, pyflakes' rules (ruff) must find no undefined name: the generator reports nothing
when a template emits one (that is how openapi-python-client#1451 shows), and the module would fail on import.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from generate_python import CONTRACTS, bundle_openapi

SETTINGS = Path(__file__).resolve().parent / "python-client"
BIN = Path(sys.executable).parent  # the workspace's .venv/bin: openapi-python-client and the pinned ruff
JSON_OR_STREAM = ("application/json", "application/problem+json", "text/event-stream")


def mark_binary_responses(document: dict) -> dict:
    """Every response body that is neither JSON nor an event stream (CSV, XLSX, PNG) becomes `format: binary`,
    so that with config.yaml's content_type_overrides the client returns it as bytes (types.File), not as str."""
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            for response in operation.get("responses", {}).values():
                for media_type, body in (response.get("content") or {}).items():
                    schema = body.get("schema", {})
                    if media_type not in JSON_OR_STREAM and schema.get("type") == "string":
                        body["schema"] = {**schema, "format": "binary"}
    return document


def run(cmd: list[str], cwd: Path | None = None) -> None:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}  # the hooks call `ruff`
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:2])} failed ({result.returncode}):\n{result.stdout}{result.stderr}")


def generate(package_dir: Path) -> None:
    package_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        for document_path in sorted((CONTRACTS / "openapi").glob("*.yaml")):
            service = document_path.stem
            bundled = Path(scratch) / document_path.name
            bundled.write_text(yaml.safe_dump(mark_binary_responses(bundle_openapi(document_path)), sort_keys=False))
            output = package_dir / service
            shutil.rmtree(output, ignore_errors=True)
            run([str(BIN / "openapi-python-client"), "generate", "--path", str(bundled), "--meta", "none",
                 "--output-path", str(output), "--config", str(SETTINGS / "config.yaml"),
                 "--custom-template-path", str(SETTINGS / "templates"), "--fail-on-warning"])
    services = [package_dir / p.stem for p in sorted((CONTRACTS / "openapi").glob("*.yaml"))]
    run([str(BIN / "ruff"), "check", "--isolated", "--no-cache", "--select", "F821,F822,F823",
         *map(str, services)])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    generate(Path(sys.argv[1]).resolve())
