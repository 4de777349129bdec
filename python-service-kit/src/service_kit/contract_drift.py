"""Contract drift: does a service's live OpenAPI document say what its contract (contracts/openapi) says?

One comparator for every service, Java or Python: `compare(contract, live)` takes two loaded OpenAPI 3.x
documents and returns a list of `Drift`, empty when they agree. It compares meaning, not text:

- operations: the set of (method, path) pairs; path parameter names do not matter
  (`/users/{id}` is `/users/{user_id}`). Ops endpoints (`/actuator/**`, `/health`, `/metrics`, `/docs`,
  `/redoc`, `/v3/api-docs`, `/openapi.json`) are ignored on both sides.
- `x-status: planned` on a contract operation: it may be absent live; present live it is drift (remove
  the marker when implementing it). Every other contract operation must be live, and every live operation
  must be in the contract.
- per operation: operationId; parameters (in, name, required, schema); request body (required, media
  types, schema); success (2xx) responses (status codes, media types, schemas); error responses
  (4xx, 5xx, default) only where the live document describes them with content, against the contract's
  response of that status, else its `default`.
- schemas, recursively, after resolving `$ref` on both sides (relative file references such as
  `../schemas/problem.schema.json` in the contract, `#/components/...` in either): type, with the
  OpenAPI 3.0 and 3.1 spellings of null made equal (`nullable: true`, `type: [x, "null"]`,
  `anyOf: [x, {type: "null"}]`); format where both state one; required set; properties missing or extra;
  enum values (and `const`) where both state them; array items; additionalProperties where both state it.

Enums compare by direction, like a compatibility check: a live response may promise fewer values than the
contract allows (the Python service-info's `language` is always "python"), never another value; a live
request must accept every value the contract allows. Everything else must match exactly.

Descriptions, examples, titles, tags, servers, patterns and length limits are documentation and are not
compared (the contract lint checks those).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin

__all__ = ["ContractError", "Drift", "compare", "compare_files", "format_drifts", "load_document"]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Served by every service for operators and for its own documentation; never part of a contract.
OPS_PATHS = ("/actuator", "/health", "/metrics", "/docs", "/redoc", "/v3/api-docs", "/openapi.json")
PLANNED = "planned"

CONTRACT_BASE = "contract:/"  # base URI of a contract given without a location
LIVE_BASE = "live:/"


@dataclass(frozen=True)
class Drift:
    """One way the live document disagrees with the contract."""

    kind: str  # e.g. "operation-missing", "type", "required", "enum", "property-extra"
    where: str  # e.g. "GET /api/auth/service-info response 200 application/json"
    message: str  # what differs, readable: "property 'started_at': type is string in the contract, integer live"

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def format_drifts(drifts: Iterable[Drift]) -> str:
    return "\n".join(f"  - {drift}" for drift in drifts)


class ContractError(ValueError):
    """A document cannot be read: an unresolvable $ref, say."""


def load_document(path: Path | str) -> Any:
    """A JSON or YAML document (YAML needs PyYAML, a test dependency)."""
    path = Path(path)
    text = path.read_text()
    if path.suffix == ".json":
        return json.loads(text)
    import yaml  # local: only the drift tests load YAML

    return yaml.safe_load(text)


def compare(
    contract: Mapping[str, Any],
    live: Mapping[str, Any],
    *,
    contract_path: Path | str | None = None,
    documents: Mapping[str, Any] | None = None,
) -> list[Drift]:
    """Every difference in meaning between `contract` and the `live` document, empty when they agree.

    `contract_path` is where the contract was loaded from: its relative `$ref`s (`../schemas/x.json`) are
    resolved from there, reading the files. `documents` maps such references (absolute URIs, or paths
    relative to the contract) to already loaded documents, for callers (and tests) that read no files.
    """
    contract_base = Path(contract_path).resolve().as_uri() if contract_path is not None else CONTRACT_BASE
    preloaded = {_join(contract_base, uri): document for uri, document in (documents or {}).items()}
    refs = _References({contract_base: contract, LIVE_BASE: live, **preloaded})
    return _Comparison(refs, contract_base).documents(contract, live)


# -- $ref resolution --------------------------------------------------------------------------------

Located = tuple[Any, str]  # a node and the URI of the document it is in (its base for relative $refs)


class _References:
    def __init__(self, documents: dict[str, Any]) -> None:
        self.documents = documents

    def document(self, uri: str) -> Any:
        if uri not in self.documents:
            if not uri.startswith("file:"):
                raise ContractError(f"cannot resolve a reference to {uri}: load the contract with its path")
            path = Path(unquote(uri.removeprefix("file://")))
            try:
                self.documents[uri] = load_document(path)
            except OSError as error:
                raise ContractError(f"cannot read referenced document {path}: {error}") from error
        return self.documents[uri]

    def resolve(self, node: Any, base: str) -> Located:
        """Follows `$ref` (chains too) to a node without one; a $ref's siblings are kept beside the target."""
        seen: set[str] = set()
        siblings: dict[str, Any] = {}
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            target = _join(base, node["$ref"])
            if target in seen:
                raise ContractError(f"circular $ref {node['$ref']} in {base}")
            seen.add(target)
            siblings.update({key: value for key, value in node.items() if key != "$ref" and key not in siblings})
            uri, fragment = urldefrag(target)
            node, base = _pointer(self.document(uri), fragment, target), uri
        if siblings and isinstance(node, Mapping):
            # OpenAPI 3.1 / JSON Schema 2020-12: a $ref's siblings apply too; documentation keys are ignored anyway.
            node = {**node, **{key: value for key, value in siblings.items() if key not in node}}
        return node, base


