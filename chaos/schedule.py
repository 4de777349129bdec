"""The faults, in turn, each followed by a bounded wait until the platform has recovered on its own: every part (every
instance of a scaled one) healthy on its own port, and every route answering through the gateway. A fault's window in
the history runs from its injection to that recovery. One schedule per scenario: `Schedule` (parts killed, links cut,
slowed or failing, on a platform with the fault proxy) and `InstanceKills` (one instance of each scaled part killed,
on a platform with replicas and no proxy)."""

from __future__ import annotations

import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
from prometheus_client.parser import text_string_to_metric_families

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
# Entries each consumer took from its stream (read or reclaimed): how a group's work spread over its instances.
CONSUMED = "events_consumed_total"
# An instance beyond the first of a scaled part (launcher/config.py `instances`): `<part>-<n>`.
INSTANCE_NAME = re.compile(r"^(?P<part>.+)-(?P<n>[0-9]+)$")


def part_of(name: str) -> str:
    """The part a process is an instance of: `inference-worker-2` -> `inference-worker`; a part's own name as is."""
    match = INSTANCE_NAME.match(name)
    return match["part"] if match and match["part"] in HEALTH_PATHS else name


def instance_id(name: str) -> str:
    """The INSTANCE_ID the launcher gives the process (instance 1 carries the part's own name: `<part>-1`)."""
    return name if part_of(name) != name else f"{name}-1"


# A counter of one consumer: (name, stream, group).
CounterKey = tuple[str, str, str]


def consumed_only(counters: Counter[CounterKey]) -> Counter[CounterKey]:
    return Counter({key: value for key, value in counters.items() if key[0] == CONSUMED})


class NotRecovered(AssertionError):
    pass


@dataclass
class Backbone:
    """The backbone counters of every process, kept across restarts: a process's counters are read just before it is
    killed (they start at zero again in its new process) and once more at the end. Each counter is kept per process
    and per consumer (stream, group)."""

    service_urls: dict[str, str]
    banked: dict[str, Counter[CounterKey]] = field(default_factory=dict)  # the processes killed, their counters
    baseline: dict[str, Counter[CounterKey]] = field(default_factory=dict)

    def read(self, name: str) -> Counter[CounterKey]:
        values: Counter[CounterKey] = Counter()
        try:
            answer = httpx.get(self.service_urls[name] + METRICS_PATHS[part_of(name)], timeout=5)
            answer.raise_for_status()
            for family in text_string_to_metric_families(answer.text):
                for sample in family.samples:
                    if sample.name in (*BACKBONE_COUNTERS, CONSUMED):
                        values[(sample.name, sample.labels.get("stream", ""), sample.labels.get("group", ""))] += \
                            sample.value
        except (httpx.HTTPError, ValueError):
            # A process that cannot be read (just before its kill, say): its counters are lost to the figures.
            return Counter()
        return values

    def start(self) -> None:
        """What every consumer had taken before the load: the spread counts from here."""
        self.baseline = {name: self.read(name) for name in self.service_urls}

    def bank(self, name: str) -> None:
        """Just before `name` is killed."""
        self.banked.setdefault(name, Counter()).update(self.read(name))

    def final(self) -> Readings:
        """Every process read once more; with what was banked before its kills and the baseline of `start`."""
        totals: dict[str, float] = defaultdict(float)
        consumed: dict[str, Counter[CounterKey]] = {}
        since_restart: dict[str, Counter[CounterKey]] = {}
        for name in self.service_urls:
            now = self.read(name)
            counters = Counter(self.banked.get(name, Counter()))
            counters.update(now)  # its whole run: what was banked before its kills, plus what it counts now
            for (counter, _, _), value in counters.items():
                if counter in BACKBONE_COUNTERS:
                    totals[counter] += value
            consumed[name] = consumed_only(counters)
            consumed[name].subtract(consumed_only(self.baseline.get(name, Counter())))
            if name in self.banked:
                since_restart[name] = consumed_only(now)
        return Readings(dict(totals), consumed, since_restart)


@dataclass
class Readings:
    """The backbone counters at the end of a run."""

    totals: dict[str, float]  # each of BACKBONE_COUNTERS summed over every process and every process a part had
    consumed: dict[str, Counter[CounterKey]]  # what each process's consumers took since `Backbone.start`
    since_restart: dict[str, Counter[CounterKey]]  # what each killed process's consumers took in its new process


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
        """SIGKILL to each part (or instance), at once; recovered once the supervisor has started each again."""
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
            return httpx.get(self.service_urls[part] + HEALTH_PATHS[part_of(part)], timeout=3).status_code == 200
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


@dataclass
class InstanceKills(Schedule):
    """The replicas scenario: after `lead_seconds` of load, SIGKILL the second instance of every scaled part at once
    (`<part>-2`: every service and worker but the gateway, the platform's one entry), then the same wait until the
    supervisor has restarted them and every instance and route answers. The first instances carry the load meanwhile."""

    lead_seconds: float = 20

    def faults(self) -> list[tuple[str, Callable[[], Callable[[], None]]]]:
        doomed = tuple(name for name in self.service_urls
                       if part_of(name) != name and INSTANCE_NAME.match(name)["n"] == "2")
        if not doomed:
            raise AssertionError(f"no second instance to kill among {sorted(self.service_urls)}: the platform runs "
                                 f"without replicas")
        return [(f"kill {', '.join(doomed)}", lambda: self._kill(doomed))]

    def run(self) -> int:
        if self.stop.wait(self.lead_seconds):  # the load's time on every instance before the kill
            return 0
        return super().run()
