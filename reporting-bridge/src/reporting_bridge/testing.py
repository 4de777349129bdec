"""Test helpers of reporting-bridge (its tests and the e2e/benchmark scripts): events with chosen times and
ids, and real RS256 access tokens whose JWKS is served in-process (an httpx transport), not by auth-service.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime
from typing import Any

import httpx
import jwt
import numpy as np
import pandas as pd
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import Engine, insert

from reporting_bridge.ingest import store_event
from reporting_bridge.store import event_lanes, events
from contract_types.event_types import EVENT_TYPES
from service_kit.auth import AuthSettings, JwksCache, TokenVerifier
from service_kit.events import CloudEvent, TypedEvent

AUTH = AuthSettings(jwks_url="http://auth.test/jwks.json")
KID = "reporting-tests"


def event(type: str, data: dict[str, Any], at: str, *, event_id: str | None = None) -> TypedEvent[Any]:
    """An event of `type` at `at` (RFC 3339 UTC), as the consumer hands it to a handler; `data` must be a valid
    payload of the type (it is parsed into the type's generated model)."""
    event_type = EVENT_TYPES[type]
    payload = event_type.payload.model_validate(data)
    envelope = CloudEvent(specversion="1.0", id=event_id or str(uuid.uuid4()), source="/tests", type=type, time=at,
                          datacontenttype="application/json", dataschema=event_type.dataschema,
                          traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                          data=payload.model_dump(mode="json", by_alias=True))
    return TypedEvent(envelope, payload)


def store(engine: Engine, *events: TypedEvent[Any]) -> None:
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


EVENT_MIX = (("inference.usage", 0.6), ("inference.job.completed", 0.1), ("user.registered", 0.1),
             ("report.progress", 0.2))
STATES = ("TX", "CA", "NY", "NJ", "FL", "IL", "WA", "OR", "GA", "OH")
ROLES = ("user", "user", "user", "viewer", "admin")


def synthetic_events(count: int, *, start: datetime, days: int, users: list[str], seed: int = 7) -> pd.DataFrame:
    """`count` platform events spread evenly over `days` from `start` (a mix like a busy platform's), as
    rows of the `events` table (plus one lane per usage event): what the benchmark and the slow tests load."""
    rng = np.random.default_rng(seed)
    types = rng.choice([t for t, _ in EVENT_MIX], size=count, p=[p for _, p in EVENT_MIX])
    offsets = np.sort(rng.integers(0, days * 86_400, size=count))
    frame = pd.DataFrame({
        "id": [str(uuid.UUID(int=int(x), version=4)) for x in rng.integers(0, 2**62, size=count)],
        "type": types,
        "source": "/benchmark",
        "occurred_at": pd.Timestamp(start) + pd.to_timedelta(offsets, unit="s"),
        "user_id": rng.choice(users, size=count),
        "ingested_at": pd.Timestamp(start),
    })
    is_usage = frame["type"] == "inference.usage"
    frame["predictions"] = np.where(is_usage, rng.integers(1, 50, size=count), None)
    frame["latency_ms"] = np.where(is_usage, rng.uniform(1, 40, size=count).round(2), None)
    frame["mean_delay_probability"] = np.where(is_usage, rng.uniform(0, 1, size=count).round(4), None)
    frame["duration_ms"] = np.where(frame["type"] == "inference.job.completed", rng.integers(50, 5000, size=count), None)
    frame["role"] = np.where(frame["type"] == "user.registered", rng.choice(ROLES, size=count), None)
    frame["origin"] = np.where(is_usage, rng.choice(STATES, size=count), None)
    frame["destination"] = np.where(is_usage, rng.choice(STATES, size=count), None)
    return frame


def load_events(engine: Engine, frame: pd.DataFrame, batch_rows: int = 20_000) -> None:
    """Bulk-inserts synthetic_events' rows (events and their lanes), bypassing the stream: test data only."""
    for first in range(0, len(frame), batch_rows):
        part = frame.iloc[first:first + batch_rows]
        rows = part.drop(columns=["origin", "destination"]).astype(object).where(part.notna(), None)
        rows = rows.to_dict("records")
        for row in rows:
            row["occurred_at"] = row["occurred_at"].to_pydatetime()
            row["ingested_at"] = row["ingested_at"].to_pydatetime()
            row["data"] = {}
        usage = part[part["type"] == "inference.usage"]
        lanes = [{"event_id": r.id, "occurred_at": r.occurred_at.to_pydatetime(), "user_id": r.user_id,
                  "origin": r.origin, "destination": r.destination, "predictions": int(r.predictions),
                  "mean_delay_probability": float(r.mean_delay_probability)} for r in usage.itertuples()]
        with engine.begin() as connection:
            connection.execute(insert(events), rows)
            if lanes:
                connection.execute(insert(event_lanes), lanes)
