"""When a supervised part is restarted, and after how long: the supervisor's decisions as pure logic.

The policy is compose's `restart: unless-stopped` with Kubernetes' liveness probe and crash-loop backoff: a part
whose process exits, or that stops answering its health probe, is restarted after a wait that doubles with each
restart and starts again from the first wait once the part has stayed up long enough. Nothing here touches a process
or reads a clock: `launcher/supervisor.py` passes the time in and acts on the answers, and the tests drive it with a
fake clock.

A probe counts as failed only when the part does not answer at all (refused, reset, timed out): a service answering
503 because Redis is away is alive and reports a dependency, which a restart would not bring back; restarting every
service whenever Redis blinks would turn a ten-second outage into minutes of JVM start-ups. This is Kubernetes'
split between liveness (restart) and readiness (`./platform status`, the gateway's breakers). For the same reason
the Java services are probed on their liveness group (`Part.liveness_path`): their readiness asks Redis, and with Redis
cut off that answer waits on Redisson's retries, past every probe's timeout.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .health import PROBE_TIMEOUT_SECONDS

# A part is probed this often while it runs: often enough that a hung part is restarted within seconds, rarely enough
# that nine parts' probes cost nothing on two cores.
PROBE_INTERVAL_SECONDS = 2.0
# This many unanswered probes in a row, after the part had answered, and it is restarted: one lost probe is a GC
# pause or a loaded machine (every probe has its timeout, launcher/health.py); three, about 6 s of silence, is a hung
# process. Kubernetes' default failureThreshold is 3 as well.
FAILED_PROBES_BEFORE_RESTART = 3
# The wait before a restart: 1 s, doubling with each restart up to 30 s (a part that crashes at once costs a restart
# every 30 s, not a busy loop), back to 1 s once the part has answered its probes for 60 s in a row.
FIRST_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0
BACKOFF_RESET_SECONDS = 60.0
# A hung part is asked to stop (SIGTERM) and killed (SIGKILL) if it has not gone after this long.
HUNG_STOP_GRACE_SECONDS = 10.0
# A started (or restarted) part that has not answered its probe after this long is restarted: three JVMs starting at
# once on two cores take about a minute (the same bound ./platform up waits for the whole platform).
START_TIMEOUT_SECONDS = 240.0


@dataclass(frozen=True)
class RestartRules:
    """The policy's numbers; the defaults are the constants above, tests use shorter ones."""

    probe_interval: float = PROBE_INTERVAL_SECONDS
    probe_timeout: float = PROBE_TIMEOUT_SECONDS
    failed_probes_before_restart: int = FAILED_PROBES_BEFORE_RESTART
    first_backoff: float = FIRST_BACKOFF_SECONDS
    max_backoff: float = MAX_BACKOFF_SECONDS
    backoff_reset_after: float = BACKOFF_RESET_SECONDS
    stop_grace: float = HUNG_STOP_GRACE_SECONDS
    start_timeout: float = START_TIMEOUT_SECONDS


class Phase(enum.Enum):
    RUNNING = "running"  # probed every probe_interval
    STOPPING = "stopping"  # hung: SIGTERM sent, SIGKILL once stop_grace has passed
    WAITING = "waiting"  # gone: restarted once its backoff has passed


@dataclass
class PartWatch:
    """One part's supervision state. The caller reports what it saw (`probed`, `exited`) and asks what is due
    (`probe_due`, `kill_due`, `restart_due`); `now` is any monotonic clock, in seconds."""

    rules: RestartRules
    started_at: float  # when the current process was started (or adopted)
    phase: Phase = Phase.RUNNING
    next_probe_at: float = 0.0
    failed_probes: int = 0
    has_answered: bool = False  # since the current process started
    live_since: float | None = None  # start of the current run of answered probes
    backoff: float = 0.0  # the wait before the next restart
    reason: str = ""  # why the part is being restarted
    stop_deadline: float = 0.0
    killed: bool = False
    restart_at: float = 0.0
    delay: float = 0.0  # the wait before the pending restart

    def __post_init__(self) -> None:
        self.next_probe_at = self.started_at
        self.backoff = self.backoff or self.rules.first_backoff

    def probe_due(self, now: float) -> bool:
        return self.phase is Phase.RUNNING and now >= self.next_probe_at

    def probed(self, now: float, answered: bool, detail: str) -> str | None:
        """Records one probe of a running part; returns why it must be stopped and restarted, else None."""
        self.next_probe_at = now + self.rules.probe_interval
        if answered:
            self.failed_probes = 0
            self.has_answered = True
            if self.live_since is None:
                self.live_since = now
            self._reset_backoff_if_stable(now)
            return None
        self.live_since = None
        if not self.has_answered:  # still starting: only the start timeout applies
            if now - self.started_at >= self.rules.start_timeout:
                return f"did not answer its health probe within {self.rules.start_timeout:g} s of its start ({detail})"
            return None
        self.failed_probes += 1
        if self.failed_probes >= self.rules.failed_probes_before_restart:
            return f"did not answer {self.failed_probes} health probes in a row ({detail})"
        return None

    def stopping(self, now: float, reason: str) -> None:
        """The caller sent SIGTERM to a hung part."""
        self.phase, self.reason = Phase.STOPPING, reason
        self.stop_deadline, self.killed = now + self.rules.stop_grace, False

    def kill_due(self, now: float) -> bool:
        """True once, when a part asked to stop has outlived its grace: the caller sends SIGKILL."""
        if self.phase is Phase.STOPPING and not self.killed and now >= self.stop_deadline:
            self.killed = True
            return True
        return False

    def exited(self, now: float, reason: str) -> float:
        """The part's process is gone: schedules its restart and returns the wait before it. A part that was being
        stopped keeps the reason it was stopped for."""
        if self.phase is not Phase.STOPPING:
            self.reason = reason
        self._reset_backoff_if_stable(now)
        self.delay = self.backoff
        self.backoff = min(self.backoff * 2, self.rules.max_backoff)
        self.phase, self.restart_at = Phase.WAITING, now + self.delay
        return self.delay

    def restart_due(self, now: float) -> bool:
        return self.phase is Phase.WAITING and now >= self.restart_at

    def restarted(self, now: float) -> None:
        """A new process was started for the part: probed afresh, the start timeout counting from now."""
        self.phase, self.started_at, self.next_probe_at = Phase.RUNNING, now, now
        self.failed_probes, self.has_answered, self.live_since = 0, False, None

    def _reset_backoff_if_stable(self, now: float) -> None:
        if self.live_since is not None and now - self.live_since >= self.rules.backoff_reset_after:
            self.backoff = self.rules.first_backoff
