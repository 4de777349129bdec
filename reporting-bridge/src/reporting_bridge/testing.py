"""Test helpers of reporting-bridge (its tests and the e2e/benchmark scripts): events with chosen times and
ids, and real RS256 access tokens whose JWKS is served in-process (an httpx transport), not by auth-service.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import Engine

from reporting_bridge.ingest import store_event
from service_kit.auth import AuthSettings, JwksCache, TokenVerifier
from service_kit.events import CloudEvent

AUTH = AuthSettings(jwks_url="http://auth.test/jwks.json")
KID = "reporting-tests"


def event(type: str, data: dict[str, Any], at: str, *, event_id: str | None = None) -> CloudEvent:
    return CloudEvent(specversion="1.0", id=event_id or str(uuid.uuid4()), source="/tests", type=type,
                      time=at, datacontenttype="application/json", dataschema=f"https://polyglot.dev/{type}",
                      traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", data=data)


def store(engine: Engine, *events: CloudEvent) -> None:
    for one in events:
        store_event(engine, one)


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
