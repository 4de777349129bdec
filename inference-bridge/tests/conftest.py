"""Fixtures of inference-bridge's tests: one small model trained per session into a temporary MODEL_DIR, and
real RS256 access tokens checked through a real JWKS endpoint (`service_kit_testing.tokens.jwks_endpoint`, a local
HTTP server standing in for auth-service's /.well-known/jwks.json)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from threadpoolctl import threadpool_limits

from inference_bridge.domain.model import EtaModel, load_model
from inference_bridge.domain.model.train import train
from service_kit_testing.tokens import Tokens as SigningTokens
from service_kit_testing.tokens import jwks_endpoint

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
    """Access tokens of one role each, for a new user unless `user_id` is given."""

    signing: SigningTokens

    def issue(self, role: str = "user", user_id: str | None = None) -> str:
        return self.signing.token(user_id or str(uuid.uuid4()), role)

    def headers(self, role: str = "user", user_id: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.issue(role, user_id)}"}


@pytest.fixture(scope="session", autouse=True)
def tokens() -> Iterator[Tokens]:
    """Signs tokens as auth-service does; AUTH_JWKS_URL points every app of the session at their JWKS."""
    signing = SigningTokens()
    previous = os.environ.get("AUTH_JWKS_URL")
    with jwks_endpoint(signing) as auth:
        assert auth.jwks_url is not None
        os.environ["AUTH_JWKS_URL"] = auth.jwks_url
        try:
            yield Tokens(signing)
        finally:
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
