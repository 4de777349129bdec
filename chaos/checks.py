"""What the history must show once the faults are over and the platform has settled. Each check returns findings
(one line each, naming the request, event or fault); none means the promise held.

The platform's own records are the other side of each comparison: the notification history of each account (what
notification-service addressed to it), the jobs and reports as their services report them, and reporting-bridge's
event store (one row per platform event, read from its PostgreSQL database).
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg

from chaos.history import History
from chaos.schedule import CONSUMED, CounterKey, consumed_only, instance_id, part_of
from chaos.workload import Account, FeedClient, StreamClient, Workload

# The statuses the platform documents for a dependency that is down or slow (contracts/problems/problem-types.yaml,
# docs/architecture.md "resilience"); never a 500.
DOWN_STATUSES = {502: "/problems/bad-gateway", 503: "/problems/service-unavailable", 504: "/problems/gateway-timeout"}
SETTLE_TIMEOUT_SECONDS = 120
# A consumer group that took fewer entries during the run says nothing about how they spread over its instances.
SPREAD_MINIMUM = 10


def _final(status: str) -> bool:
    return status in ("succeeded", "failed", "ready")


@dataclass
class PlatformRecords:
    """What the platform itself holds after the run, read once everything has settled."""

    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    reports: dict[str, dict[str, Any]] = field(default_factory=dict)
    notifications: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # account label -> oldest first
    store: list[dict[str, Any]] = field(default_factory=list)  # reporting-bridge's events: id, type, data


def submitted(history: History, what: str) -> list[dict[str, Any]]:
    return [r for r in history.of_kind("submitted") if r["what"] == what]


def read_notifications(account: Account) -> list[dict[str, Any]] | None:
    """The account's whole notification history, oldest first (the API pages it newest first)."""
    items, page = [], 0
    while True:
        answer = account.call(lambda p=page: account.api.http.get("/api/notifications",
                                                                 params={"page": p, "size": 100}))
        if answer is None or answer.status_code != 200:
            return None
        body = answer.json()
        items += body["items"]
        page += 1
        if page >= body["total_pages"]:
            return list(reversed(items))


