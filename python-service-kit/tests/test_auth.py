"""service_kit.auth: only auth-service's RS256 tokens get through, checked against a real JWKS over HTTP.

The keys are made here; a small HTTP server in a thread plays auth-service's JWKS endpoint, so the cache's
fetching, refetching on rotation and failure handling run over real sockets.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from jwt.algorithms import RSAAlgorithm

from service_kit import auth
from service_kit.auth import (
    CLOCK_SKEW_SECONDS,
    AcceptedTokens,
    AuthSettings,
    InvalidToken,
    JwksCache,
    Principal,
    TokenVerifier,
    get_token_verifier,
    require_principal,
)
from service_kit.problems import install_problem_handlers

ISSUER = "polyglot-auth"
AUDIENCE = "polyglot-platform"
PROBLEM_JSON = "application/problem+json"


class SigningKey:
    def __init__(self, kid: str | None = None) -> None:
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public_jwk = json.loads(RSAAlgorithm.to_jwk(self.private.public_key()))
        self.kid = kid or _thumbprint(public_jwk)
        self.public_jwk = {**public_jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}

    def public_pem(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def sign(self, claims: dict[str, Any], **header: Any) -> str:
        return jwt.encode(claims, self.private, algorithm="RS256", headers={"kid": self.kid, **header})


def _thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638, as auth-service names its keys."""
    canonical = json.dumps({name: jwk[name] for name in ("e", "kty", "n")}, separators=(",", ":"))
    return _b64(hashlib.sha256(canonical.encode()).digest())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    values = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": str(uuid.uuid4()),
        "roles": ["user"],
        "email": "ada@example.com",
        "jti": str(uuid.uuid4()),
        "iat": now,
        "exp": now + 900,
    }
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not None}


def unsigned_token(header: dict[str, Any], payload: dict[str, Any], signature: bytes = b"") -> str:
    head = _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(payload).encode())
    return head + "." + _b64(signature)


