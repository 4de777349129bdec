"""Real RS256 access tokens as auth-service signs them, and a verifier that gets their JWKS in-process (an httpx
transport) rather than from auth-service: what an app under test checks tokens with
(`app.dependency_overrides[get_token_verifier] = tokens.verifier`); or, where the app's own verifier must fetch
them over HTTP as in production (a benchmark), `jwks_endpoint(tokens)`: a real endpoint on a free port."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from service_kit.auth import AuthSettings, JwksCache, TokenVerifier

AUTH = AuthSettings(AUTH_JWKS_URL="http://auth.test/jwks.json")
KID = "tests"


class Tokens:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        self.jwks = {"keys": [{**jwk, "kid": KID, "use": "sig", "alg": "RS256"}]}

    def verifier(self) -> TokenVerifier:
        transport = httpx.MockTransport(lambda request: httpx.Response(200, json=self.jwks))
        return TokenVerifier(AUTH, keys=JwksCache(AUTH, transport=transport))

    def token(self, user_id: str, *roles: str) -> str:
        """A new access token (its own `jti`) of `user_id` with `roles`, valid for ten minutes."""
        now = int(time.time())
        claims = {"iss": AUTH.issuer, "aud": AUTH.audience, "sub": user_id, "roles": list(roles),
                  "email": "someone@example.com", "iat": now, "exp": now + 600, "jti": str(uuid.uuid4())}
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": KID})

    def headers(self, user_id: str, *roles: str) -> dict[str, str]:
        return {"Authorization": "Bearer " + self.token(user_id, *roles)}


@contextmanager
def jwks_endpoint(tokens: Tokens) -> Iterator[AuthSettings]:
    """Serves `tokens`' JWKS over HTTP on 127.0.0.1 (a free port) while the block runs; yields the settings that
    point a `TokenVerifier` at it (AUTH_JWKS_URL, and the issuer and audience `tokens.headers` signs for)."""
    document = json.dumps(tokens.jwks).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(document)))
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's signature)
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield AuthSettings(AUTH_JWKS_URL=f"http://127.0.0.1:{server.server_address[1]}/jwks.json",
                           AUTH_ISSUER=AUTH.issuer, AUTH_AUDIENCE=AUTH.audience)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