def _join(base: str, ref: str) -> str:
    """`ref` relative to the document at `base` (urljoin alone drops a base of an unknown scheme)."""
    if ref.startswith("#"):
        return urldefrag(base)[0] + ref
    if base.startswith("file:") or "://" in ref or ref.startswith("file:"):
        return urljoin(base, ref)
    return ref  # a contract given without its location: only `documents` can supply such a reference


def _pointer(document: Any, fragment: str, target: str) -> Any:
    node = document
    for token in fragment.split("/")[1:] if fragment else []:
        token = unquote(token).replace("~1", "/").replace("~0", "~")
        try:
            node = node[int(token)] if isinstance(node, list) else node[token]
        except (KeyError, IndexError, ValueError, TypeError):
            raise ContractError(f"$ref {target} does not resolve") from None
    return node


# -- schemas, normalised --------------------------------------------------------------------------


@dataclass
class _Schema:
    """A schema reduced to what is compared, whichever way it was spelled."""

    types: frozenset[str] | None = None  # None: not stated
    format: str | None = None
    enum: list[Any] | None = None
    properties: dict[str, Located] | None = None
    required: frozenset[str] = frozenset()
    additional: bool | Located | None = None
    items: Located | None = None
    variants: list[Located] = field(default_factory=list)  # anyOf/oneOf branches other than null
    nullable: bool = False

    @property
    def is_anything(self) -> bool:
        return (self.types is None and self.enum is None and self.properties is None and self.items is None
                and not self.variants)

    def with_null(self) -> frozenset[str] | None:
        if self.types is None:
            return frozenset({"null"}) if self.nullable else None
        return self.types | {"null"} if self.nullable else self.types


def _is_null_branch(node: Any) -> bool:
    if not isinstance(node, Mapping):
        return False
    type_ = node.get("type")
    return type_ == "null" or type_ == ["null"] or node.get("enum") == [None] or ("const" in node and node["const"] is None)


