"""./platform generate: regenerate the committed types and the Python API client from contracts/.

  Python      contracts/types/python/src/contract_types/   pydantic v2 models (datamodel-code-generator):
                                                           events/ (envelope + payloads), websocket/ (frames),
                                                           openapi/<service>.py
  Python      contracts/clients/python/src/platform_client/ the API client, one sub-package per
                                                           openapi/<service>.yaml (openapi-python-client; the
                                                           package's __init__.py, py.typed, session.py and
                                                           registrar.py are hand-written)
  TypeScript  contracts/types/typescript/src/              openapi/<service>.ts (openapi-typescript; the console's
                                                           openapi-fetch clients are typed by them),
                                                           events/*.ts, websocket/*.ts (json-schema-to-typescript)
  all three   streams, event types, problem types,         contracts/scripts/generate_catalog.py (Python:
              WebSocket close codes                        contract_types/*.py, TypeScript: src/*.ts, Java:
                                                           types/java/src/main/java/dev/polyglot/contracts/)

The Java model classes need no command: contracts/types/java generates them at build time (jsonschema2pojo,
into target/). The output is deterministic (sorted inputs, no timestamps, pinned generators), so a re-run gives
identical bytes; the `contracts` test suite regenerates into a temporary folder through `generate()` and fails
on any difference.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from . import build
from .config import ROOT
from .console import fail, step

CONTRACTS_DIR = ROOT / "contracts"
SCRIPTS_DIR = CONTRACTS_DIR / "scripts"
# What is generated, relative to a contracts folder (contracts/, or a temporary one in the stale check).
PYTHON_PACKAGE = Path("types", "python", "src", "contract_types")
TYPESCRIPT_SOURCES = Path("types", "typescript", "src")
JAVA_CONSTANTS = Path("types", "java", "src", "main", "java", "dev", "polyglot", "contracts")
PYTHON_CLIENT = Path("clients", "python", "src", "platform_client")
# Only the sub-packages are generated: the client package's own modules beside them are hand-written.
PYTHON_CLIENT_SERVICES = tuple(PYTHON_CLIENT / document.stem
                               for document in sorted((CONTRACTS_DIR / "openapi").glob("*.yaml")))
GENERATED = (PYTHON_PACKAGE, TYPESCRIPT_SOURCES, JAVA_CONSTANTS, *PYTHON_CLIENT_SERVICES)
COMMAND = "./platform generate"


def generate(contracts_dir: Path = CONTRACTS_DIR, logs_dir: Path | None = None) -> list[Path]:
    """Write every generated file under `contracts_dir`; return the generated folders. Expects the Python
    environment synced (.venv with datamodel-code-generator and openapi-python-client); installs the npm tooling
    when needed."""
    logs_dir = logs_dir or ROOT / "var" / "logs"
    build.contracts_tooling(logs_dir)
    python = build.venv_python()
    if not Path(python).exists():
        fail(f"no {python}: run `uv sync --frozen` (./platform does it) first")
    _run([python, "-W", "ignore", str(SCRIPTS_DIR / "generate_python.py"), str(contracts_dir / PYTHON_PACKAGE)],
         "Python types (datamodel-code-generator)")
    _run([build.node_executable(), str(SCRIPTS_DIR / "generate-typescript.mjs"), str(contracts_dir / TYPESCRIPT_SOURCES)],
         "TypeScript types (openapi-typescript, json-schema-to-typescript)")
    # After the model generators: they empty their folders, and the constants import the models.
    _run([python, str(SCRIPTS_DIR / "generate_catalog.py"), str(contracts_dir / "types")],
         "constants in Python, TypeScript and Java (streams, event types, problem types, close codes)")
    _run([python, "-W", "ignore", str(SCRIPTS_DIR / "generate_python_client.py"), str(contracts_dir / PYTHON_CLIENT)],
         "the Python API client (openapi-python-client)")
    for folder in GENERATED:  # bytecode a test import may have left is not generated output
        for cache in (contracts_dir / folder).rglob("__pycache__"):
            shutil.rmtree(cache, ignore_errors=True)
    return [contracts_dir / folder for folder in GENERATED]


def _run(cmd: list[str], what: str) -> None:
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        fail(f"generating {what} failed (exit {result.returncode}):\n{result.stdout}{result.stderr}")


def main(logs_dir: Path) -> int:
    step("generating types and the Python client from contracts/")
    folders = generate(logs_dir=logs_dir)
    files = sorted(p for folder in folders for p in folder.rglob("*") if p.is_file())
    for folder in folders:
        step(f"{folder.relative_to(ROOT)}: {sum(1 for p in files if p.is_relative_to(folder))} files")
    step("done; `git status contracts/types contracts/clients` shows what changed (commit it with the contract change)")
    return 0
