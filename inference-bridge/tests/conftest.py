"""Fixtures of inference-bridge's tests: one small model trained per session into a temporary MODEL_DIR, and
real RS256 access tokens checked through a real JWKS endpoint (a local HTTP server standing in for
auth-service's /.well-known/jwks.json)."""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from threadpoolctl import threadpool_limits

from inference_bridge.domain.model import EtaModel, load_model
from inference_bridge.domain.model.train import train

SESSION_MODEL_ROWS = 20_000
SESSION_MODEL_SEED = 11


@pytest.fixture(scope="session", autouse=True)
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A model trained once for the session; MODEL_DIR points at it (also for services the tests start)."""
    directory = tmp_path_factory.mktemp("models")
    # One OpenMP thread for the whole test process (every training here too): on a busy shared machine,
    # OpenMP's spinning threads slow scikit-learn down tenfold.
    threadpool_limits(limits=1)
    train(seed=SESSION_MODEL_SEED, rows=SESSION_MODEL_ROWS, output=directory)
    previous = os.environ.get("MODEL_DIR")
    os.environ["MODEL_DIR"] = str(directory)
    yield directory
    if previous is None:
        os.environ.pop("MODEL_DIR", None)
    else:
        os.environ["MODEL_DIR"] = previous


@pytest.fixture(scope="session")
def model(model_dir: Path) -> EtaModel:
    return load_model(model_dir)


@dataclass
class Tokens:
    private_key: rsa.RSAPrivateKey
    kid: str

    def issue(self, role: str = "user", user_id: str | None = None) -> str:
        now = int(time.time())
        claims = {"iss": "polyglot-auth", "aud": "polyglot-platform", "sub": user_id or str(uuid.uuid4()),
                  "roles": [role], "email": f"{role}@example.com", "iat": now, "exp": now + 600,
                  "jti": str(uuid.uuid4())}
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": self.kid})

    def headers(self, role: str = "user", user_id: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.issue(role, user_id)}"}


@pytest.fixture(scope="session", autouse=True)
def tokens() -> Iterator[Tokens]:
    """Signs tokens as auth-service does; AUTH_JWKS_URL points every app of the session at their JWKS."""
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = f"test-{uuid.uuid4().hex[:8]}"
    jwk = {**json.loads(RSAAlgorithm.to_jwk(private_key.public_key())), "kid": kid, "use": "sig", "alg": "RS256"}
    body = json.dumps({"keys": [jwk]}).encode()

    class JwksEndpoint(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), JwksEndpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    previous = os.environ.get("AUTH_JWKS_URL")
    os.environ["AUTH_JWKS_URL"] = f"http://127.0.0.1:{server.server_address[1]}/api/auth/.well-known/jwks.json"
    yield Tokens(private_key, kid)
    server.shutdown()
    server.server_close()
    if previous is None:
        os.environ.pop("AUTH_JWKS_URL", None)
    else:
        os.environ["AUTH_JWKS_URL"] = previous


def shipment(**overrides: object) -> dict[str, object]:
    """A valid shipment, Dallas to Chicago by truckload on a Tuesday morning."""
    return {"origin": "TX", "destination": "IL", "distance_km": 1480.0, "weight_kg": 12000.0, "mode": "ftl",
            "carrier": "swift", "pickup_at": "2026-11-24T08:00:00-06:00", **overrides}


@pytest.fixture
def make_shipment() -> Callable[..., dict[str, object]]:
    return shipment