def _normalise(refs: _References, node: Any, base: str, depth: int = 0) -> _Schema:
    node, base = refs.resolve(node, base)
    if node is True or node == {}:
        return _Schema()
    if node is False or not isinstance(node, Mapping):
        return _Schema(types=frozenset())
    schema = _Schema()

    type_ = node.get("type")
    if isinstance(type_, str):
        schema.types = frozenset({type_})
    elif isinstance(type_, list):
        schema.types = frozenset(type_)
    if node.get("nullable") is True:
        schema.nullable = True
    if schema.types is not None and "null" in schema.types:
        schema.types, schema.nullable = schema.types - {"null"}, True
    schema.format = node.get("format")
    if "const" in node:
        schema.enum = [node["const"]]
    elif isinstance(node.get("enum"), list):
        schema.enum = list(node["enum"])
    if schema.enum is not None and None in schema.enum:
        schema.enum = [value for value in schema.enum if value is not None]
        schema.nullable = True
        if not schema.enum:
            schema.enum, schema.types = None, schema.types or frozenset()
    if isinstance(node.get("properties"), Mapping):
        schema.properties = {name: (sub, base) for name, sub in node["properties"].items()}
    if isinstance(node.get("required"), list):
        schema.required = frozenset(node["required"])
    if "additionalProperties" in node:
        additional = node["additionalProperties"]
        schema.additional = additional if isinstance(additional, bool) else (additional, base)
    if "items" in node:
        schema.items = (node["items"], base)
    if schema.types is None and schema.properties is not None:
        schema.types = frozenset({"object"})  # swagger-core's 3.1 output leaves `type: object` implied
    elif schema.types is None and schema.items is not None:
        schema.types = frozenset({"array"})

    for keyword in ("anyOf", "oneOf"):
        branches = node.get(keyword)
        if not isinstance(branches, list):
            continue
        others = []
        for branch in branches:
            if _is_null_branch(refs.resolve(branch, base)[0]):
                schema.nullable = True
            else:
                others.append((branch, base))
        if len(others) == 1 and depth < 50:  # `X | None`: the schema is X, nullable
            _merge(schema, _normalise(refs, *others[0], depth + 1))
        else:
            schema.variants.extend(others)
    for branch in node.get("allOf") or []:
        if depth < 50:
            _merge(schema, _normalise(refs, branch, base, depth + 1))
    return schema


def _merge(into: _Schema, other: _Schema) -> None:
    """`other` applies too (allOf, or the one non-null branch of anyOf)."""
    if other.types is not None:
        into.types = other.types if into.types is None else into.types & other.types
    into.format = into.format or other.format
    if other.enum is not None:
        into.enum = other.enum if into.enum is None else [value for value in into.enum if value in other.enum]
    if other.properties is not None:
        into.properties = {**(into.properties or {}), **other.properties}
    into.required |= other.required
    if into.additional is None:
        into.additional = other.additional
    into.items = into.items or other.items
    into.variants.extend(other.variants)
    into.nullable = into.nullable or other.nullable


def _type_text(types: frozenset[str] | None) -> str:
    if types is None:
        return "not stated (anything)"
    if not types:
        return "nothing"
    names = sorted(types - {"null"}) + (["null"] if "null" in types else [])
    return " or ".join(names)


# -- the comparison -------------------------------------------------------------------------------

REQUEST, RESPONSE = "request", "response"