def expected_for(client: FeedClient | StreamClient, notifications: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a client had to receive: everything addressed to its account from its first connection on."""
    since = datetime.fromisoformat(client.first_hello["server_time"])
    return [n for n in notifications if datetime.fromisoformat(n["time"]) >= since]


def feeds_complete(workload: Workload, records: PlatformRecords) -> bool:
    for client in (*workload.feeds, *workload.streams):
        received = {e["id"] for e in client.received}
        if any(n["id"] not in received for n in expected_for(client, records.notifications[client.account.label])):
            return False
    return True


def settle(workload: Workload, history: History, owners: dict[str, Account], stop_after: float = SETTLE_TIMEOUT_SECONDS
           ) -> PlatformRecords:
    """Waits (bounded) until every accepted job and report is final and every client has received what its history
    holds; returns the platform's records as they are then, complete or not (the checks say what is missing)."""
    records = PlatformRecords()
    deadline = time.monotonic() + stop_after
    while True:
        for what, path, into in (("job", "/api/inference/v1/jobs/{}", records.jobs),
                                 ("report", "/api/reports/{}", records.reports)):
            for entry in submitted(history, what):
                if entry["id"] in into and _final(into[entry["id"]]["status"]):
                    continue
                owner, url = owners[entry["user"]], path.format(entry["id"])
                answer = owner.call(lambda o=owner, u=url: o.api.http.get(u))
                if answer is not None and answer.status_code == 200:
                    into[entry["id"]] = answer.json()
        for account in owners.values():
            notifications = read_notifications(account)
            if notifications is not None:
                records.notifications[account.label] = notifications
        all_final = all(entry["id"] in into and _final(into[entry["id"]]["status"])
                        for what, into in (("job", records.jobs), ("report", records.reports))
                        for entry in submitted(history, what))
        have_all_histories = all(a.label in records.notifications for a in owners.values())
        if (all_final and have_all_histories and feeds_complete(workload, records)) or time.monotonic() > deadline:
            return records
        time.sleep(1)  # between rounds of polling the platform's state


def read_store(database_url: str) -> list[dict[str, Any]]:
    with psycopg.connect(database_url, connect_timeout=10) as connection:
        rows = connection.execute("SELECT id, type, data::text FROM events").fetchall()
    return [{"id": row[0], "type": row[1], "data": json.loads(row[2])} for row in rows]


def route_timeout_ms(operation: str, timeouts: dict[str, int]) -> int:
    path = operation.split(" ", 1)[1]
    for prefix, timeout in timeouts.items():
        if path.startswith(prefix):
            return timeout
    return max(timeouts.values())


@dataclass
class Checks:
    history: History
    workload: Workload
    records: PlatformRecords
    route_timeouts_ms: dict[str, int]
    # Whether each client's events must come in the history's order within a topic: one consumer per group handles
    # its events one at a time, in stream order; the instances of a group race (chaos/README.md, second scenario).
    in_order: bool = True
    findings: list[str] = field(default_factory=list)
    out_of_order: list[str] = field(default_factory=list)  # each topic a client received out of order
    lost: int = 0  # accepted work never done, events never stored or never received
    duplicates: int = 0  # work done or events stored, announced or received more than once

    def count(self, found: int, what: str) -> None:
        """A thing that must exist exactly once was found `found` times: a finding, counted as lost or duplicated."""
        if found == 0:
            self.lost += 1
        elif found > 1:
            self.duplicates += found - 1
        if found != 1:
            self.findings.append(what)

    def fault_at(self, moment: float) -> str:
        fault = self.history.during_fault(moment)
        return fault.name if fault else "no fault"

    def describe(self, r: dict[str, Any]) -> str:
        return (f"{r['op']} by {r['user']} at {datetime.fromtimestamp(r['t']).isoformat(timespec='milliseconds')} "
                f"(request id {r.get('request_id')}, during: {self.fault_at(r['t'])})")

    def answers(self) -> None:
        """No 500; every 5xx one of the documented ones (502, 503, 504 with its problem type; 503 with Retry-After),
        in time; no request left unanswered except while the gateway itself was down."""
        for r in self.history.of_kind("request"):
            status = r["status"]
            fault = self.history.during_fault(r["t"])
            if status == 0:
                # The SSE stream has no timeout at the gateway (docs/architecture.md, resilience): while the service
                # behind starts, its answer may take longer than the client waits, which then tries again.
                stream = r["op"].endswith("/api/notifications/stream")
                if not stream and (fault is None or not fault.name.startswith("kill gateway")):
                    self.findings.append(f"no answer ({r.get('error')}: {r.get('detail')}) to {self.describe(r)}")
                continue
            if status >= 500:
                if status not in DOWN_STATUSES:
                    self.findings.append(f"{status} ({r.get('problem')}) answered to {self.describe(r)}")
                elif r.get("problem") != DOWN_STATUSES[status]:
                    self.findings.append(f"{status} without its problem type ({r.get('problem')}, html: "
                                         f"{bool(r.get('html'))}) answered to {self.describe(r)}")
                elif status == 503 and not r.get("retry_after"):
                    self.findings.append(f"503 without Retry-After answered to {self.describe(r)}")
            limit = route_timeout_ms(r["op"], self.route_timeouts_ms) + 2000
            if not r["op"].endswith("/api/notifications/stream") and r["latency_ms"] > limit:
                self.findings.append(f"answered {status} after {r['latency_ms']:.0f} ms, over the route's timeout "
                                     f"(+2 s): {self.describe(r)}")

    def work_done_once(self) -> None:
        """Each 202 job and report completed, and its completion was announced once: in the store, in the owner's
        notification history, and to the owner's WebSocket client."""
        store = Counter((e["type"], e["data"].get("job_id") or e["data"].get("report_id")) for e in self.records.store)
        for what, event_type, into, done in (("job", "inference.job.completed", self.records.jobs, "succeeded"),
                                             ("report", "report.ready", self.records.reports, "ready")):
            for entry in submitted(self.history, what):
                key = entry["id"]
                state = into.get(key, {}).get("status", "(unknown)")
                if state != done:
                    self.lost += 1
                    self.findings.append(f"{what} {key} of {entry['user']} accepted with 202 is {state}, not {done}")
                count = store[(event_type, key)]
                self.count(count, f"{what} {key}: {count} {event_type} events in reporting-bridge's store")
                in_history = [n for n in self.records.notifications.get(entry["user"], [])
                              if n["type"] == event_type and n["data"].get(f"{what}_id") == key]
                self.count(len(in_history), f"{what} {key}: {len(in_history)} {event_type} in {entry['user']}'s "
                                            f"notification history")
                feed = self._feed(f"ws-{entry['user']}")
                got = [e for e in feed.received if e["type"] == event_type and e["subject"] == f"{what}:{key}"]
                self.count(len(got), f"{what} {key}: {feed.name} received {event_type} {len(got)} times")

    def broadcasts_and_registrations_once(self) -> None:
        store = Counter((e["type"], e["data"].get("broadcast_id") or e["data"].get("user_id"))
                        for e in self.records.store)
        for entry in submitted(self.history, "broadcast"):
            count = store[("notification.broadcast", entry["id"])]
            self.count(count, f"broadcast {entry['id']}: {count} events in reporting-bridge's store")
        for entry in submitted(self.history, "registration"):
            count = store[("user.registered", entry["id"])]
            self.count(count, f"registration {entry['id']} ({entry['email']}) answered 201: {count} "
                              f"user.registered events in reporting-bridge's store")

    def usage_never_counted_twice(self) -> dict[str, int]:
        """inference.usage is published after a prediction is answered and never fails it (documented: a lost usage
        record is logged, not retried), so a fault may lose some; but one prediction is never counted twice."""
        answered = Counter(r["user"] for r in self.history.of_kind("request")
                           if r["status"] == 200 and r["op"] in ("POST /api/inference/v1/eta",
                                                                  "POST /api/inference/v1/eta/batch"))
        ids = {a.user_id: a.label for a in self.workload.accounts}
        counted = Counter(ids.get(e["data"].get("user_id")) for e in self.records.store
                          if e["type"] == "inference.usage" and e["data"].get("operation") in ("eta", "eta_batch"))
        for label, count in counted.items():
            if label is not None and count > answered[label]:
                self.findings.append(f"{label}: {count} inference.usage events for {answered[label]} answered "
                                     f"predictions")
        return {"answered": sum(answered.values()),
                "recorded": sum(c for label, c in counted.items() if label is not None)}

    def feeds(self) -> dict[str, int]:
        """Every client received every event addressed to it since its first connection, once, in order per
        topic."""
        figures = {"received": 0, "duplicates": 0, "missing": 0}
        for client in (*self.workload.feeds, *self.workload.streams):
            expected = expected_for(client, self.records.notifications.get(client.account.label, []))
            received_ids = [e["id"] for e in client.received]
            figures["received"] += len(received_ids)
            for event_id, count in Counter(received_ids).items():
                if count > 1:
                    figures["duplicates"] += count - 1
                    self.duplicates += count - 1
                    self.findings.append(f"{client.name} received event {event_id} {count} times")
            missing = [n for n in expected if n["id"] not in set(received_ids)]
            figures["missing"] += len(missing)
            self.lost += len(missing)
            for n in missing:
                self.findings.append(f"{client.name} never received {n['type']} {n['id']} ({n['topic']}, "
                                     f"{n['time']}, during: {self._fault_at_iso(n['time'])})")
            position = {event_id: i for i, event_id in enumerate(dict.fromkeys(received_ids))}
            by_topic = defaultdict(list)
            for n in expected:
                if n["id"] in position:
                    by_topic[n["topic"]].append(n)
            for topic, items in by_topic.items():
                order = [position[n["id"]] for n in items]
                if order != sorted(order):
                    first = next(i for i in range(1, len(order)) if order[i] < order[i - 1])
                    self.out_of_order.append(f"{client.name}: {topic} out of order: {items[first]['id']} "
                                             f"({items[first]['type']}) received before {items[first - 1]['id']} "
                                             f"({items[first - 1]['type']})")
                    if self.in_order:
                        self.findings.append(self.out_of_order[-1])
        return figures

    def closes(self) -> None:
        """A client is never closed with a code after which the contract (and so the console) says not to reconnect:
        the platform closes what it must close with 1001 (going away) or a code that says try again."""
        final = {1000: "normal closure", 1008: "origin not allowed", 4400: "protocol error", 4403: "forbidden topic"}
        for r in self.history.of_kind("note"):
            if r.get("what") == "dropped" and r.get("code") in final:
                self.findings.append(f"{r['client']} closed by the platform with {r['code']} ({final[r['code']]}: "
                                     f"the console would not reconnect) at "
                                     f"{datetime.fromtimestamp(r['t']).isoformat(timespec='milliseconds')}, during: "
                                     f"{self.fault_at(r['t'])}")

    def _fault_at_iso(self, moment: str) -> str:
        return self.fault_at(datetime.fromisoformat(moment).timestamp())

    def _feed(self, name: str) -> FeedClient:
        return next(f for f in self.workload.feeds if f.name == name)


def p99(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def latency_figures(history: History) -> dict[str, Any]:
    during, outside = [], []
    for r in history.of_kind("request"):
        if r["status"] and not r["op"].endswith("/api/notifications/stream"):
            (during if history.during_fault(r["t"]) else outside).append(r["latency_ms"])
    return {"p99_ms_during_faults": p99(during), "p99_ms_outside_faults": p99(outside),
            "requests_during_faults": len(during), "requests_outside_faults": len(outside)}


def consumer_spread(consumed: dict[str, Counter[CounterKey]], since_restart: dict[str, Counter[CounterKey]] | None = None
                    ) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """For each consumer group whose part runs more than one instance: the entries each instance took during the run
    (`events_consumed_total`, read or reclaimed), its share, and the least busy instance's share against an even split
    ("least ÷ even", as docs/performance.md measures it). A finding for each instance that took none while its group
    took SPREAD_MINIMUM or more: an idle consumer beside one with the whole backlog. A killed instance's figures say
    what it took in its new process too (`since_restart`: a figure, not a check, as the load may end soon after)."""
    processes = defaultdict(list)  # part -> its processes' names
    for name in consumed:
        processes[part_of(name)].append(name)
    taken: dict[tuple[str, str, str], dict[str, float]] = defaultdict(dict)  # (part, stream, group) -> instance -> n
    for name, counters in consumed.items():
        for (_, stream, group), value in consumed_only(counters).items():
            for sibling in processes[part_of(name)]:  # an instance that took nothing has no sample of the group
                taken[(part_of(name), stream, group)].setdefault(instance_id(sibling), 0.0)
            taken[(part_of(name), stream, group)][instance_id(name)] = value
    figures, findings = {}, []
    for (part, stream, group), by_instance in sorted(taken.items()):
        total = sum(by_instance.values())
        if len(by_instance) < 2 or total <= 0:
            continue
        even = total / len(by_instance)
        figures[f"{part}: {stream} ({group})"] = {
            "consumed": {i: int(n) for i, n in sorted(by_instance.items())},
            "shares": {i: round(n / total, 2) for i, n in sorted(by_instance.items())},
            "least_vs_even": round(min(by_instance.values()) / even, 2)}
        restarted = {instance_id(name): int(counters[(CONSUMED, stream, group)])
                     for name, counters in (since_restart or {}).items() if part_of(name) == part}
        if restarted:
            figures[f"{part}: {stream} ({group})"]["since_restart"] = restarted
        idle = [i for i, n in by_instance.items() if n <= 0]
        if idle and total >= SPREAD_MINIMUM:
            findings.append(f"{part}: {', '.join(sorted(idle))} consumed nothing of {stream} (group {group}) while "
                            f"the group took {total:.0f} entries: {dict(sorted(by_instance.items()))}")
    return figures, findings
