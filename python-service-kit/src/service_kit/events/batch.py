"""`BatchRecord`: what a consumer writes to Redis about one batch of entries, in as few round trips as it can
without widening the window in which a crash makes a handler run twice.

Two things are written for an entry whose handler succeeded: its event's idempotency key
(`SET {<stream>}:<group>:processed:<event id> 1 PX <dedupe window>`, `processed_key`) and its acknowledgement
(XACK). The braces are a hash tag: in a Redis Cluster the key lands in the slot of the stream itself (Redis hashes
only the text between the first braces), so that keys and XACK can share one MULTI/EXEC there too. They play
different parts:
- the key is what keeps an event handled once: a redelivered entry whose key exists is skipped. So it is sent as soon
  as the handler returns, before the next handler of the batch gets far (a task that the next handler's first wait
  lets run), without the consumer waiting for Redis's answer. Keys of handlers that returned while an earlier write
  was still in flight go together in the next one (group commit): one round trip for however many handlers ended.
- the acknowledgement only spares a redelivery, which the key turns into a skip: the batch's entries (handled,
  duplicates, types the group does not handle) are acknowledged together when the batch is done, in one XACK,
  in the same MULTI/EXEC as the keys not sent yet. When the handlers do not wait for anything (the keys wait for the
  end of the batch), that MULTI/EXEC is the batch's only write: one round trip for the whole batch.

A consumer that dies after a handler returned and before its key reached Redis makes that event's handler run twice
(another consumer reclaims the entry and finds no key), as it did when each entry had its own MULTI/EXEC; one that
dies later, before the batch's XACK, leaves its entries pending, and whoever reclaims them skips them as duplicates.
"""

from __future__ import annotations

import asyncio

from service_kit.events.settings import ConsumerSettings
from service_kit.redis_client import RedisClient


def processed_key(settings: ConsumerSettings, event_id: str) -> str:
    """The idempotency key of an event handled by `settings.group`: `{<stream>}:<group>:processed:<event id>`."""
    return f"{{{settings.stream}}}:{settings.group}:processed:{event_id}"


class BatchRecord:
    """The idempotency keys and acknowledgements of one batch: `handled`, `ignored` or `duplicate` as entries are
    done, `finish()` once at the end of the batch (`abandon()` instead when the batch failed)."""

    def __init__(self, redis: RedisClient, settings: ConsumerSettings) -> None:
        self._redis = redis
        self._settings = settings
        self._to_acknowledge: list[str] = []
        self._duplicates = 0
        self._unsent_keys: list[str] = []
        self._sending: asyncio.Task[None] | None = None
        self._sending_started = False

    def handled(self, entry_id: str, processed_key: str) -> None:
        """The handler of `entry_id` succeeded: its key is sent at the next chance, the entry acknowledged at the end."""
        self._to_acknowledge.append(entry_id)
        self._unsent_keys.append(processed_key)
        if self._sending is not None and self._sending.done():
            self._sending.result()  # a failed write fails the batch: its entries stay pending and come back
            self._sending = None
        if self._sending is None:
            self._sending_started = False
            self._sending = asyncio.create_task(self._send_keys(), name=f"keys {self._settings.stream}")

    def ignored(self, entry_id: str) -> None:
        """Nothing to run for `entry_id` (a type the group does not handle): acknowledged at the end."""
        self._to_acknowledge.append(entry_id)

    def duplicate(self, entry_id: str) -> None:
        """The event of `entry_id` was handled already: acknowledged at the end, not counted by `finish()`."""
        self._to_acknowledge.append(entry_id)
        self._duplicates += 1

    async def _send_keys(self) -> None:
        self._sending_started = True
        while self._unsent_keys:
            keys, self._unsent_keys = self._unsent_keys, []
            async with self._redis.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.set(key, 1, px=self._settings.dedupe_window_ms)
                await pipe.execute()

    async def finish(self) -> int:
        """Writes the keys not sent yet and acknowledges the batch's entries, in one MULTI/EXEC; returns how many
        handled or ignored entries it acknowledged (duplicates are counted apart)."""
        await self._settle(raise_errors=True)
        keys, self._unsent_keys = self._unsent_keys, []
        entries, self._to_acknowledge = self._to_acknowledge, []
        duplicates, self._duplicates = self._duplicates, 0
        if not keys and not entries:
            return 0
        s = self._settings
        async with self._redis.pipeline(transaction=True) as pipe:
            for key in keys:
                pipe.set(key, 1, px=s.dedupe_window_ms)
            if entries:
                pipe.xack(s.stream, s.group, *entries)
            await pipe.execute()
        return len(entries) - duplicates

    async def abandon(self) -> None:
        """The batch failed half-way: waits for a key write in flight (cancelling one in flight could leave its
        connection out of step with its replies) and acknowledges nothing; the entries stay pending."""
        await self._settle(raise_errors=False)
        self._unsent_keys, self._to_acknowledge, self._duplicates = [], [], 0

    async def _settle(self, *, raise_errors: bool) -> None:
        sending, self._sending = self._sending, None
        if sending is None:
            return
        if not self._sending_started:
            sending.cancel()  # never ran: its keys go with the acknowledgement
            return
        if raise_errors:
            await asyncio.shield(sending)
        else:
            await asyncio.gather(asyncio.shield(sending), return_exceptions=True)