class _Comparison:
    def __init__(self, refs: _References, contract_base: str) -> None:
        self.refs = refs
        self.contract_base = contract_base
        self.drifts: list[Drift] = []

    def report(self, kind: str, where: str, message: str) -> None:
        self.drifts.append(Drift(kind, where, message))

    # documents and operations

    def documents(self, contract: Mapping[str, Any], live: Mapping[str, Any]) -> list[Drift]:
        contract_operations = self.operations(contract, self.contract_base)
        live_operations = self.operations(live, LIVE_BASE)
        for key, (label, operation, base, path_names) in contract_operations.items():
            planned = operation.get("x-status") == PLANNED
            if key not in live_operations:
                if not planned:
                    self.report("operation-missing", label,
                                "in the contract, but the live service does not serve it (or does not document it)")
                continue
            live_label, live_operation, live_base, live_path_names = live_operations[key]
            if planned:
                self.report("planned-operation-live", label,
                            "marked x-status: planned in the contract, but the live service serves it: "
                            "remove the marker (and check the contract describes what was built)")
                continue
            self.operation(label, (operation, base), (live_operation, live_base), path_names, live_path_names)
        for key, (label, *_rest) in live_operations.items():
            if key not in contract_operations:
                self.report("operation-undocumented", label,
                            "served and documented live, but not in the contract")
        return self.drifts

    def operations(self, document: Mapping[str, Any], base: str) -> dict[tuple[str, str], tuple]:
        found: dict[tuple[str, str], tuple] = {}
        for path, item in (document.get("paths") or {}).items():
            if _is_ops_path(path):
                continue
            item, item_base = self.refs.resolve(item, base)
            shared_parameters = item.get("parameters") or []
            for method in HTTP_METHODS:
                if method not in item:
                    continue
                operation = dict(item[method])
                # Path-level parameters apply to every operation that does not override them.
                operation["parameters"] = list(shared_parameters) + list(operation.get("parameters") or [])
                template, names = _path_template(path)
                found[(method, template)] = (f"{method.upper()} {path}", operation, item_base, names)
        return found

    def operation(self, label: str, contract: Located, live: Located,
                  path_names: list[str], live_path_names: list[str]) -> None:
        operation, base = contract
        live_operation, live_base = live
        if operation.get("operationId") and live_operation.get("operationId") \
                and operation["operationId"] != live_operation["operationId"]:
            self.report("operation-id", label, f"operationId is {operation['operationId']!r} in the contract, "
                                               f"{live_operation['operationId']!r} live")
        renamed = dict(zip(live_path_names, path_names))  # live path parameter name -> the contract's
        self.parameters(label, self.parameter_map(operation, base, {}),
                        self.parameter_map(live_operation, live_base, renamed))
        self.request_body(label, operation.get("requestBody"), base,
                          live_operation.get("requestBody"), live_base)
        self.responses(label, operation.get("responses") or {}, base, live_operation.get("responses") or {}, live_base)

    # parameters

    def parameter_map(self, operation: Mapping[str, Any], base: str,
                      renamed: Mapping[str, str]) -> dict[tuple[str, str], Located]:
        parameters: dict[tuple[str, str], Located] = {}
        for parameter in operation.get("parameters") or []:
            parameter, parameter_base = self.refs.resolve(parameter, base)
            where, name = parameter.get("in", "?"), parameter.get("name", "?")
            if where == "path":
                name = renamed.get(name, name)
            elif where == "header":
                name = name.lower()
            parameters[(where, name)] = (parameter, parameter_base)  # later (operation level) wins
        return parameters

    def parameters(self, label: str, contract: dict[tuple[str, str], Located],
                   live: dict[tuple[str, str], Located]) -> None:
        for key in sorted(set(contract) | set(live)):
            where = f"{label} {key[0]} parameter {key[1]!r}"
            if key not in live:
                self.report("parameter-missing", where, "in the contract, not live")
                continue
            if key not in contract:
                self.report("parameter-extra", where, "live, not in the contract")
                continue
            (parameter, base), (live_parameter, live_base) = contract[key], live[key]
            required = bool(parameter.get("required")) or key[0] == "path"
            live_required = bool(live_parameter.get("required")) or key[0] == "path"
            if required != live_required:
                self.report("parameter-required", where,
                            f"{_required_text(required)} in the contract, {_required_text(live_required)} live")
            if "schema" in parameter or "schema" in live_parameter:
                # A parameter is absent or a value: `X | None` (FastAPI's optional query parameter) is X.
                self.schema(where, "", (parameter.get("schema", {}), base),
                            (live_parameter.get("schema", {}), live_base), REQUEST, null_is_absence=True)
            else:
                self.content(where, parameter.get("content") or {}, base,
                             live_parameter.get("content") or {}, live_base, REQUEST)

    # bodies

    def request_body(self, label: str, body: Any, base: str, live_body: Any, live_base: str) -> None:
        where = f"{label} request body"
        if body is None and live_body is None:
            return
        if live_body is None:
            self.report("request-body-missing", where, "in the contract, not live")
            return
        if body is None:
            self.report("request-body-extra", where, "live, not in the contract")
            return
        body, base = self.refs.resolve(body, base)
        live_body, live_base = self.refs.resolve(live_body, live_base)
        required, live_required = bool(body.get("required")), bool(live_body.get("required"))
        if required != live_required:
            self.report("request-body-required", where,
                        f"{_required_text(required)} in the contract, {_required_text(live_required)} live")
        self.content(where, body.get("content") or {}, base, live_body.get("content") or {}, live_base, REQUEST)

    def responses(self, label: str, responses: Mapping[str, Any], base: str,
                  live_responses: Mapping[str, Any], live_base: str) -> None:
        success = {str(status) for status in responses if _is_success(status)}
        live_success = {str(status) for status in live_responses if _is_success(status)}
        for status in sorted(success - live_success):
            self.report("response-missing", f"{label} response {status}", "in the contract, not live")
        for status in sorted(live_success - success):
            self.report("response-extra", f"{label} response {status}", "live, not in the contract")
        by_text = {str(status): response for status, response in responses.items()}
        live_by_text = {str(status): response for status, response in live_responses.items()}
        for status in sorted(success & live_success):
            self.response(f"{label} response {status}", (by_text[status], base), (live_by_text[status], live_base))
        # Errors: only what the live document chose to describe, against the contract's.
        for status in sorted(live_by_text):
            if _is_success(status) or not _is_error(status):
                continue
            live_response, resolved_live_base = self.refs.resolve(live_by_text[status], live_base)
            if not live_response.get("content"):
                continue
            counterpart = by_text.get(status, by_text.get("default"))
            where = f"{label} response {status}"
            if counterpart is None:
                self.report("response-extra", where, "an error response documented live, with no counterpart "
                                                     "(same status or default) in the contract")
                continue
            self.response(where, (counterpart, base), (live_response, resolved_live_base))

    def response(self, where: str, contract: Located, live: Located) -> None:
        response, base = self.refs.resolve(*contract)
        live_response, live_base = self.refs.resolve(*live)
        self.content(where, response.get("content") or {}, base, live_response.get("content") or {}, live_base,
                     RESPONSE)

    def content(self, where: str, content: Mapping[str, Any], base: str, live_content: Mapping[str, Any],
                live_base: str, direction: str) -> None:
        media, live_media = set(content), set(live_content)
        if media != live_media:
            self.report("media-types", where, f"media types are {_list(media)} in the contract, "
                                              f"{_list(live_media)} live")
        for media_type in sorted(media & live_media):
            self.schema(f"{where} {media_type}", "", ((content[media_type] or {}).get("schema", {}), base),
                        ((live_content[media_type] or {}).get("schema", {}), live_base), direction)

    # schemas

    def schema(self, where: str, at: str, contract: Located, live: Located, direction: str,
               visiting: frozenset[tuple[int, int]] = frozenset(), *, null_is_absence: bool = False) -> None:
        pair = (id(self.refs.resolve(*contract)[0]), id(self.refs.resolve(*live)[0]))
        if pair in visiting or len(visiting) > 64:  # a recursive schema: this pair is compared further up
            return
        visiting = visiting | {pair}
        c, l = _normalise(self.refs, *contract), _normalise(self.refs, *live)
        if null_is_absence:
            c.nullable = l.nullable = False
        subject = f"{at}: " if at else ""

        if c.types is not None or c.nullable:
            if l.is_anything and not l.nullable:
                self.report("type", where, f"{subject}type is {_type_text(c.with_null())} in the contract, "
                                           f"not stated live (the live document allows anything)")
                return
            if c.with_null() != l.with_null() and l.types is not None:
                self.report("type", where, f"{subject}type is {_type_text(c.with_null())} in the contract, "
                                           f"{_type_text(l.with_null())} live")
                return
        if c.format and l.format and c.format != l.format:
            self.report("format", where, f"{subject}format is {c.format!r} in the contract, {l.format!r} live")
        if c.enum is not None and l.enum is not None:
            self.enums(where, subject, c.enum, l.enum, direction)

        if c.properties is not None:
            if l.properties is None:
                self.report("properties", where, f"{subject}the contract lists properties {_list(c.properties)}, "
                                                 f"the live document none")
            else:
                self.properties(where, at, c, l, direction, visiting)
        elif l.properties is not None and c.types and "object" in c.types and c.additional is False:
            self.report("properties", where, f"{subject}the contract allows no properties, the live document "
                                             f"lists {_list(l.properties)}")

        if c.additional is not None and l.additional is not None:
            self.additional(where, at, c.additional, l.additional, direction, visiting)

        if c.items is not None:
            if l.items is None:
                if l.types and "array" in l.types:
                    self.report("items", where, f"{subject}the contract describes the array's items, the live "
                                                f"document does not")
            else:
                self.schema(where, f"{at}[]", c.items, l.items, direction, visiting)

        if c.variants or l.variants:
            if len(c.variants) != len(l.variants):
                self.report("variants", where, f"{subject}{len(c.variants)} alternatives (anyOf/oneOf) in the "
                                                f"contract, {len(l.variants)} live")
            else:
                for index, (branch, live_branch) in enumerate(zip(c.variants, l.variants)):
                    self.schema(where, f"{at}<alternative {index + 1}>", branch, live_branch, direction, visiting)

    def enums(self, where: str, subject: str, enum: list[Any], live_enum: list[Any], direction: str) -> None:
        allowed, live_allowed = _values(enum), _values(live_enum)
        if direction == RESPONSE:
            unexpected = live_allowed - allowed
            if unexpected:
                self.report("enum", where, f"{subject}the live service may answer {_list(unexpected)}, which the "
                                           f"contract does not allow (contract: {_list(allowed)}, "
                                           f"live: {_list(live_allowed)})")
        else:
            rejected = allowed - live_allowed
            if rejected:
                self.report("enum", where, f"{subject}the live service rejects {_list(rejected)}, which the "
                                           f"contract allows (contract: {_list(allowed)}, "
                                           f"live: {_list(live_allowed)})")

    def properties(self, where: str, at: str, c: _Schema, l: _Schema, direction: str,
                   visiting: frozenset[tuple[int, int]]) -> None:
        assert c.properties is not None and l.properties is not None
        prefix = f"{at}." if at else ""
        for name in c.properties:
            if name not in l.properties:
                self.report("property-missing", where, f"property {prefix}{name} is in the contract, not live")
        for name in l.properties:
            if name not in c.properties:
                self.report("property-extra", where, f"property {prefix}{name} is live, not in the contract")
        for name in c.required - l.required:
            self.report("required", where, f"property {prefix}{name} is required in the contract, optional live")
        for name in l.required - c.required:
            self.report("required", where, f"property {prefix}{name} is required live, optional in the contract")
        for name, sub in c.properties.items():
            if name in l.properties:
                self.schema(where, f"{prefix}{name}", sub, l.properties[name], direction, visiting)

    def additional(self, where: str, at: str, additional: bool | Located, live_additional: bool | Located,
                   direction: str, visiting: frozenset[tuple[int, int]]) -> None:
        subject = f"{at}: " if at else ""
        allowed = additional if isinstance(additional, bool) else True
        live_allowed = live_additional if isinstance(live_additional, bool) else True
        if allowed != live_allowed:
            self.report("additional-properties", where,
                        f"{subject}additionalProperties is {_allowed_text(additional)} in the contract, "
                        f"{_allowed_text(live_additional)} live")
        elif not isinstance(additional, bool) and not isinstance(live_additional, bool):
            self.schema(where, f"{at}.*" if at else "*", additional, live_additional, direction, visiting)


