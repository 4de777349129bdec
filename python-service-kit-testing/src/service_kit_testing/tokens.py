"""Real RS256 access tokens as auth-service signs them, and a verifier that gets their JWKS in-process (an httpx
transport) rather than from auth-service: what an app under test checks tokens with
(`app.dependency_overrides[get_token_verifier] = tokens.verifier`)."""

from __future__ import annotations

import json
import time

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

    def headers(self, user_id: str, *roles: str) -> dict[str, str]:
        now = int(time.time())
        claims = {"iss": AUTH.issuer, "aud": AUTH.audience, "sub": user_id, "roles": list(roles),
                  "email": "someone@example.com", "iat": now, "exp": now + 600}
        return {"Authorization": "Bearer " + jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": KID})}
