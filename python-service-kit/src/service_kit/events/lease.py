"""`EntryLeases`: a consumer's hold on the pending entries it is working on, so that no other consumer of the group
reclaims an entry whose handler is alive, however long the handler takes.

Reclaiming (XAUTOCLAIM) takes over entries idle for `min_idle_ms`, and an entry's idle time only restarts when it
is delivered or claimed. Without a lease, a handler that runs longer than `min_idle_ms` has its entry handed to a
second consumer while it still works on it: the work is done twice. So while a handler runs, its consumer renews
the entry every `renew_interval_ms` (a third of `min_idle_ms`) by claiming it for itself again with JUSTID, which
restarts the idle time without counting a delivery: the queues' "visibility timeout extension" (SQS
ChangeMessageVisibility). A consumer that dies stops renewing, and its entries are reclaimed after `min_idle_ms`
as before.

The renewal is a script rather than redis-py's `xclaim(..., justid=True)` because XCLAIM does not look at who owns
the entry: a renewal that came too late (the event loop held up longer than `min_idle_ms`) would take the entry back
from the consumer that reclaimed it meanwhile, and both would go on handling it. The script claims the entry only
while this consumer still owns it and says whether it did. A lost lease is logged and counted
(`events_lease_renewals_failed_total`), and so is a renewal that Redis did not answer. The handler is left to
finish (its side effects are idempotent, and the reporting worker fences its own writes), and then the consumer
leaves the entry to its new owner: it neither acknowledges nor dead-letters an entry it no longer holds.

The same check runs before a handler starts on an entry taken a while ago (the later entries of a batch wait for
the earlier ones' handlers): one that another consumer has reclaimed meanwhile is left to it.

Renewals run on the event loop, beside the handler: a handler that blocks the loop (CPU work not moved to a thread)
starves its own lease.
"""

from __future__ import annotations

import asyncio
import logging
import time

from prometheus_client import Counter
from redis.exceptions import RedisError

from service_kit.events.settings import ConsumerSettings
from service_kit.redis_client import RedisClient

logger = logging.getLogger(__name__)

# KEYS[1] stream; ARGV group, consumer, entry id. 1: claimed again (idle time 0, delivery count unchanged);
# 0: the entry is no longer pending for this consumer (another one reclaimed it, or it was acknowledged).
RENEW_SCRIPT = """
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
if #pending == 0 or pending[1][2] ~= ARGV[2] then
  return 0
end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
return 1
"""

# How many renewals fit in one min_idle_ms: a late one still lands before the entry is reclaimable.
RENEWALS_PER_MIN_IDLE = 3


def renew_interval_ms(settings: ConsumerSettings) -> float:
    return settings.min_idle_ms / RENEWALS_PER_MIN_IDLE


class EntryLeases:
    """Renews the entries of `settings.consumer`; `renewals_failed` counts renewals that did not keep an entry."""

    def __init__(self, redis: RedisClient, settings: ConsumerSettings, renewals_failed: Counter) -> None:
        self.settings = settings
        self.interval_seconds = renew_interval_ms(settings) / 1000
        self._renew = redis.register_script(RENEW_SCRIPT)
        self._renewals_failed = renewals_failed

    async def renew(self, entry_id: str) -> bool:
        """Restarts the entry's idle time if this consumer still owns it; False if it does not any more."""
        s = self.settings
        return bool(await self._renew(keys=[s.stream], args=[s.group, s.consumer, entry_id]))

    async def still_held(self, entry_id: str, taken_at: float) -> bool:
        """Whether this consumer may start on an entry it took at `taken_at` (time.monotonic()): surely so within a
        renewal interval (no one can have reclaimed it yet, nothing asked of Redis); later, if a renewal says it
        still owns it (and then its idle time starts again)."""
        if time.monotonic() - taken_at < self.interval_seconds:
            return True
        if await self.renew(entry_id):
            return True
        logger.info("entry %s of %s was reclaimed by another consumer before %s started on it; left to that one",
                    entry_id, self.settings.stream, self.settings.consumer)
        return False

    def lease(self, entry_id: str) -> Lease:
        """The lease of an entry whose handler is about to run: `async with leases.lease(entry_id) as lease:`."""
        return Lease(self, entry_id)

    async def renew_or_report(self, lease: Lease) -> bool:
        """One renewal of `lease`; whether to renew it again (False once it is lost). A renewal that Redis did not
        answer is counted and logged, and the next one tries again: until min_idle_ms has passed for good, Redis may
        still answer."""
        s, entry_id = self.settings, lease.entry_id
        try:
            if await self.renew(entry_id):
                return True
        except (RedisError, OSError) as error:
            self._renewals_failed.inc()
            logger.warning("consumer %s could not renew its lease on entry %s of %s: %s", s.consumer, entry_id,
                           s.stream, error)
            return True
        lease.lost = True
        self._renewals_failed.inc()
        logger.warning(
            "consumer %s lost entry %s of %s while its handler was running (another consumer of %s reclaimed it): "
            "the event may be handled twice", s.consumer, entry_id, s.stream, s.group)
        return False


class Lease:
    """An entry's lease while its handler runs (the `async with` block): renewed every renewal interval from the
    handler's start; `lost` once a renewal found the entry reclaimed by another consumer.

    A handler that returns within the interval (nearly all do) costs one timer of the event loop, set on entry and
    cancelled on exit: no task, no event object; a renewal task starts only when the timer fires, and the next timer
    is set once its renewal was answered. The renewals are told to stop rather than cancelled: a redis-py command
    cancelled in flight can leave its connection out of step with its replies."""

    def __init__(self, leases: EntryLeases, entry_id: str) -> None:
        self.leases = leases
        self.entry_id = entry_id
        self.lost = False
        self._done = False
        self._timer: asyncio.TimerHandle | None = None
        self._renewing: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Lease:
        self._set_timer()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._done = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._renewing is not None:
            # Shielded: a consumer cancelled meanwhile (a stop that timed out) must not cancel a renewal in flight;
            # told to stop, the renewals end by themselves.
            await asyncio.shield(self._renewing)

    def _set_timer(self) -> None:
        self._timer = asyncio.get_running_loop().call_later(self.leases.interval_seconds, self._renewal_due)

    def _renewal_due(self) -> None:
        self._timer = None
        if not self._done:
            self._renewing = asyncio.create_task(self._renew(),
                                                 name=f"lease {self.leases.settings.stream} {self.entry_id}")

    async def _renew(self) -> None:
        if await self.leases.renew_or_report(self) and not self._done:
            self._set_timer()
