"""The one place the chaos suite touches the platform's fault injection (launcher/faults.py: toxiproxy on the links,
and the parts' pids in the launcher's state file). Everything else in chaos/ names faults by what they do."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

from launcher.faults import FaultProxy

# The links toxiproxy sits on when a platform runs with faults (launcher/faults.py).
REDIS_LINK = "redis"
POSTGRES_LINK = "postgres"
INFERENCE_LINK = "inference-bridge"


class Injector:
    def __init__(self, faults_api_url: str, state_file: Path):
        self.proxy = FaultProxy(faults_api_url)
        self.state_file = state_file

    def pid(self, part: str) -> int:
        """The pid the launcher's state file holds for `part` now (a restarted part has a new one)."""
        return int(json.loads(self.state_file.read_text())["parts"][part]["pid"])

    def kill(self, part: str) -> int:
        """SIGKILL to the part's process group (no shutdown hook runs, as in a crash); returns the killed pid."""
        pid = self.pid(part)
        os.killpg(pid, signal.SIGKILL)
        return pid

    def latency(self, link: str, ms: int) -> None:
        self.proxy.add_latency(link, ms)

    def errors(self, link: str, fraction: float) -> None:
        self.proxy.add_errors(link, fraction)

    def cut(self, link: str) -> None:
        self.proxy.cut(link)

    def restore(self, link: str) -> None:
        self.proxy.restore(link)

    def clear(self) -> None:
        self.proxy.clear()
