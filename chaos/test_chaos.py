"""The chaos suite's scenarios: the platform keeps its promises under load while parts fail (chaos/README.md). Each runs
against a platform of its own, started by `./platform test chaos` (launcher/testing.py `run_chaos`), one after the
other: the same load and checks, another platform and schedule."""

import json
from dataclasses import replace

from chaos.run import Config, run
from chaos.schedule import InstanceKills, Schedule, part_of


def passes(config: Config, schedule_of, in_order: bool = True) -> dict:
    findings, figures = run(config, schedule_of, in_order)
    print("\nchaos figures:\n" + json.dumps(figures, indent=2))
    print(f"history: {config.artifacts / 'history.jsonl'}")
    assert not findings, f"{len(findings)} broken promise(s):\n" + "\n".join(findings[:60])
    return figures


def test_the_platform_keeps_its_promises_while_parts_fail():
    """One instance of each part, the fault proxy on every link: kills of every part, Redis, cut and slow links."""
    config = Config.from_environment()
    assert config.faults_url, "CHAOS_FAULTS_URL is not set: this scenario runs on the platform with PLATFORM_FAULTS=on"
    passes(config, Schedule)


def test_the_platform_keeps_its_promises_while_instances_die():
    """Two instances of every service and worker, no proxy: the second instance of each killed in the middle of the
    load. Its artifacts go to replicas/ beside the first scenario's."""
    config = Config.from_environment()
    scaled = {part_of(name) for name in config.service_urls if part_of(name) != name}
    assert scaled, (f"no part runs a second instance ({sorted(config.service_urls)}): this scenario runs on the "
                    f"platform with PLATFORM_SCALE (launcher/testing.py CHAOS_SCALE)")
    # Each client's events once, not in order: the two instances of notification-service's group race (README).
    figures = passes(replace(config, artifacts=config.artifacts / "replicas"), InstanceKills, in_order=False)
    assert figures["ws_reconnects"] > 0, ("no WebSocket client was connected to the killed notification-service "
                                          "instance: nothing proved the reconnect with last_event_id")
    assert figures["consumer_spread"], "no consumer group of a scaled part consumed anything"
