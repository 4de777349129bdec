"""The faults, in turn, each followed by a bounded wait until the platform has recovered on its own: every part healthy
on its own port, and every route answering through the gateway. A fault's window in the history runs from its
injection to that recovery."""

from __future__ import annotations

import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from chaos.history import History
from chaos.injector import INFERENCE_LINK, POSTGRES_LINK, REDIS_LINK, Injector
from chaos.workload import Account
from launcher.config import SERVICES

HEALTH_PATHS = {part.name: part.health_path for part in SERVICES}
METRICS_PATHS = {part.name: part.metrics_path for part in SERVICES}
# One GET per route through the gateway, as a signed-in admin: all 200 means every route has recovered.
ROUTE_PROBES = ("/api/auth/me", "/api/notifications?size=1", "/api/inference/v1/model", "/api/reports/types")
# As long as the supervisor gives a part to start (launcher/restart_policy.py, START_TIMEOUT_SECONDS): two JVMs starting
# at once on two loaded cores took 130 s here.
RECOVERY_TIMEOUT_SECONDS = 240
# The counters of the event backbone that the checks and figures read, summed over every consumer of a part.
BACKBONE_COUNTERS = ("events_duplicates_skipped_total", "events_dead_lettered_total", "events_retried_total")
COUNTER_LINE = re.compile(r"^(?P<name>[a-z_]+)(?:\{[^}]*\})? (?P<value>[0-9.eE+-]+)$")


class NotRecovered(AssertionError):
    pass


@dataclass
class Backbone:
    """The backbone counters of every part, kept across restarts: a part's counters are read just before it is
    killed (they start at zero again in its new process) and once more at the end."""

    service_urls: dict[str, str]
    totals: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def read(self, part: str) -> dict[str, float]:
        values: dict[str, float] = defaultdict(float)
        try:
            text = httpx.get(self.service_urls[part] + METRICS_PATHS[part], timeout=5).text
        except httpx.HTTPError:
            return values  # a part that cannot be read just before its kill: its counters are lost to the figures
        for line in text.splitlines():
            match = COUNTER_LINE.match(line)
            if match and match["name"] in BACKBONE_COUNTERS:
                values[match["name"]] += float(match["value"])
        return values

    def bank(self, part: str) -> None:
        for name, value in self.read(part).items():
            self.totals[name] += value

    def final(self) -> dict[str, float]:
        result = defaultdict(float, self.totals)
        for part in self.service_urls:
            for name, value in self.read(part).items():
                result[name] += value
        return dict(result)


@dataclass
class Schedule:
    injector: Injector
    history: History
    service_urls: dict[str, str]
    prober: Account
    backbone: Backbone
    hold_seconds: float = 10
    stop: threading.Event = field(default_factory=threading.Event)

    def faults(self) -> list[tuple[str, Callable[[], Callable[[], None]]]]:
        """(name, inject): inject() starts the fault and returns what ends it (nothing to do for a kill: the
        supervisor restarts the part)."""
        # Two Java services and both workers at once, then the gateway with both Python services: every service and
        # worker is killed once, in two waits for JVM start-ups rather than four.
        kills = [("kill auth-service, notification-service, inference-worker, reporting-worker",
                  ("auth-service", "notification-service", "inference-worker", "reporting-worker")),
                 ("kill gateway, inference-bridge, reporting-bridge", ("gateway", "inference-bridge", "reporting-bridge")),
                 ("kill redis", ("redis",))]
        return [*((name, lambda parts=parts: self._kill(parts)) for name, parts in kills),
                ("cut services → redis for 10 s", lambda: self._held(lambda: self.injector.cut(REDIS_LINK),
                                                                     lambda: self.injector.restore(REDIS_LINK))),
                ("500 ms latency services → postgres", lambda: self._held(
                    lambda: self.injector.latency(POSTGRES_LINK, 500), self.injector.clear)),
                ("inference-bridge fails half of its answers", lambda: self._held(
                    lambda: self.injector.errors(INFERENCE_LINK, 0.5), self.injector.clear))]

    def run(self) -> int:
        done = 0
        for name, inject in self.faults():
            if self.stop.is_set():
                break
            fault = self.history.fault_started(name)
            inject()
            self.wait_recovered(name)
            self.history.fault_ended(fault)
            done += 1
        return done

    def _kill(self, parts: tuple[str, ...]) -> None:
        killed = {}
        for part in parts:
            if part in self.service_urls:
                self.backbone.bank(part)
            killed[part] = self.injector.kill(part)
        self.history.record("note", what="killed", pids=killed)
        # Recovered only once the supervisor has started each part again: a new pid in its state file.
        self._until(lambda: all(self.injector.pid(p) != pid for p, pid in killed.items()), "a new pid for " +
                    ", ".join(parts))

    def _held(self, start: Callable[[], None], end: Callable[[], None]) -> None:
        start()
        try:
            self.stop.wait(self.hold_seconds)  # the fault's duration, not a wait for a condition
        finally:
            end()

    def healthy(self, part: str) -> bool:
        try:
            return httpx.get(self.service_urls[part] + HEALTH_PATHS[part], timeout=3).status_code == 200
        except httpx.HTTPError:
            return False

    def routes_answer(self) -> bool:
        for path in ROUTE_PROBES:
            answer = self.prober.call(lambda p=path: self.prober.api.http.get(p))
            if answer is None or answer.status_code != 200:
                if answer is not None and answer.status_code == 401:
                    self.prober.api.tokens = None
                    self.prober.ensure_signed_in()
                return False
        return True

    def wait_recovered(self, name: str) -> None:
        self._until(lambda: all(self.healthy(p) for p in self.service_urls), f"every part healthy after {name}")
        self._until(self.routes_answer, f"every route answering through the gateway after {name}")

    def _until(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + RECOVERY_TIMEOUT_SECONDS
        while not condition():
            if time.monotonic() > deadline:
                raise NotRecovered(f"not recovered within {RECOVERY_TIMEOUT_SECONDS} s: {what}")
            if self.stop.wait(0.25):
                raise NotRecovered(f"stopped while waiting for {what}")
