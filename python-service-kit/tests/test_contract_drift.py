"""service_kit.contract_drift.compare: pure, on documents built here (no service, no file but tmp_path)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from service_kit.contract_drift import ContractError, Drift, compare, compare_files

SERVICE_INFO = {
    "type": "object",
    "required": ["service", "language", "started_at"],
    "additionalProperties": False,
    "properties": {
        "service": {"type": "string", "enum": ["auth-service", "inference-bridge"]},
        "language": {"type": "string", "enum": ["java", "python"]},
        "started_at": {"type": "string", "format": "date-time"},
        "detail": {"type": "string"},
    },
}
PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"}},
}


def contract_document() -> dict[str, Any]:
    """A contract in the repository's style: component $refs, a default problem+json response."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "demo", "version": "1"},
        "paths": {
            "/api/demo/service-info": {"get": {
                "operationId": "getDemoServiceInfo",
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/ServiceInfo"}}}},
                    "default": {"$ref": "#/components/responses/Problem"},
                },
            }},
            "/api/demo/users/{id}": {"get": {
                "operationId": "getUser",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}},
                    {"name": "fields", "in": "query", "schema": {"type": "string", "enum": ["name", "email"]}},
                ],
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}}}}},
            }},
            "/api/demo/users": {"post": {
                "operationId": "createUser",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["email"],
                    "properties": {"email": {"type": "string"}, "age": {"type": "integer"}},
                }}}},
                "responses": {"201": {"description": "created"}},
            }},
            "/api/demo/reports": {"post": {
                "operationId": "createReport",
                "x-status": "planned",
                "responses": {"202": {"description": "accepted"}},
            }},
        },
        "components": {
            "schemas": {"ServiceInfo": SERVICE_INFO, "Problem": PROBLEM},
            "responses": {"Problem": {"description": "error", "content": {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}},
        },
    }