# -- helpers --------------------------------------------------------------------------------------

_PATH_PARAMETER = re.compile(r"\{([^}]*)\}")


def _path_template(path: str) -> tuple[str, list[str]]:
    """`/users/{id}` → (`/users/{}`, ["id"]): operations match whatever their parameters are called."""
    return _PATH_PARAMETER.sub("{}", path.rstrip("/") or "/"), _PATH_PARAMETER.findall(path)


def _is_ops_path(path: str) -> bool:
    return any(path == ops or path.startswith(ops + "/") for ops in OPS_PATHS)


def _is_success(status: Any) -> bool:
    text = str(status).upper()
    return text == "2XX" or (text.isdigit() and 200 <= int(text) < 300)


def _is_error(status: Any) -> bool:
    text = str(status).upper()
    return text in ("4XX", "5XX", "DEFAULT") or (text.isdigit() and 400 <= int(text) < 600)


def _values(enum: list[Any]) -> set[str]:
    return {json.dumps(value, sort_keys=True) for value in enum}


def _list(items: Iterable[Any]) -> str:
    return ", ".join(sorted(str(item) for item in items)) or "none"


def _required_text(required: bool) -> str:
    return "required" if required else "optional"


def _allowed_text(additional: Any) -> str:
    if isinstance(additional, bool):
        return str(additional).lower()
    return "a schema"


def compare_files(contract_path: Path | str, live: Mapping[str, Any],
                  loader: Callable[[Path], Any] = load_document) -> list[Drift]:
    """`compare` with the contract read from `contract_path`."""
    return compare(loader(Path(contract_path)), live, contract_path=contract_path)
