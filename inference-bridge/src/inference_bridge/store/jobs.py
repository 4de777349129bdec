"""Jobs in Redis: state, input and results, each with the job's expiry.

- `inference:job:{<id>}` (hash): id, user_id, status, total_items, processed_items, created_at, started_at,
  finished_at, model_version, error_code, error_reason, events_published;
- `inference:job:{<id>}:input` (string): the shipments as columns (JSON), deleted once the job's outcome
  events are published;
- `inference:job:{<id>}:results` (list): one JSON array of predictions per chunk, in chunk order.

The braces are a hash tag: in a Redis Cluster the three keys of a job share the slot of its id (Redis hashes only
the text between the first braces), so that the MULTI/EXEC blocks and the scripts below, which touch two of them at
once, run there too.

A chunk is appended only at its own position (a Lua script compares the list length with the chunk's index),
together with the processed count: a worker killed mid-job, or two workers racing over a reclaimed job, can
never append a chunk twice, and the next worker resumes after the last chunk stored.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from service_kit.redis_client import RedisClient

TERMINAL = ("succeeded", "failed")

_APPEND_CHUNK = """
if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
if redis.call('LLEN', KEYS[1]) ~= tonumber(ARGV[1]) then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
redis.call('HSET', KEYS[2], 'processed_items', ARGV[3])
return 1
"""

_FINISH = """
local status = redis.call('HGET', KEYS[1], 'status')
if status == false then return -1 end
if status == 'succeeded' or status == 'failed' then return 0 end
for i = 1, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1
"""


def now_rfc3339() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _key(job_id: str) -> str:
    return f"inference:job:{{{job_id}}}"


@dataclass(frozen=True)
class JobState:
    fields: dict[str, str]

    @property
    def id(self) -> str:
        return self.fields["id"]

    @property
    def user_id(self) -> str:
        return self.fields["user_id"]

    @property
    def status(self) -> str:
        return self.fields["status"]

    @property
    def total_items(self) -> int:
        return int(self.fields["total_items"])

    @property
    def processed_items(self) -> int:
        return int(self.fields.get("processed_items", 0))

    @property
    def is_over(self) -> bool:
        return self.status in TERMINAL

    def get(self, name: str) -> str | None:
        return self.fields.get(name) or None


class JobStore:
    """The jobs of one Redis, each kept `ttl_seconds` (INFERENCE_JOB_TTL_SECONDS); one per app, made by its lifespan
    (the Lua scripts are registered once)."""

    def __init__(self, redis: RedisClient, ttl_seconds: int) -> None:
        self.redis = redis
        self.ttl_seconds = ttl_seconds
        self._append_chunk = redis.register_script(_APPEND_CHUNK)
        self._finish = redis.register_script(_FINISH)

    async def create(self, *, user_id: str, columns: Mapping[str, Any], total_items: int) -> JobState:
        job_id = str(uuid.uuid4())
        fields = {"id": job_id, "user_id": user_id, "status": "queued", "total_items": str(total_items),
                  "processed_items": "0", "created_at": now_rfc3339()}
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(f"{_key(job_id)}:input", orjson.dumps(columns).decode(), ex=self.ttl_seconds)
            pipe.hset(_key(job_id), mapping=fields)
            pipe.expire(_key(job_id), self.ttl_seconds)
            await pipe.execute()
        return JobState(fields)

    async def get(self, job_id: str) -> JobState | None:
        fields = await self.redis.hgetall(_key(job_id))
        return JobState(fields) if fields else None

    async def input_columns(self, job_id: str) -> dict[str, list[Any]] | None:
        text = await self.redis.get(f"{_key(job_id)}:input")
        return orjson.loads(text) if text is not None else None

    async def mark_running(self, job_id: str, model_version: str) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hsetnx(_key(job_id), "started_at", now_rfc3339())
            pipe.hset(_key(job_id), mapping={"status": "running", "model_version": model_version})
            await pipe.execute()

    async def chunks_done(self, job_id: str) -> int:
        return int(await self.redis.llen(f"{_key(job_id)}:results"))

    async def append_chunk(self, job_id: str, index: int, predictions: list[dict[str, Any]], processed: int) -> bool:
        """Stores chunk `index` unless it is stored already; False if it was (or the job has expired)."""
        appended = await self._append_chunk(
            keys=[f"{_key(job_id)}:results", _key(job_id)],
            args=[index, orjson.dumps(predictions).decode(), processed, self.ttl_seconds],
        )
        return int(appended) == 1

    async def finish(self, job_id: str, **fields: str) -> bool:
        """Sets the terminal fields (status, finished_at, ...) unless the job is over already."""
        args = [item for pair in fields.items() for item in pair]
        return int(await self._finish(keys=[_key(job_id)], args=args)) == 1

    async def mark_events_published(self, job_id: str) -> None:
        """The outcome's events are out: the input (needed for the usage event's lanes) can go."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(_key(job_id), "events_published", "1")
            pipe.delete(f"{_key(job_id)}:input")
            await pipe.execute()

    async def results(self, job_id: str) -> list[dict[str, Any]]:
        chunks = await self.redis.lrange(f"{_key(job_id)}:results", 0, -1)
        return [prediction for chunk in chunks for prediction in orjson.loads(chunk)]
