"""The gateway's edge as a client meets it on the running platform: identity, limits, headers, CORS, body limit,
the WebSocket handshake check, and the aggregated API docs (the rules one by one: gateway's GatewayEdgeTest)."""

import base64
import json
import secrets

import httpx
import pytest
import yaml
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from contract_types.problems import ProblemType
from e2e.conftest import websocket_ticket

SERVICES = ["auth-service", "notification-service", "inference-bridge", "reporting-bridge"]


def ws_url(gateway_url: str, ticket: str | None) -> str:
    return gateway_url.replace("http://", "ws://", 1) + "/ws/notifications" + (f"?ticket={ticket}" if ticket else "")


def assert_problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status and problem["title"] and problem["detail"]
    return problem


def test_an_api_call_without_a_token_is_refused_at_the_edge(gateway):
    response = gateway.get("/api/inference/v1/model")
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
    bad = gateway.get("/api/reports", headers={"Authorization": "Bearer not.a.token"})
    assert_problem(bad, 401)
    assert "invalid_token" in bad.headers["www-authenticate"]


def test_admin_only_paths_are_refused_at_the_edge(gateway, new_account):
    viewer = new_account("viewer")
    broadcast = gateway.post("/api/notifications/broadcast", json={"message": "hi"}, headers=viewer.headers)
    assert assert_problem(broadcast, 403)["type"] == ProblemType.FORBIDDEN
    assert_problem(gateway.get("/api/auth/users", headers=viewer.headers), 403)


def test_the_request_id_is_kept_or_made_and_returned(gateway, admin):
    kept = gateway.get("/api/auth/me", headers={**admin.headers, "X-Request-Id": "e2e-request-42"})
    assert kept.headers.get_list("x-request-id") == ["e2e-request-42"]
    made = gateway.get("/api/inference/service-info")
    assert len(made.headers["x-request-id"]) == 36


def test_rate_limit_headers_are_on_counted_answers(gateway, admin):
    response = gateway.get("/api/auth/me", headers=admin.headers)
    assert response.status_code == 200
    assert int(response.headers["ratelimit-limit"]) > 0
    assert 0 <= int(response.headers["ratelimit-remaining"]) < int(response.headers["ratelimit-limit"])
    assert int(response.headers["ratelimit-reset"]) >= 1


@pytest.mark.parametrize("path", ["/api/auth/service-info", "/api/reports/service-info", "/no/such/route"])
def test_security_headers_are_on_every_answer(gateway, path):
    headers = gateway.get(path).headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "strict-transport-security" not in headers, "HSTS only behind TLS"


def test_cors_allows_the_gateways_own_origins_and_refuses_others(gateway, gateway_url):
    # The default allowlist is the gateway's two local origins; the tests call 127.0.0.1, so localhost is cross-origin.
    other_own_origin = gateway_url.replace("127.0.0.1", "localhost")
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type"}
    allowed = gateway.options("/api/inference/v1/eta", headers={"Origin": other_own_origin, **preflight})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == other_own_origin
    assert_problem(gateway.options("/api/inference/v1/eta", headers={"Origin": "https://evil.example", **preflight}),
                   403)


def test_a_body_over_the_limit_is_413(gateway):
    response = gateway.post("/api/auth/register", content=b"{" + b" " * (3 * 1024 * 1024) + b"}",
                            headers={"Content-Type": "application/json"})
    assert_problem(response, 413)


def test_json_is_compressed(gateway):
    response = gateway.get("/v3/api-docs/auth-service", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.json()["openapi"].startswith("3.1")


def test_a_websocket_handshake_with_an_allowed_origin_and_a_live_ticket_reaches_notification_service(
        gateway_url, new_account):
    account = new_account()
    ticket = websocket_ticket(account).ticket
    with connect(ws_url(gateway_url, ticket), origin=gateway_url, open_timeout=10) as ws:
        hello = json.loads(ws.recv(timeout=10))
    assert hello["type"] == "hello"
    assert hello["user_id"] == account.id


def test_a_cross_origin_websocket_handshake_is_refused(gateway_url, new_account):
    ticket = websocket_ticket(new_account()).ticket
    for origin in ("https://evil.example", None):
        with pytest.raises(InvalidStatus) as refused:
            connect(ws_url(gateway_url, ticket), origin=origin, open_timeout=10)
        assert refused.value.response.status_code == 403


def test_a_websocket_handshake_without_a_live_ticket_is_refused(gateway_url):
    for ticket in (None, base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()):
        with pytest.raises(InvalidStatus) as refused:
            connect(ws_url(gateway_url, ticket), origin=gateway_url, open_timeout=10)
        assert refused.value.response.status_code == 403


def test_the_docs_show_every_contract_and_every_live_document_and_try_it_out_works_through_the_gateway(gateway):
    config = gateway.get("/v3/api-docs/swagger-config").json()
    names = [entry["name"] for entry in config["urls"]]
    assert names == sorted(names) and names[0] == config["urls.primaryName"] == "contract: auth"
    assert {name.removeprefix("live: ") for name in names if name.startswith("live: ")} == set(SERVICES)
    # The four services' documents, and the gateway's own operations.yaml (Prometheus' queries, admin only).
    assert len([name for name in names if name.startswith("contract: ")]) == 5
    for entry in config["urls"]:
        document = gateway.get(entry["url"])
        assert document.status_code == 200, entry
        spec = yaml.safe_load(document.text)  # the contracts are YAML, the live documents JSON (a YAML subset)
        assert spec["servers"][0]["url"] == "/"
        # "Try it out" calls <server><path>: the service-info operation, through the gateway, answers; operations.yaml
        # has none, and its first operation answers what it answers without a token: a 401 problem from the edge.
        service_info = next((path for path in spec["paths"] if path.endswith("/service-info")), None)
        if service_info is None:
            first = next(iter(spec["paths"]))
            assert gateway.get(first, params={"query": "up"}).status_code == 401, first
            continue
        assert gateway.get(service_info).status_code == 200, service_info
    assert gateway.get("/docs", follow_redirects=True).status_code == 200
    redoc = gateway.get("/redoc")
    assert redoc.status_code == 200 and "redoc" in redoc.text.lower()
