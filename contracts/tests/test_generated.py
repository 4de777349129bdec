"""contracts/types and contracts/clients: the committed Python and TypeScript types and the Python API client are
what `./platform generate` makes from the contracts today (a stale file fails with the command to run), the
TypeScript compiles, the Python models accept every valid event vector, and every client module imports."""

from __future__ import annotations

import filecmp
import importlib
import json
import pkgutil
import subprocess
from pathlib import Path

import pytest

from launcher.generate import COMMAND, CONTRACTS_DIR, GENERATED, PYTHON_CLIENT_SERVICES, generate

CONTRACTS = Path(__file__).resolve().parent.parent
NODE_BIN = CONTRACTS / "node_modules" / ".bin"


def tree(root: Path) -> dict[str, Path]:
    return {str(p.relative_to(root)): p for p in sorted(root.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("contracts")
    generate(out, logs_dir=out / "logs")  # the very code path of ./platform generate
    return out


def stale_files(committed: Path, fresh: Path) -> list[str]:
    problems = []
    for folder in GENERATED:
        old, new = tree(committed / folder), tree(fresh / folder)
        problems += [f"{folder / name}: not generated any more" for name in sorted(set(old) - set(new))]
        problems += [f"{folder / name}: missing" for name in sorted(set(new) - set(old))]
        problems += [f"{folder / name}: differs" for name in sorted(set(old) & set(new))
                     if not filecmp.cmp(old[name], new[name], shallow=False)]
    return problems


def test_generated_types_are_up_to_date(regenerated: Path) -> None:
    problems = stale_files(CONTRACTS_DIR, regenerated)
    assert not problems, (f"generated code in contracts/ is stale; run `{COMMAND}` and commit the result:\n  "
                          + "\n  ".join(problems))


def test_generation_is_deterministic(regenerated: Path, tmp_path: Path) -> None:
    generate(tmp_path, logs_dir=tmp_path / "logs")
    assert stale_files(regenerated, tmp_path) == []


def test_a_contract_edit_without_regenerating_is_caught(regenerated: Path, tmp_path: Path) -> None:
    changed = tmp_path / "contracts"
    for folder in GENERATED:
        for name, path in tree(regenerated / folder).items():
            (changed / folder / name).parent.mkdir(parents=True, exist_ok=True)
            (changed / folder / name).write_bytes(path.read_bytes())
    edited = changed / GENERATED[0] / "events" / "user_registered.py"
    edited.write_text(edited.read_text().replace("name: str", "name: int"))
    (changed / GENERATED[1] / "events" / "extra.ts").write_text("export {};\n")
    (changed / PYTHON_CLIENT_SERVICES[0] / "models" / "user.py").unlink()
    assert stale_files(changed, regenerated) == [
        "types/python/src/contract_types/events/user_registered.py: differs",
        "types/typescript/src/events/extra.ts: not generated any more",
        "clients/python/src/platform_client/auth/models/user.py: missing",
    ]


def test_typescript_compiles() -> None:
    result = subprocess.run([str(NODE_BIN / "tsc"), "--noEmit", "-p", str(CONTRACTS_DIR / "types" / "typescript")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def valid_vectors() -> list[Path]:
    return sorted((CONTRACTS / "events" / "examples").glob("*/valid/*.json"))


@pytest.mark.parametrize("path", valid_vectors(), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_python_models_round_trip_every_valid_vector(path: Path) -> None:
    from contract_types.events import PAYLOAD_MODELS, CloudEvent

    event = json.loads(path.read_text())
    envelope = CloudEvent.model_validate(event)
    payload = PAYLOAD_MODELS[event["type"]].model_validate(event["data"])
    assert envelope.model_dump(mode="json", exclude_unset=True).keys() == event.keys()
    assert payload.model_dump(mode="json", exclude_unset=True).keys() == event["data"].keys()
    assert PAYLOAD_MODELS[event["type"]].model_validate(payload.model_dump(mode="json")) == payload


def test_python_models_reject_an_unknown_member() -> None:
    from pydantic import ValidationError

    from contract_types.events import UserRegistered

    data = json.loads(valid_vectors()[-1].read_text())["data"]
    with pytest.raises(ValidationError):
        UserRegistered.model_validate({**data, "userId": "x"})


def test_python_openapi_models_import() -> None:
    from contract_types.openapi import auth, inference, notification, reporting

    assert auth.CreateUserRequest.model_fields["password"].metadata  # min length survives generation
    assert {"access_token", "refresh_token", "token_type", "expires_in"} <= set(auth.TokenResponse.model_fields)
    assert inference.EtaPrediction.model_fields["model_version"]
    assert notification.Notification and reporting.Report


def test_every_python_client_module_imports() -> None:
    """The generator says nothing when a template emits broken code (openapi-python-client#1451 did): import it all."""
    import platform_client

    modules = [name for _, name, _ in pkgutil.walk_packages(platform_client.__path__, "platform_client.")]
    for name in modules:
        importlib.import_module(name)
    assert {f"platform_client.{folder.name}.api" for folder in PYTHON_CLIENT_SERVICES} <= set(modules)
    assert "platform_client.inference.api.jobs.create_inference_job" in modules


def date_times_with_patterns() -> list[tuple[str, str, str, str]]:
    """(module, model, field, pattern) of every `format: date-time` member with a `pattern` that a generated model has
    as a field of its own: the event payloads' and the OpenAPI components' top-level members."""
    import yaml

    found = []
    for path in sorted((CONTRACTS / "events" / "schemas").glob("*.schema.json")):
        schema = json.loads(path.read_text())
        found += [("contract_types.events", schema["title"], name, member["pattern"])
                  for name, member in schema.get("properties", {}).items()
                  if member.get("format") == "date-time" and "pattern" in member]
    for path in sorted((CONTRACTS / "openapi").glob("*.yaml")):
        for model, schema in yaml.safe_load(path.read_text())["components"]["schemas"].items():
            found += [(f"contract_types.openapi.{path.stem}", model, name, member["pattern"])
                      for name, member in schema.get("properties", {}).items()
                      if member.get("format") == "date-time" and "pattern" in member]
    return found


# RFC 3339, so that only the pattern can refuse it: year 0001 (not 2000-2099) and an offset (not UTC "Z").
NOT_MATCHING = "0001-01-01T00:00:00+01:00"


@pytest.mark.parametrize(("module", "model", "field", "pattern"), date_times_with_patterns(),
                         ids=lambda value: value if "^" not in value else "")
def test_python_models_enforce_the_pattern_of_a_date_time(module: str, model: str, field: str, pattern: str) -> None:
    """datamodel-code-generator drops a pattern beside `format: date-time`; generate_python.py carries it (a pickup
    of year 0379 reached the model and was a 500)."""
    import re

    from pydantic import ValidationError

    cls = getattr(importlib.import_module(module), model)
    assert cls.model_json_schema(mode="validation")["properties"][field]["pattern"] == pattern
    assert re.search(pattern, NOT_MATCHING) is None, "pick another NOT_MATCHING: the test would prove nothing"
    with pytest.raises(ValidationError) as refused:
        cls.model_validate({field: NOT_MATCHING})
    assert [error["type"] for error in refused.value.errors() if error["loc"] == (field,)] == ["string_pattern_mismatch"]


def test_every_kind_of_date_time_pattern_is_checked() -> None:
    """The test above covers the contracts' patterns (the payloads' UTC "Z" and a pickup's years)."""
    fields = {(model, field) for _, model, field, _ in date_times_with_patterns()}
    assert {("Shipment", "pickup_at"), ("ReportFailed", "failed_at")} <= fields


def operations_with_query_parameters() -> list[tuple[str, str, list[str]]]:
    import yaml

    found = []
    for path in sorted((CONTRACTS / "openapi").glob("*.yaml")):
        for path_item in yaml.safe_load(path.read_text())["paths"].values():
            for method in ("get", "put", "post", "delete", "patch"):
                if method not in path_item:
                    continue
                operation = path_item[method]
                parameters = [*path_item.get("parameters", []), *operation.get("parameters", [])]
                names = [p["name"] for p in parameters if p.get("in") == "query"]
                if names:
                    found.append((path.stem, operation["operationId"], names))
    return found


@pytest.mark.parametrize(("document", "operation_id", "names"), operations_with_query_parameters(),
                         ids=lambda value: value if isinstance(value, str) else "")
def test_python_models_of_each_operations_query_parameters(document: str, operation_id: str, names: list[str]) -> None:
    """A service reads its query parameters as the contract's model (a page beyond the contract's maximum was a 500
    in reporting-bridge); a parameter with a default is still never null."""
    from pydantic import ValidationError

    module = importlib.import_module(f"contract_types.openapi.{document}")
    model = getattr(module, operation_id[0].upper() + operation_id[1:] + "ParametersQuery")
    assert list(model.model_fields) == names
    with pytest.raises(ValidationError) as refused:
        model.model_validate(dict.fromkeys(names))
    assert {error["loc"] for error in refused.value.errors()} == {(name,) for name in names}
