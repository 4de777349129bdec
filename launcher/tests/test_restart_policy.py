"""The restart policy's decisions (launcher/restart_policy.py) over a fake clock: pure logic, no process."""

from launcher.restart_policy import (BACKOFF_RESET_SECONDS, FAILED_PROBES_BEFORE_RESTART, FIRST_BACKOFF_SECONDS,
                                     MAX_BACKOFF_SECONDS, PROBE_INTERVAL_SECONDS, PartWatch, Phase, RestartRules)

RULES = RestartRules()


def crash_and_restart(watch: PartWatch, now: float, reason: str = "exited with code 1") -> tuple[float, float]:
    """The part exits at `now`; returns (the wait announced, when the restart came due)."""
    delay = watch.exited(now, reason)
    assert not watch.restart_due(now + delay - 0.01)
    assert watch.restart_due(now + delay)
    watch.restarted(now + delay)
    return delay, now + delay


def answer_probes(watch: PartWatch, start: float, seconds: float) -> float:
    """Answers every due probe from `start` for `seconds`; returns the time reached."""
    now = start
    while now < start + seconds:
        if watch.probe_due(now):
            assert watch.probed(now, answered=True, detail="HTTP 200 UP") is None
        now += 0.5
    return now


def test_a_part_that_keeps_exiting_waits_1_s_doubling_up_to_30_s():
    watch = PartWatch(RULES, started_at=0.0)
    now, delays = 0.0, []
    for _ in range(8):
        delay, now = crash_and_restart(watch, now + 0.1)
        delays.append(delay)
    assert delays == [1, 2, 4, 8, 16, 30, 30, 30]
    assert (FIRST_BACKOFF_SECONDS, MAX_BACKOFF_SECONDS) == (1, 30)


def test_the_backoff_starts_again_once_the_part_has_answered_for_60_s():
    watch = PartWatch(RULES, started_at=0.0)
    now = 0.0
    for _ in range(4):
        _, now = crash_and_restart(watch, now)  # 1, 2, 4, 8
    now = answer_probes(watch, now, BACKOFF_RESET_SECONDS - 5)
    assert watch.exited(now, "exited with code 1") == 16, "less than 60 s up: the backoff keeps growing"
    watch.restarted(now + 16)
    now = answer_probes(watch, now + 16, BACKOFF_RESET_SECONDS + PROBE_INTERVAL_SECONDS)
    assert watch.exited(now, "exited with code 1") == 1


def test_three_unanswered_probes_in_a_row_after_an_answer_restart_a_hung_part():
    watch = PartWatch(RULES, started_at=0.0)
    assert watch.probed(0.0, answered=True, detail="HTTP 200 UP") is None
    now = 0.0
    reasons = []
    for _ in range(FAILED_PROBES_BEFORE_RESTART):
        now += PROBE_INTERVAL_SECONDS
        assert watch.probe_due(now)
        reasons.append(watch.probed(now, answered=False, detail="not answering (timed out)"))
    assert reasons[:-1] == [None] * (FAILED_PROBES_BEFORE_RESTART - 1)
    assert reasons[-1] == "did not answer 3 health probes in a row (not answering (timed out))"


def test_an_answer_between_failed_probes_starts_the_count_again():
    watch = PartWatch(RULES, started_at=0.0)
    outcomes = [True, False, False, True, False, False, True]
    assert all(watch.probed(2.0 * i, answered, "x") is None for i, answered in enumerate(outcomes))
    assert watch.phase is Phase.RUNNING


def test_probes_are_due_every_interval_and_only_while_running():
    watch = PartWatch(RULES, started_at=10.0)
    assert watch.probe_due(10.0)
    watch.probed(10.0, answered=True, detail="PONG")
    assert not watch.probe_due(10.0 + PROBE_INTERVAL_SECONDS - 0.1)
    assert watch.probe_due(10.0 + PROBE_INTERVAL_SECONDS)
    watch.exited(13.0, "exited with signal SIGKILL")
    assert not watch.probe_due(100.0), "a part waiting for its restart is not probed"


def test_a_starting_part_is_given_the_start_timeout_before_its_silence_counts():
    rules = RestartRules(start_timeout=240)
    watch = PartWatch(rules, started_at=0.0)
    for now in range(0, 238, 2):  # a JVM starting on a loaded machine: nothing answers for minutes
        assert watch.probed(float(now), answered=False, detail="not answering (connection refused)") is None
    reason = watch.probed(240.0, answered=False, detail="not answering (connection refused)")
    assert reason == "did not answer its health probe within 240 s of its start (not answering (connection refused))"


def test_a_restarted_part_gets_the_start_timeout_again():
    watch = PartWatch(RestartRules(start_timeout=100), started_at=0.0)
    watch.probed(0.0, answered=True, detail="PONG")
    crash_and_restart(watch, 500.0)
    assert watch.probed(502.0, answered=False, detail="no answer to PING") is None
    assert watch.probed(601.0, answered=False, detail="no answer to PING") is not None


def test_a_hung_part_is_killed_once_after_the_grace_and_restarted_for_its_silence():
    watch = PartWatch(RULES, started_at=0.0)
    watch.stopping(50.0, "did not answer 3 health probes in a row (timed out)")
    assert not watch.kill_due(50.0 + RULES.stop_grace - 0.1)
    assert watch.kill_due(50.0 + RULES.stop_grace)
    assert not watch.kill_due(50.0 + RULES.stop_grace + 1), "SIGKILL is sent once"
    watch.exited(61.0, "exited with signal SIGKILL")
    assert watch.reason == "did not answer 3 health probes in a row (timed out)"
    assert watch.phase is Phase.WAITING and watch.delay == FIRST_BACKOFF_SECONDS
