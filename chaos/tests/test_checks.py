"""The checks' own logic on made-up histories: each broken promise is found, a kept one is not (no platform needed)."""

import http.server
import threading
from collections import Counter
from types import SimpleNamespace

from chaos.checks import Checks, PlatformRecords, consumer_spread, p99
from chaos.history import History
from chaos.schedule import Backbone, instance_id, part_of

HELLO = {"server_time": "2026-12-03T10:00:00+00:00"}


def checks(tmp_path, feeds=(), notifications=None) -> Checks:
    history = History(tmp_path / "history.jsonl")
    workload = SimpleNamespace(feeds=list(feeds), streams=[], accounts=[])
    return Checks(history, workload, PlatformRecords(notifications=notifications or {}), {"/api/": 8000})


def request(history: History, status: int, **fields) -> None:
    history.record("request", user="user-0", op=fields.pop("op", "POST /api/inference/v1/eta"), status=status,
                   latency_ms=fields.pop("latency_ms", 20.0), problem=fields.pop("problem", None),
                   retry_after=fields.pop("retry_after", None), request_id="r", **fields)


def test_a_500_an_undocumented_503_and_a_slow_answer_are_findings_the_documented_ones_are_not(tmp_path):
    c = checks(tmp_path)
    request(c.history, 200)
    request(c.history, 503, problem="/problems/service-unavailable", retry_after="2")
    request(c.history, 504, problem="/problems/gateway-timeout")
    request(c.history, 502, problem="/problems/bad-gateway")
    c.answers()
    assert c.findings == []

    request(c.history, 500, problem="/problems/internal-error")
    request(c.history, 503, problem="/problems/service-unavailable")
    request(c.history, 200, latency_ms=10_001.0)
    c.answers()
    assert [f.split(" ")[0] for f in c.findings] == ["500", "503", "answered"]


def test_no_answer_is_a_finding_unless_the_gateway_itself_was_down(tmp_path):
    c = checks(tmp_path)
    fault = c.history.fault_started("kill gateway, inference-bridge, reporting-bridge")
    c.history.record("request", user="user-0", op="GET /api/auth/me", status=0, error="ConnectError", detail="")
    c.history.fault_ended(fault)
    c.answers()
    assert c.findings == []
    c.history.record("request", t=fault.ended + 1, user="user-0", op="GET /api/auth/me", status=0,
                     error="ConnectError", detail="")
    c.answers()
    assert len(c.findings) == 1 and c.findings[0].startswith("no answer")


def test_a_client_closed_with_a_final_code_is_a_finding(tmp_path):
    c = checks(tmp_path)
    c.history.record("note", client="ws-user-0", what="dropped", code=1001, error="ConnectionClosedOK")
    c.closes()
    assert c.findings == []
    c.history.record("note", client="ws-user-0", what="dropped", code=1000, error="ConnectionClosedOK")
    c.closes()
    assert len(c.findings) == 1 and "1000" in c.findings[0]


def notification(event_id: str, topic: str = "broadcast") -> dict:
    return {"id": event_id, "type": "notification.broadcast", "topic": topic, "time": "2026-12-03T10:00:01+00:00",
            "data": {}}


def feed(*received: str):
    account = SimpleNamespace(label="user-0")
    return SimpleNamespace(name="ws-user-0", account=account, first_hello=HELLO,
                           received=[{"id": i} for i in received])


def test_every_event_once_in_order(tmp_path):
    history = [notification("a"), notification("b"), notification("c")]
    assert checks(tmp_path, [feed("a", "b", "c")], {"user-0": history}).feeds()["missing"] == 0

    missing = checks(tmp_path, [feed("a", "c")], {"user-0": history})
    assert missing.feeds()["missing"] == 1 and missing.lost == 1

    twice = checks(tmp_path, [feed("a", "b", "b", "c")], {"user-0": history})
    assert twice.feeds()["duplicates"] == 1 and twice.duplicates == 1

    disorder = checks(tmp_path, [feed("a", "c", "b")], {"user-0": history})
    disorder.feeds()
    assert any("out of order" in f for f in disorder.findings)