class JwksServer:
    """auth-service's JWKS endpoint: serves `keys`, or answers `status` with a non-JWKS body."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.status = 200
        self.body: bytes | None = None
        self.requests = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                outer.requests += 1
                body = outer.body if outer.body is not None else json.dumps({"keys": outer.keys}).encode()
                self.send_response(outer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/api/auth/.well-known/jwks.json"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> JwksServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey()


@pytest.fixture(scope="module")
def other_key() -> SigningKey:
    return SigningKey()


@pytest.fixture
def jwks(key: SigningKey) -> Iterator[JwksServer]:
    with JwksServer() as server:
        server.keys = [key.public_jwk]
        yield server


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(jwks: JwksServer) -> AuthSettings:
    return AuthSettings(AUTH_JWKS_URL=jwks.url, AUTH_ISSUER=ISSUER, AUTH_AUDIENCE=AUDIENCE)


@pytest.fixture
def verifier(settings: AuthSettings, clock: FakeClock) -> TokenVerifier:
    return TokenVerifier(settings, keys=JwksCache(settings, clock=clock))


@pytest.fixture
def client(verifier: TokenVerifier) -> TestClient:
    app = FastAPI()
    install_problem_handlers(app)
    app.dependency_overrides[get_token_verifier] = lambda: verifier

    @app.get("/me")
    async def me(principal: Principal = Depends(require_principal())) -> dict[str, Any]:
        return {"user_id": principal.user_id, "email": principal.email, "roles": list(principal.roles)}

    @app.get("/admin")
    async def admin(principal: Principal = Depends(require_principal("admin"))) -> dict[str, str]:
        return {"user_id": principal.user_id}

    return TestClient(app)


def get(client: TestClient, path: str, token: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.get(path, headers=headers)


def assert_401(response: Any) -> dict[str, Any]:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["www-authenticate"].startswith("Bearer")
    problem = response.json()
    assert problem["status"] == 401
    assert problem["title"] == "Unauthorized"
    assert problem["type"] == "/problems/unauthorized", "the contracts' type for 401"
    return problem


def test_a_valid_token_gives_the_principal(client: TestClient, key: SigningKey) -> None:
    token_claims = claims(roles=["admin"])
    response = get(client, "/me", key.sign(token_claims))
    assert response.status_code == 200, response.text
    assert response.json() == {"user_id": token_claims["sub"], "email": "ada@example.com", "roles": ["admin"]}
    assert get(client, "/admin", key.sign(token_claims)).status_code == 200


def test_a_missing_token_is_a_401_with_a_bearer_challenge(client: TestClient) -> None:
    problem = assert_401(get(client, "/me", None))
    assert "bearer" in problem["detail"].lower()
    assert get(client, "/me", None).headers["www-authenticate"] == "Bearer"
    assert_401(client.get("/me", headers={"Authorization": "Basic YWRhOnNlY3JldA=="}))


def test_an_invalid_token_says_invalid_token_in_the_challenge(client: TestClient) -> None:
    response = get(client, "/me", "not-a-jwt")
    assert_401(response)
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


def test_a_user_without_the_role_gets_a_403_problem(client: TestClient, key: SigningKey) -> None:
    response = get(client, "/admin", key.sign(claims(roles=["viewer"])))
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["status"] == 403
    assert response.json()["type"] == "/problems/forbidden", "the contracts' type for 403"
    assert "admin" in response.json()["detail"]


@pytest.mark.parametrize("typ", [None, "JWT", "at+jwt"])
def test_the_typ_header_is_optional(client: TestClient, key: SigningKey, typ: str | None) -> None:
    token = jwt.encode(claims(), key.private, algorithm="RS256", headers={"kid": key.kid, "typ": typ})
    assert get(client, "/me", token).status_code == 200


def test_alg_none_is_refused(client: TestClient, key: SigningKey) -> None:
    assert_401(get(client, "/me", unsigned_token({"alg": "none", "kid": key.kid}, claims(roles=["admin"]))))
    assert_401(get(client, "/me", unsigned_token({"alg": "none", "typ": "JWT"}, claims())))


def test_hs256_signed_with_the_public_key_is_refused(client: TestClient, key: SigningKey) -> None:
    """Algorithm confusion: the public key (PEM or JWK form) used as an HMAC secret."""
    for secret in (key.public_pem(), json.dumps(key.public_jwk).encode()):
        header = {"alg": "HS256", "typ": "JWT", "kid": key.kid}
        unsigned = unsigned_token(header, claims(roles=["admin"]))[:-1]
        signature = hmac.new(secret, unsigned.encode(), hashlib.sha256).digest()
        assert_401(get(client, "/me", unsigned + _b64(signature)))


def test_other_asymmetric_algorithms_are_refused(client: TestClient, key: SigningKey) -> None:
    token = jwt.encode(claims(), key.private, algorithm="PS256", headers={"kid": key.kid})
    assert_401(get(client, "/me", token))


def test_a_token_signed_by_a_foreign_key_is_refused(client: TestClient, key: SigningKey) -> None:
    foreign = SigningKey(kid=key.kid)  # claims to be auth-service's key
    assert_401(get(client, "/me", foreign.sign(claims(roles=["admin"]))))


def test_a_tampered_payload_is_refused(client: TestClient, key: SigningKey) -> None:
    head, _, signature = key.sign(claims(roles=["viewer"])).split(".")
    forged = _b64(json.dumps(claims(roles=["admin"])).encode())
    assert_401(get(client, "/me", f"{head}.{forged}.{signature}"))


def test_an_expired_token_is_refused_after_the_clock_skew(client: TestClient, key: SigningKey) -> None:
    now = int(time.time())
    assert_401(get(client, "/me", key.sign(claims(iat=now - 1000, exp=now - 90))))
    assert get(client, "/me", key.sign(claims(iat=now - 1000, exp=now - 30))).status_code == 200  # within 60 s


def test_a_token_not_yet_valid_is_refused(client: TestClient, key: SigningKey) -> None:
    now = int(time.time())
    assert_401(get(client, "/me", key.sign(claims(nbf=now + 300))))


@pytest.mark.parametrize(
    "bad",
    [
        {"aud": "another-platform"},
        {"aud": None},
        {"iss": "someone-else"},
        {"iss": None},
        {"exp": None},
        {"sub": None},
        {"roles": "admin"},
        {"roles": [1]},
    ],
    ids=["wrong-aud", "no-aud", "wrong-iss", "no-iss", "no-exp", "no-sub", "roles-not-list", "roles-not-names"],
)
def test_claims_that_do_not_fit_are_refused(client: TestClient, key: SigningKey, bad: dict[str, Any]) -> None:
    assert_401(get(client, "/me", key.sign(claims(**bad))))


def test_a_token_without_kid_is_refused(client: TestClient, key: SigningKey) -> None:
    token = jwt.encode(claims(), key.private, algorithm="RS256")
    assert_401(get(client, "/me", token))


def test_an_audience_list_containing_ours_is_accepted(client: TestClient, key: SigningKey) -> None:
    assert get(client, "/me", key.sign(claims(aud=["other", AUDIENCE]))).status_code == 200


def test_rotation_is_picked_up_on_an_unknown_kid_at_most_every_10_s(
    client: TestClient, jwks: JwksServer, key: SigningKey, other_key: SigningKey, clock: FakeClock
) -> None:
    assert get(client, "/me", key.sign(claims())).status_code == 200
    assert jwks.requests == 1

    # auth-service rotates: the new key signs, the old one stays published.
    jwks.keys = [other_key.public_jwk, key.public_jwk]
    clock.now += 1
    # Fetched less than 10 s ago: the unknown kid is refused without asking auth-service again.
    assert_401(get(client, "/me", other_key.sign(claims())))
    assert jwks.requests == 1

    clock.now += 10
    assert get(client, "/me", other_key.sign(claims())).status_code == 200
    assert get(client, "/me", key.sign(claims())).status_code == 200
    assert jwks.requests == 2


def test_made_up_kids_do_not_hammer_the_jwks(client: TestClient, jwks: JwksServer, key: SigningKey) -> None:
    for attempt in range(20):
        made_up = unsigned_token({"alg": "RS256", "kid": f"made-up-{attempt}"}, claims(), b"x" * 256)
        assert_401(get(client, "/me", made_up))
    assert jwks.requests == 1


def test_a_key_withdrawn_from_the_jwks_stops_working_after_the_cache_age(
    client: TestClient, jwks: JwksServer, key: SigningKey, other_key: SigningKey, clock: FakeClock
) -> None:
    assert get(client, "/me", key.sign(claims())).status_code == 200
    jwks.keys = [other_key.public_jwk]
    clock.now += 301
    assert_401(get(client, "/me", key.sign(claims())))
    assert get(client, "/me", other_key.sign(claims())).status_code == 200


def test_an_accepted_token_is_remembered_until_a_minute_passes_or_it_expires(
    settings: AuthSettings, key: SigningKey, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    wall = FakeClock()
    wall.now = time.time()
    verifier = TokenVerifier(settings, keys=JwksCache(settings, clock=clock), accepted=AcceptedTokens(clock=wall))
    checks = []
    decode = auth.jwt.decode
    monkeypatch.setattr(auth.jwt, "decode", lambda *args, **kwargs: checks.append(1) or decode(*args, **kwargs))
    long_lived = key.sign(claims(exp=int(wall.now) + 900))
    short_lived = key.sign(claims(exp=int(wall.now) + 5))

    first = asyncio.run(verifier.verify(long_lived))
    assert asyncio.run(verifier.verify(long_lived)) == first
    assert len(checks) == 1, "the second use of the same token costs no signature check"
    wall.now += 59
    asyncio.run(verifier.verify(long_lived))
    assert len(checks) == 1
    wall.now += 2  # a minute after it was accepted: checked again
    asyncio.run(verifier.verify(long_lived))
    assert len(checks) == 2

    asyncio.run(verifier.verify(short_lived))
    assert len(checks) == 3
    wall.now += 5 + CLOCK_SKEW_SECONDS  # its exp and the skew have passed: checked again (and refused, on time)
    asyncio.run(verifier.verify(short_lived))
    assert len(checks) == 4


def test_a_refused_token_is_not_remembered(verifier: TokenVerifier, key: SigningKey) -> None:
    forged = key.sign(claims(aud="another-platform"))
    for _ in range(2):
        with pytest.raises(InvalidToken):
            asyncio.run(verifier.verify(forged))
    assert len(verifier.accepted) == 0


def test_the_remembered_tokens_are_bounded(settings: AuthSettings, key: SigningKey, clock: FakeClock) -> None:
    verifier = TokenVerifier(settings, keys=JwksCache(settings, clock=clock), accepted=AcceptedTokens(max_entries=3))
    for _ in range(7):
        asyncio.run(verifier.verify(key.sign(claims())))
        assert 1 <= len(verifier.accepted) <= 3


def test_an_unreachable_jwks_is_a_401_never_a_500(key: SigningKey, clock: FakeClock) -> None:
    with JwksServer() as stopped:
        url = stopped.url  # its port is free again once it has stopped
    settings = AuthSettings(AUTH_JWKS_URL=url, AUTH_ISSUER=ISSUER, AUTH_AUDIENCE=AUDIENCE)
    app = FastAPI()
    install_problem_handlers(app)
    verifier = TokenVerifier(settings, keys=JwksCache(settings, clock=clock, fetch_timeout_seconds=1))
    app.dependency_overrides[get_token_verifier] = lambda: verifier

    @app.get("/me")
    async def me(principal: Principal = Depends(require_principal())) -> dict[str, str]:
        return {"user_id": principal.user_id}

    client = TestClient(app, raise_server_exceptions=False)
    assert_401(get(client, "/me", key.sign(claims())))


@pytest.mark.parametrize(
    ("status", "body"),
    [(503, b"upstream down"), (200, b"<html>not json</html>"), (200, b'{"keys": "nope"}'), (200, b'{"keys": []}')],
    ids=["503", "not-json", "keys-not-list", "no-keys"],
)
def test_a_broken_jwks_is_a_401_and_the_service_recovers(
    client: TestClient, jwks: JwksServer, key: SigningKey, clock: FakeClock, status: int, body: bytes
) -> None:
    jwks.status, jwks.body = status, body
    assert_401(get(client, "/me", key.sign(claims())))
    jwks.status, jwks.body = 200, None
    clock.now += 10
    assert get(client, "/me", key.sign(claims())).status_code == 200


def test_a_failed_fetch_keeps_the_keys_already_known(
    client: TestClient, jwks: JwksServer, key: SigningKey, clock: FakeClock
) -> None:
    assert get(client, "/me", key.sign(claims())).status_code == 200
    jwks.status = 500
    clock.now += 301
    assert get(client, "/me", key.sign(claims())).status_code == 200
    assert jwks.requests == 2


def test_private_and_non_signing_keys_in_the_jwks_are_ignored(
    client: TestClient, jwks: JwksServer, key: SigningKey
) -> None:
    private_jwk = {**json.loads(RSAAlgorithm.to_jwk(key.private)), "kid": "leaked"}
    encryption_jwk = {**key.public_jwk, "kid": "enc", "use": "enc"}
    jwks.keys = [private_jwk, encryption_jwk, {"kty": "oct", "kid": "k", "k": "c2VjcmV0"}]
    jwks_signed = jwt.encode(claims(), key.private, algorithm="RS256", headers={"kid": "leaked"})
    assert_401(get(client, "/me", jwks_signed))
    assert_401(get(client, "/me", jwt.encode(claims(), key.private, algorithm="RS256", headers={"kid": "enc"})))


AUTH_VARIABLES = ("AUTH_SERVICE_URL", "AUTH_JWKS_URL", "AUTH_ISSUER", "AUTH_AUDIENCE")


def test_settings_default_to_auth_service_url(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in AUTH_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    defaults = AuthSettings()
    assert (defaults.keys_url, defaults.issuer, defaults.audience) == (
        "http://127.0.0.1:8081/api/auth/.well-known/jwks.json", ISSUER, AUDIENCE)

    monkeypatch.setenv("AUTH_SERVICE_URL", "http://auth:9000/")
    monkeypatch.setenv("AUTH_ISSUER", "")
    monkeypatch.setenv("AUTH_JWKS_URL", "")
    from_service = AuthSettings()
    assert from_service.keys_url == "http://auth:9000/api/auth/.well-known/jwks.json"
    assert from_service.issuer == ISSUER

    monkeypatch.setenv("AUTH_SERVICE_URL", "http://127.0.0.1:8081/, http://127.0.0.1:8181")
    assert AuthSettings().keys_url == "http://127.0.0.1:8081/api/auth/.well-known/jwks.json", "the first instance"

    monkeypatch.setenv("AUTH_JWKS_URL", "https://keys.example/jwks")
    monkeypatch.setenv("AUTH_ISSUER", "i")
    monkeypatch.setenv("AUTH_AUDIENCE", "a")
    explicit = AuthSettings()
    assert (explicit.keys_url, explicit.issuer, explicit.audience) == ("https://keys.example/jwks", "i", "a")
