"""The one place the chaos suite touches the platform's fault injection (launcher/faults.py: toxiproxy on the links,
and the parts' pids in the launcher's state file). Everything else in chaos/ names faults by what they do."""

from __future__ import annotations

from pathlib import Path

from launcher.config import load_settings
from launcher.faults import FaultProxy, kill_part
from launcher.supervisor import read_state

# The links toxiproxy sits on when a platform runs with faults (launcher/faults.py).
REDIS_LINK = "redis"
POSTGRES_LINK = "postgres"
INFERENCE_LINK = "inference-bridge"


class Injector:
    def __init__(self, faults_api_url: str, state_file: Path):
        # "" on a platform without the fault proxy (the replicas scenario): kills only.
        self._proxy = FaultProxy(faults_api_url) if faults_api_url else None
        # The platform under test, as `./platform fault` sees one: its data folder holds run/platform.json.
        self.settings = load_settings(data_dir=state_file.parent.parent, environ={})

    def pid(self, part: str) -> int:
        """The pid the launcher's state file holds for `part` now (a restarted part has a new one)."""
        state = read_state(self.settings)
        assert state is not None, f"no state file in {self.settings.run_dir}"
        return int(state["parts"][part]["pid"])

    def kill(self, part: str) -> int:
        """SIGKILL to the part's process group, as `./platform fault kill` sends it (no shutdown hook runs, as in a
        crash); returns the killed pid."""
        return kill_part(self.settings, part)

    @property
    def proxy(self) -> FaultProxy:
        if self._proxy is None:
            raise AssertionError("a link fault on a platform started without the fault proxy (PLATFORM_FAULTS=on)")
        return self._proxy

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