def test_p99():
    assert p99([]) == 0.0
    assert p99([float(i) for i in range(1, 101)]) == 99.0


def consumed(**by_process: dict) -> dict:
    """{process: {(stream, group): n}} as Backbone.final gives it: events_consumed_total per consumer."""
    return {name: Counter({**{("events_consumed_total", *key): n for key, n in takes.items()},
                           # the other counters of the same consumers, which the spread leaves out
                           **{("events_retried_total", *key): 0 for key in takes}})
            for name, takes in by_process.items()}


def test_the_spread_of_a_group_over_its_instances_and_an_idle_instance_found():
    jobs = ("inference.jobs", "inference-worker")
    figures, findings = consumer_spread(consumed(**{"inference-worker": {jobs: 12}, "inference-worker-2": {jobs: 8},
                                                    "gateway": {}}),
                                        since_restart=consumed(**{"inference-worker-2": {jobs: 3}}))
    assert findings == []
    assert figures == {"inference-worker: inference.jobs (inference-worker)": {
        "consumed": {"inference-worker-1": 12, "inference-worker-2": 8},
        "shares": {"inference-worker-1": 0.6, "inference-worker-2": 0.4}, "least_vs_even": 0.8,
        "since_restart": {"inference-worker-2": 3}}}

    # The second instance has no sample of the group at all (the Python kit labels a counter on its first use).
    figures, findings = consumer_spread(consumed(**{"inference-worker": {jobs: 20}, "inference-worker-2": {}}))
    assert figures["inference-worker: inference.jobs (inference-worker)"]["least_vs_even"] == 0.0
    assert len(findings) == 1 and findings[0].startswith("inference-worker: inference-worker-2 consumed nothing")


def test_a_group_too_small_to_spread_or_of_one_instance_is_no_finding():
    events = ("platform.events", "notification-service")
    _, findings = consumer_spread(consumed(**{"notification-service": {events: 3}, "notification-service-2": {}}))
    assert findings == []
    figures, findings = consumer_spread(consumed(**{"reporting-worker": {("reporting.jobs", "reporting-worker"): 40}}))
    assert figures == {} and findings == []


def test_an_instance_is_told_from_its_part():
    assert [part_of(n) for n in ("auth-service", "auth-service-2", "inference-worker-12", "made-up-3")] == \
        ["auth-service", "auth-service", "inference-worker", "made-up-3"]
    assert [instance_id(n) for n in ("auth-service", "auth-service-2")] == ["auth-service-1", "auth-service-2"]


class MetricsServer:
    """A process's metrics endpoint: `text` in the Prometheus text format, or `status` with a problem body."""

    def __init__(self):
        self.consumed, self.status = 0, 200
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = (f'events_consumed_total{{group="inference-worker",stream="inference.jobs"}} {outer.consumed}\n'
                        f'events_retried_total{{group="inference-worker",stream="inference.jobs"}} 1\n'
                        if outer.status == 200 else '{"type": "/problems/service-unavailable"}')
                self.send_response(outer.status)
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"


def test_the_backbone_counts_what_each_process_took_from_the_load_on_across_its_restart():
    first, second = MetricsServer(), MetricsServer()
    try:
        backbone = Backbone({"inference-worker": first.url, "inference-worker-2": second.url})
        first.consumed, second.consumed = 5, 4  # before the load
        backbone.start()
        first.consumed, second.consumed = 9, 10
        backbone.bank("inference-worker-2")  # just before its kill; its new process counts from zero
        second.consumed = 3
        readings = backbone.final()
        key = ("events_consumed_total", "inference.jobs", "inference-worker")
        assert readings.consumed["inference-worker"][key] == 4
        assert readings.consumed["inference-worker-2"][key] == 10 - 4 + 3
        assert readings.since_restart == {"inference-worker-2": Counter({key: 3})}
        assert readings.totals == {"events_retried_total": 3}  # both processes of the killed one, and the other

        second.status = 503  # a process that answers no metrics is left out, not a crash of the run
        assert backbone.read("inference-worker-2") == Counter()
    finally:
        first.server.shutdown()
        second.server.shutdown()
