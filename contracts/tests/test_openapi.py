"""contracts/openapi: every OpenAPI document is valid OpenAPI 3.1, every $ref (across files too) resolves,
every operation shows examples, every example (request and response) is valid against its own schema,
DESIGN.md's HTTP table is covered, and only what no service serves yet is marked `x-status: planned`."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag

import pytest
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

CONTRACTS = Path(__file__).resolve().parent.parent
OPENAPI_DOCUMENTS = {
    "auth": "/api/auth/",
    "notification": "/api/notifications/",
    "inference": "/api/inference/",
    "reporting": "/api/reports/",
    "operations": "/api/operations/",
}
SHARED_SCHEMAS = ["problem.schema.json", "service-info.schema.json"]
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
PROBLEM_MEDIA_TYPE = "application/problem+json"


@cache
def load_document(path: Path) -> Any:
    text = path.read_text()
    return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)


def resolve_pointer(document: Any, pointer: str) -> Any:
    """RFC 6901 JSON Pointer (as used in a $ref fragment) into a loaded document."""
    node = document
    tokens = pointer.split("/")[1:] if pointer else []
    for escaped in tokens:
        token = unquote(escaped).replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def references(node: Any, where: str = "#") -> Iterator[tuple[str, str]]:
    """(location, $ref value) for every $ref in a document. Example values are data, not schema."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield where, value
            elif key == "example" or (key == "examples" and isinstance(value, list)):
                continue  # an OpenAPI `example` or a JSON Schema `examples` list: plain data
            elif key == "examples" and isinstance(value, dict):
                # OpenAPI Example Objects: their `value` is data, but the object itself may be a $ref.
                for name, example in value.items():
                    if isinstance(example, dict) and "$ref" in example:
                        yield f"{where}/examples/{name}", example["$ref"]
            else:
                yield from references(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from references(item, f"{where}/{index}")


def unresolved_references(start: Path) -> list[str]:
    """Follow every $ref from `start`, into other files too; list those that lead nowhere."""
    problems: list[str] = []
    visited: set[Path] = set()
    pending = [start.resolve()]
    while pending:
        path = pending.pop()
        if path in visited:
            continue
        visited.add(path)
        for location, reference in references(load_document(path)):
            target_file, fragment = urldefrag(reference)
            target = (path.parent / target_file).resolve() if target_file else path
            if "://" in target_file:
                problems.append(f"{path.name}{location}: remote $ref {reference!r} (keep contracts self-contained)")
                continue
            if not target.is_file():
                problems.append(f"{path.name}{location}: {reference!r}: no file {target}")
                continue
            try:
                resolve_pointer(load_document(target), fragment)
            except (KeyError, IndexError, ValueError, TypeError):
                problems.append(f"{path.name}{location}: {reference!r}: no {fragment!r} in {target.name}")
                continue
            pending.append(target)
    return problems


def operations(document: dict) -> Iterator[tuple[str, str, dict]]:
    for path, path_item in document.get("paths", {}).items():
        for method, operation in path_item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def media_types(document: dict, operation: dict) -> Iterator[tuple[str, str, dict]]:
    """(status, media type, Media Type Object) of every response, following response $refs."""
    for status, response in operation.get("responses", {}).items():
        if "$ref" in response:
            response = resolve_pointer(document, urldefrag(response["$ref"])[1])
        for media_type, media in response.get("content", {}).items():
            yield status, media_type, media


def request_media_types(operation: dict) -> Iterator[tuple[str, str, dict]]:
    for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
        yield "request", media_type, media


def example_values(media: dict) -> list[Any]:
    values = [example["value"] for example in media.get("examples", {}).values() if "value" in example]
    return values + ([media["example"]] if "example" in media else [])


def file_registry() -> Registry:
    """Lets jsonschema follow relative $refs between the contract files (file:// URIs)."""

    def retrieve(uri: str) -> Resource:
        path = Path(unquote(uri.removeprefix("file://")))
        return Resource.from_contents(load_document(path), default_specification=DRAFT202012)

    return Registry(retrieve=retrieve)


def document_path(name: str) -> Path:
    return CONTRACTS / "openapi" / f"{name}.yaml"


@pytest.mark.parametrize("name", sorted(OPENAPI_DOCUMENTS))
def test_document_is_valid_openapi_3_1(name: str) -> None:
    path = document_path(name)
    document = load_document(path)
    assert str(document.get("openapi", "")).startswith("3.1."), "contracts are OpenAPI 3.1"
    validate_openapi(document, base_uri=path.resolve().as_uri())


@pytest.mark.parametrize("name", sorted(OPENAPI_DOCUMENTS))
def test_every_reference_resolves(name: str) -> None:
    assert unresolved_references(document_path(name)) == []


@pytest.mark.parametrize("name", sorted(OPENAPI_DOCUMENTS))
def test_paths_stay_under_the_service_prefix(name: str) -> None:
    for path, _, _ in operations(load_document(document_path(name))):
        prefix = OPENAPI_DOCUMENTS[name]
        assert path.startswith(prefix) or path == prefix.rstrip("/"), f"{path}: the gateway routes {prefix}**"


@pytest.mark.parametrize("name", sorted(OPENAPI_DOCUMENTS))
def test_every_operation_has_an_id_examples_and_problem_errors(name: str) -> None:
    document = load_document(document_path(name))
    operation_ids = []
    for path, method, operation in operations(document):
        where = f"{method.upper()} {path}"
        operation_ids.append(operation.get("operationId"))
        described = list(media_types(document, operation))
        assert described, f"{where}: describe the responses"
        for status, media_type, media in [*described, *request_media_types(operation)]:
            assert example_values(media), f"{where} {status} {media_type}: add an example"
        error_media_types = {media_type for status, media_type, _ in described if not status.startswith(("2", "3"))}
        assert error_media_types == {PROBLEM_MEDIA_TYPE}, f"{where}: errors are {PROBLEM_MEDIA_TYPE}"
    assert operation_ids and None not in operation_ids and len(set(operation_ids)) == len(operation_ids)


@pytest.mark.parametrize("name", sorted(OPENAPI_DOCUMENTS))
def test_problem_responses_use_the_shared_problem_schema(name: str) -> None:
    document = load_document(document_path(name))
    assert document["components"]["schemas"]["Problem"] == {"$ref": "../schemas/problem.schema.json"}


def example_errors(path: Path) -> list[str]:
    """Every example of every response that its own schema rejects, with where it is."""
    path = path.resolve()
    document = load_document(path)
    registry = file_registry()
    found = []
    for api_path, method, operation in operations(document):
        for status, media_type, media in [*request_media_types(operation), *media_types(document, operation)]:
            # Validate against the schema where it stands in the document, so relative $refs resolve.
            schema = {"$ref": path.as_uri() + "#" + _pointer_to(document, media["schema"])}
            validator = Draft202012Validator(
                schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
            )
            for example in example_values(media):
                found += [
                    f"{method.upper()} {api_path} {status} {media_type}: {e.message}"
                    for e in validator.iter_errors(example)
                ]
    return found


@pytest.mark.parametrize("name", sorted(OPENAPI_DOCUMENTS))
def test_every_example_matches_its_schema(name: str) -> None:
    assert example_errors(document_path(name)) == []


@pytest.mark.parametrize("schema_file", SHARED_SCHEMAS)
def test_shared_schemas_are_valid_json_schema_2020_12(schema_file: str) -> None:
    schema = load_document(CONTRACTS / "schemas" / schema_file)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    assert unresolved_references(CONTRACTS / "schemas" / schema_file) == []


def test_problem_schema_accepts_the_platform_error_shapes() -> None:
    validator = Draft202012Validator(load_document(CONTRACTS / "schemas" / "problem.schema.json"))
    validation_problem = {
        "type": "/problems/validation-error",
        "title": "Invalid request",
        "status": 422,
        "detail": "1 invalid value(s) in the request; see errors.",
        "instance": "/api/auth/register",
        "errors": [{"pointer": "/body/email", "message": "must be a well-formed email address"}],
    }
    not_found = {"type": "/problems/not-found", "title": "Not Found", "status": 404, "instance": "/api/nope"}
    assert validator.is_valid(validation_problem) and validator.is_valid(not_found)
    for field, wrong in [("type", "https://example.com/oops"), ("type", "about:blank"), ("status", 200),
                         ("errors", [{"pointer": "email"}])]:
        assert not validator.is_valid({**validation_problem, field: wrong}), field


# ---- the checks above catch what they are meant to catch


def test_a_dangling_reference_is_reported(tmp_path: Path) -> None:
    (tmp_path / "openapi").mkdir()
    (tmp_path / "schemas").mkdir()
    document = copy.deepcopy(load_document(document_path("auth")))
    document["components"]["schemas"]["Problem"]["$ref"] = "../schemas/problem.json"
    document["paths"]["/api/auth/service-info"]["get"]["responses"]["200"]["content"]["application/json"]["schema"][
        "$ref"
    ] = "#/components/schemas/ServiceInformation"
    broken = tmp_path / "openapi" / "auth.yaml"
    broken.write_text(yaml.safe_dump(document))

    problems = unresolved_references(broken)

    assert any("'../schemas/problem.json': no file" in problem for problem in problems), problems
    assert any("no '/components/schemas/ServiceInformation'" in problem for problem in problems), problems
    with pytest.raises(Exception, match="problem.json|ServiceInformation|service-info"):
        validate_openapi(document, base_uri=broken.as_uri())


def test_an_example_that_contradicts_its_schema_is_reported(tmp_path: Path) -> None:
    copied = tmp_path / "contracts"
    (copied / "openapi").mkdir(parents=True)
    (copied / "schemas").mkdir()
    for schema_file in SHARED_SCHEMAS:
        (copied / "schemas" / schema_file).write_text((CONTRACTS / "schemas" / schema_file).read_text())
    document = copy.deepcopy(load_document(document_path("reporting")))
    info = document["paths"]["/api/reports/service-info"]["get"]["responses"]["200"]["content"]["application/json"]
    info["examples"]["reporting-bridge"]["value"]["language"] = "cobol"
    problem = document["components"]["responses"]["Problem"]["content"][PROBLEM_MEDIA_TYPE]
    problem["examples"]["internal-error"]["value"]["status"] = "500"
    broken = copied / "openapi" / "reporting.yaml"
    broken.write_text(yaml.safe_dump(document))

    errors = example_errors(broken)

    assert any("service-info 200 application/json: 'cobol' is not one of" in e for e in errors), errors
    assert any("'500' is not of type 'integer'" in e for e in errors), errors
    assert all("'cobol' is not one of" in e or "'500' is not of type 'integer'" in e for e in errors), errors


def test_an_invalid_document_is_rejected() -> None:
    document = copy.deepcopy(load_document(document_path("inference")))
    del document["paths"]["/api/inference/service-info"]["get"]["responses"]["200"]["description"]
    with pytest.raises(Exception, match="[\'\"]description[\'\"] is a required property"):
        validate_openapi(document, base_uri=document_path("inference").resolve().as_uri())


def _pointer_to(document: dict, target: dict) -> str:
    """JSON Pointer of `target` (by identity) inside `document`."""

    def search(node: Any, pointer: str) -> str | None:
        if node is target:
            return pointer
        children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, child in children:
            found = search(child, f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}")
            if found is not None:
                return found
        return None

    pointer = search(document, "")
    assert pointer is not None
    return pointer


# ---- coverage of DESIGN.md's HTTP table, and x-status

# DESIGN.md "HTTP API" (paths fixed), plus each service's service-info. The WebSocket is in contracts/asyncapi.
DESIGN_OPERATIONS = {
    "auth": {
        ("post", "/api/auth/register"), ("post", "/api/auth/login"), ("post", "/api/auth/refresh"),
        ("post", "/api/auth/logout"), ("get", "/api/auth/me"), ("get", "/api/auth/users"),
        ("get", "/api/auth/users/{id}"), ("patch", "/api/auth/users/{id}"), ("delete", "/api/auth/users/{id}"),
        ("get", "/api/auth/.well-known/jwks.json"), ("get", "/api/auth/service-info"),
    },
    "notification": {
        ("post", "/api/notifications/ticket"), ("get", "/api/notifications/stream"), ("get", "/api/notifications"),
        ("post", "/api/notifications/broadcast"), ("get", "/api/notifications/service-info"),
    },
    "inference": {
        ("post", "/api/inference/v1/eta"), ("post", "/api/inference/v1/eta/batch"), ("post", "/api/inference/v1/jobs"),
        ("get", "/api/inference/v1/jobs/{id}"), ("get", "/api/inference/v1/model"), ("get", "/api/inference/service-info"),
        ("get", "/api/inference/v1/jobs/{id}/result"),  # issue 6: a job's result as JSON or CSV
    },
    "reporting": {
        ("get", "/api/reports/types"), ("post", "/api/reports"), ("get", "/api/reports"), ("get", "/api/reports/{id}"),
        ("get", "/api/reports/{id}/download"), ("get", "/api/reports/service-info"),
    },
    # Not in DESIGN.md's table: the gateway's own, admin only (issue 18, part 3: the console's Operations page).
    "operations": {("get", "/api/operations/prometheus/query"), ("get", "/api/operations/prometheus/query_range")},
}
# What the services serve today: the contract says so by carrying no x-status.
# What the services serve today: every service's service-info, all of auth-service (issue 4),
# notification-service (issue 5) and reporting-bridge (issue 7).
IMPLEMENTED = DESIGN_OPERATIONS["auth"] | DESIGN_OPERATIONS["notification"] | DESIGN_OPERATIONS["reporting"] | {
    ("get", f"{prefix}service-info") for prefix in OPENAPI_DOCUMENTS.values()
} | DESIGN_OPERATIONS["inference"] | DESIGN_OPERATIONS["operations"]  # issue 6; issue 18


@pytest.mark.parametrize("name", sorted(OPENAPI_DOCUMENTS))
def test_design_operations_are_all_described(name: str) -> None:
    described = {(method, path) for path, method, _ in operations(load_document(document_path(name)))}
    assert described == DESIGN_OPERATIONS[name]


@pytest.mark.parametrize("name", sorted(OPENAPI_DOCUMENTS))
def test_only_unimplemented_operations_are_planned(name: str) -> None:
    for path, method, operation in operations(load_document(document_path(name))):
        status = operation.get("x-status")
        if (method, path) in IMPLEMENTED:
            assert status is None, f"{method.upper()} {path} is served today: no x-status"
        else:
            assert status == "planned", f"{method.upper()} {path}: not served yet, mark it x-status: planned"


@pytest.mark.parametrize("name", sorted(OPENAPI_DOCUMENTS))
def test_protected_operations_name_the_bearer_scheme(name: str) -> None:
    document = load_document(document_path(name))
    schemes = document.get("components", {}).get("securitySchemes", {})
    assert schemes.get("bearer_auth", {}).get("scheme") == "bearer"
    for path, method, operation in operations(document):
        for requirement in operation.get("security", []):
            assert set(requirement) <= set(schemes), f"{method.upper()} {path}"
        if (method, path) not in IMPLEMENTED and operation.get("security") != []:
            assert {"bearer_auth": []} in operation.get("security", []), f"{method.upper()} {path}: who may call it?"