def live_document() -> dict[str, Any]:
    """The same API as a code-first generator writes it: inline schemas, 3.0 `nullable`, other orderings,
    other path parameter names, ops endpoints and titles/examples the contract does not have."""
    service_info = {
        "title": "ServiceInfo",
        "type": "object",
        "properties": {
            "started_at": {"type": "string", "format": "date-time", "title": "Started At"},
            "language": {"type": "string", "const": "python"},  # narrower than the contract: fine in a response
            "service": {"type": "string", "enum": ["inference-bridge", "auth-service"]},
            "detail": {"type": "string", "examples": ["x"]},
        },
        "required": ["started_at", "service", "language"],
        "additionalProperties": False,
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "demo (live)", "version": "2"},
        "servers": [{"url": "http://127.0.0.1:1234"}],
        "paths": {
            "/actuator/health": {"get": {"responses": {"200": {"description": "ok"}}}},
            "/health": {"get": {"responses": {"200": {"description": "ok"}}}},
            "/api/demo/users": {"post": {
                "operationId": "createUser",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/NewUser"}}}},
                "responses": {"201": {"description": "Created"}},
            }},
            "/api/demo/users/{user_id}": {"get": {
                "operationId": "getUser",
                "parameters": [
                    {"name": "fields", "in": "query", "required": False,
                     "schema": {"anyOf": [{"type": "string", "enum": ["email", "name"]}, {"type": "null"}]}},
                    {"name": "user_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}},
                ],
                "responses": {"200": {"description": "OK", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/User"}}}}},
            }},
            "/api/demo/service-info": {"get": {
                "operationId": "getDemoServiceInfo",
                "responses": {
                    "200": {"description": "OK", "content": {"application/json": {"schema": service_info}}},
                    "default": {"description": "problem", "content": {"application/problem+json": {
                        "schema": {"$ref": "#/components/schemas/Problem"}}}},
                },
            }},
        },
        "components": {"schemas": {
            "NewUser": {"type": "object", "required": ["email"], "properties": {
                "age": {"type": "integer", "title": "Age"}, "email": {"type": "string"}}},
            "User": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
            "Problem": {"type": "object", "required": ["status", "title", "type"], "properties": {
                "status": {"type": "integer"}, "title": {"type": "string"}, "type": {"type": "string"}}},
        }},
    }


def kinds(drifts: list[Drift]) -> list[str]:
    return [drift.kind for drift in drifts]


def service_info_schema(live: dict[str, Any]) -> dict[str, Any]:
    return live["paths"]["/api/demo/service-info"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]


def test_equivalent_documents_report_nothing():
    assert compare(contract_document(), live_document()) == []


def test_a_document_matches_itself_once_planned_operations_are_left_out():
    live = contract_document()
    del live["paths"]["/api/demo/reports"]

    assert compare(contract_document(), live) == []


def test_a_changed_property_type_is_drift():
    live = live_document()
    service_info_schema(live)["properties"]["started_at"] = {"type": "integer", "format": "int64"}

    drifts = compare(contract_document(), live)

    assert kinds(drifts) == ["type"]
    assert str(drifts[0]) == ("GET /api/demo/service-info response 200 application/json: "
                              "started_at: type is string in the contract, integer live")


def test_a_type_changed_inside_a_request_body_component_is_drift():
    live = live_document()
    live["components"]["schemas"]["NewUser"]["properties"]["age"] = {"type": "string"}

    assert [str(d) for d in compare(contract_document(), live)] == [
        "POST /api/demo/users request body application/json: age: type is integer in the contract, string live"]


def test_a_removed_required_field_is_drift():
    live = live_document()
    service_info_schema(live)["required"].remove("started_at")

    drifts = compare(contract_document(), live)

    assert kinds(drifts) == ["required"]
    assert "property started_at is required in the contract, optional live" in str(drifts[0])


def test_an_added_required_field_is_drift():
    live = live_document()
    service_info_schema(live)["required"].append("detail")

    drifts = compare(contract_document(), live)

    assert kinds(drifts) == ["required"]
    assert "property detail is required live, optional in the contract" in str(drifts[0])


def test_a_missing_and_an_extra_property_are_drift():
    live = live_document()
    properties = service_info_schema(live)["properties"]
    properties["detail_text"] = properties.pop("detail")

    assert sorted(str(d).split(": ", 1)[1] for d in compare(contract_document(), live)) == [
        "property detail is in the contract, not live",
        "property detail_text is live, not in the contract",
    ]


def test_an_enum_value_change_in_a_response_is_drift():
    live = live_document()
    service_info_schema(live)["properties"]["service"]["enum"] = ["auth-service", "inference_bridge"]

    drifts = compare(contract_document(), live)

    assert kinds(drifts) == ["enum"]
    assert drifts[0].message == ('service: the live service may answer "inference_bridge", which the contract does '
                                 'not allow (contract: "auth-service", "inference-bridge", live: "auth-service", '
                                 '"inference_bridge")')


def test_an_enum_value_change_in_a_request_parameter_is_drift():
    live = live_document()
    live["paths"]["/api/demo/users/{user_id}"]["get"]["parameters"][0]["schema"]["anyOf"][0]["enum"] = ["name"]

    drifts = compare(contract_document(), live)

    assert kinds(drifts) == ["enum"]
    assert str(drifts[0]) == ("GET /api/demo/users/{id} query parameter 'fields': the live service rejects \"email\", "
                              'which the contract allows (contract: "email", "name", live: "name")')


def test_an_undocumented_live_operation_is_drift():
    live = live_document()
    live["paths"]["/api/demo/users/{user_id}"]["delete"] = {"responses": {"204": {"description": "gone"}}}

    assert [str(d) for d in compare(contract_document(), live)] == [
        "DELETE /api/demo/users/{user_id}: served and documented live, but not in the contract"]


def test_a_missing_implemented_operation_is_drift():
    live = live_document()
    del live["paths"]["/api/demo/users"]

    assert [str(d) for d in compare(contract_document(), live)] == [
        "POST /api/demo/users: in the contract, but the live service does not serve it (or does not document it)"]


def test_a_planned_operation_may_be_absent_but_not_live():
    live = live_document()
    assert compare(contract_document(), live) == []  # planned and absent: fine

    live["paths"]["/api/demo/reports"] = {"post": {"operationId": "createReport",
                                                   "responses": {"202": {"description": "Accepted"}}}}
    drifts = compare(contract_document(), live)

    assert kinds(drifts) == ["planned-operation-live"]
    assert "x-status: planned" in str(drifts[0]) and "remove the marker" in str(drifts[0])


@pytest.mark.parametrize(("change", "expected"), [
    (lambda p: p[0].update(required=True),
     "GET /api/demo/users/{id} query parameter 'fields': optional in the contract, required live"),
    (lambda p: p[0].update(name="field"),
     "GET /api/demo/users/{id} query parameter 'field': live, not in the contract"),
    (lambda p: p[1]["schema"].update(format="int64", type="integer"),
     "GET /api/demo/users/{id} path parameter 'id': type is string in the contract, integer live"),
    (lambda p: p.append({"name": "page", "in": "query", "schema": {"type": "integer"}}),
     "GET /api/demo/users/{id} query parameter 'page': live, not in the contract"),
])
def test_a_parameter_change_is_drift(change, expected):
    live = live_document()
    change(live["paths"]["/api/demo/users/{user_id}"]["get"]["parameters"])

    assert expected in [str(d) for d in compare(contract_document(), live)]


def test_success_responses_and_media_types_are_compared():
    live = live_document()
    operation = live["paths"]["/api/demo/service-info"]["get"]
    operation["responses"]["200"]["content"] = {"*/*": operation["responses"]["200"]["content"]["application/json"]}
    live["paths"]["/api/demo/users"]["post"]["responses"] = {"200": {"description": "OK"}}

    assert sorted(str(d) for d in compare(contract_document(), live)) == [
        "GET /api/demo/service-info response 200: media types are application/json in the contract, */* live",
        "POST /api/demo/users response 200: live, not in the contract",
        "POST /api/demo/users response 201: in the contract, not live",
    ]


def test_documented_error_responses_are_compared_with_the_contract_default():
    live = live_document()
    live["paths"]["/api/demo/users/{user_id}"]["get"]["responses"]["422"] = {
        "description": "Validation Error", "content": {"application/json": {"schema": {"type": "object"}}}}

    drifts = [str(d) for d in compare(contract_document(), live)]

    assert drifts == ["GET /api/demo/users/{id} response 422: an error response documented live, with no "
                      "counterpart (same status or default) in the contract"]


def test_error_responses_are_compared_against_the_problem_schema():
    live = live_document()
    live["components"]["schemas"]["Problem"]["properties"]["status"] = {"type": "string"}

    assert [str(d) for d in compare(contract_document(), live)] == [
        "GET /api/demo/service-info response default application/problem+json: "
        "status: type is integer in the contract, string live"]


@pytest.mark.parametrize("nullable_detail", [
    {"type": ["string", "null"]},
    {"type": "string", "nullable": True},
    {"anyOf": [{"type": "string"}, {"type": "null"}]},
    {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Text"}]},
])
def test_nullable_spellings_are_equivalent_and_differ_from_not_nullable(nullable_detail):
    contract, live = contract_document(), live_document()
    contract["components"]["schemas"]["Text"] = {"type": "string"}
    live["components"]["schemas"]["Text"] = {"type": "string"}
    contract["components"]["schemas"]["ServiceInfo"] = copy.deepcopy(SERVICE_INFO)
    contract["components"]["schemas"]["ServiceInfo"]["properties"]["detail"] = {"type": ["null", "string"]}
    service_info_schema(live)["properties"]["detail"] = nullable_detail

    assert compare(contract, live) == []

    service_info_schema(live)["properties"]["detail"] = {"type": "string"}
    assert [d.message for d in compare(contract, live)] == [
        "detail: type is string or null in the contract, string live"]


def test_relative_file_references_of_the_contract_resolve(tmp_path: Path):
    schemas, openapi = tmp_path / "schemas", tmp_path / "openapi"
    schemas.mkdir()
    openapi.mkdir()
    (schemas / "service-info.schema.json").write_text(json.dumps({
        **SERVICE_INFO, "properties": {**SERVICE_INFO["properties"], "detail": {"$ref": "#/$defs/Detail"}},
        "$defs": {"Detail": {"type": "string"}},
    }))
    contract = contract_document()
    contract["components"]["schemas"]["ServiceInfo"] = {"$ref": "../schemas/service-info.schema.json"}
    (openapi / "demo.json").write_text(json.dumps(contract))

    assert compare_files(openapi / "demo.json", live_document()) == []

    live = live_document()
    service_info_schema(live)["properties"]["detail"] = {"type": "boolean"}
    assert [d.message for d in compare_files(openapi / "demo.json", live)] == [
        "detail: type is string in the contract, boolean live"]


def test_preloaded_documents_stand_in_for_files():
    contract = contract_document()
    contract["components"]["schemas"]["ServiceInfo"] = {"$ref": "../schemas/service-info.schema.json"}

    with pytest.raises(ContractError, match="service-info.schema.json"):
        compare(contract, live_document())
    assert compare(contract, live_document(), documents={"../schemas/service-info.schema.json": SERVICE_INFO}) == []


def test_items_additional_properties_and_recursive_schemas():
    tree = {"type": "object", "properties": {
        "name": {"type": "string"},
        "children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
    }}
    contract, live = contract_document(), live_document()
    for document in (contract, live):
        document["components"]["schemas"]["Tree"] = copy.deepcopy(tree)
        document["paths"]["/api/demo/tree"] = {"get": {"operationId": "getTree", "responses": {"200": {
            "description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Tree"}}}}}}}
    assert compare(contract, live) == []

    live["components"]["schemas"]["Tree"]["properties"]["labels"]["additionalProperties"] = {"type": "integer"}
    live["components"]["schemas"]["Tree"]["properties"]["children"]["items"] = {"type": "string"}
    assert sorted(d.message for d in compare(contract, live)) == [
        "children[]: type is object in the contract, string live",
        "labels.*: type is string in the contract, integer live",
    ]


def test_operation_ids_are_compared():
    live = live_document()
    live["paths"]["/api/demo/service-info"]["get"]["operationId"] = "serviceInfo"

    assert [str(d) for d in compare(contract_document(), live)] == [
        "GET /api/demo/service-info: operationId is 'getDemoServiceInfo' in the contract, 'serviceInfo' live"]


def test_a_schema_the_live_document_leaves_open_is_drift():
    live = live_document()
    live["paths"]["/api/demo/service-info"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] = {
        "type": "object", "additionalProperties": {}}

    messages = [d.message for d in compare(contract_document(), live)]

    assert "the contract lists properties detail, language, service, started_at, the live document none" in messages
