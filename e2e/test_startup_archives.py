"""The launcher starts every Java service from the class-data archive trained at build time (decision 0023): its JVM
maps the archive. Without it the platform still works, only each JVM spends about 1.7x the CPU to start, so nothing
else would notice the archive missing."""

import json
from pathlib import Path

from launcher.config import SERVICES
from launcher.startup_archives import StartupArchive


def test_every_java_service_maps_its_trained_startup_archive(platform_data_dir: Path):
    state = json.loads((platform_data_dir / "run" / "platform.json").read_text())

    java_services = [part for part in SERVICES if part.kind == "java"]
    assert java_services
    for part in java_services:
        pid = state["parts"][part.name]["pid"]
        mapped = Path(f"/proc/{pid}/maps").read_text()
        assert str(StartupArchive(part.module).archive) in mapped, f"{part.name} (pid {pid}) runs without its archive"
