"""Class-data-sharing archives that let the Java services start on less CPU (decision 0023).

Spring Boot's documented recipe: the jar is extracted (`java -Djarmode=tools -jar app.jar extract`), a training run
starts the application up to the end of its context refresh and exits (`-Dspring.context.exit=onRefresh`), and the
JVM writes the classes it loaded to an archive (`-XX:ArchiveClassesAtExit`). Later starts map that archive
(`-XX:SharedArchiveFile`) instead of reading, verifying and parsing the same classes again: measured on the two-core
machine, 0.55-0.65x the CPU each JVM spends until healthy.

The training runs at build time, once per jar and JDK, against a Redis of its own (Redisson connects during the
refresh) and a throwaway data folder. An archive that does not match the JVM that runs it (another JDK, another
class path) is refused by the JVM itself, which then starts as it would without one; the stamp beside the archive
makes the launcher train again before that happens.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import build
from .config import DEFAULT_JAVA_OPTS, REDIS, SERVICES, clean_environment, free_ports, load_settings
from .console import step

JAVA_SERVICES = tuple(p for p in SERVICES if p.kind == "java")
# The training only has to load what a start loads; the JIT's first tier is enough for that and costs less.
TRAINING_JAVA_OPTS = (*DEFAULT_JAVA_OPTS.split(), "-XX:TieredStopAtLevel=1")
TRAINING_TIMEOUT_SECONDS = 300


@dataclass(frozen=True)
class StartupArchive:
    module: str

    @property
    def folder(self) -> Path:
        return build.jar_path(self.module).parent / "cds"

    @property
    def extracted_jar(self) -> Path:
        return self.folder / f"{self.module}.jar"

    @property
    def archive(self) -> Path:
        return self.folder / f"{self.module}.jsa"

    @property
    def stamp(self) -> Path:
        return self.folder / "trained-for.txt"

    def expected_stamp(self, java_version: str) -> str:
        """What the archive was trained for: the JDK and the very jar (its size and time) it was extracted from."""
        jar = build.jar_path(self.module).stat()
        return f"{java_version}\n{jar.st_size} {jar.st_mtime_ns}\n"

    def is_current(self, java_version: str) -> bool:
        return (self.archive.is_file() and self.stamp.is_file() and build.jar_path(self.module).is_file()
                and self.stamp.read_text() == self.expected_stamp(java_version))

    def launch_arguments(self, java_version: str) -> list[str]:
        """How `java` runs this service: from the archive when it is current, else from the jar as built."""
        if self.is_current(java_version):
            return [f"-XX:SharedArchiveFile={self.archive}", "-jar", str(self.extracted_jar)]
        return ["-jar", str(build.jar_path(self.module))]


def train_startup_archives(logs_dir: Path) -> None:
    """Trains an archive for every Java service whose archive is missing or stale (a new jar, another JDK).

    The three trainings run at once against one private Redis; a failed training leaves that service without an
    archive (it starts as before, only slower) and says where its log is."""
    java = build.java_executable()
    version = build.java_version(java)
    stale = [StartupArchive(p.module) for p in JAVA_SERVICES if not StartupArchive(p.module).is_current(version)]
    if not stale:
        return
    step(f"training start-up archives for {', '.join(a.module for a in stale)} (once per build; decision 0023)")
    with tempfile.TemporaryDirectory(prefix="startup-archives-") as data_dir:
        settings = load_settings(data_dir=Path(data_dir), ports=free_ports(),
                                 environ={**clean_environment(), "PLATFORM_OBSERVABILITY": "off"})
        # The supervisor's own way of starting and stopping a part (imported here: it imports this module to start
        # the services from their archives).
        from .supervisor import Supervisor

        supervisor = Supervisor(settings)
        try:
            supervisor.start(REDIS)
            supervisor.wait_healthy((REDIS,), timeout=30)
            trainings = {archive: _start_training(java, archive, settings, logs_dir) for archive in stale}
            for archive, process in trainings.items():
                _finish_training(archive, process, version, logs_dir)
        finally:
            supervisor.stop_all()


def _start_training(java: str, archive: StartupArchive, settings, logs_dir: Path) -> subprocess.Popen:
    shutil.rmtree(archive.folder, ignore_errors=True)
    build.run_logged([java, "-Djarmode=tools", "-jar", str(build.jar_path(archive.module)), "extract",
                      "--destination", str(archive.folder)],
                     logs_dir / f"startup-archive-{archive.module}.log", f"extracting {archive.module}.jar")
    part = next(p for p in JAVA_SERVICES if p.module == archive.module)
    env = settings.child_env(part)
    log = (logs_dir / f"startup-archive-{archive.module}.log").open("a")
    return subprocess.Popen(
        [java, *TRAINING_JAVA_OPTS, f"-XX:ArchiveClassesAtExit={archive.archive}.partial",
         "-Dspring.context.exit=onRefresh", "-jar", str(archive.extracted_jar)],
        env=env, stdout=log, stderr=subprocess.STDOUT)


def _finish_training(archive: StartupArchive, process: subprocess.Popen, version: str, logs_dir: Path) -> None:
    log = logs_dir / f"startup-archive-{archive.module}.log"
    try:
        code = process.wait(timeout=TRAINING_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        code = None
    partial = Path(f"{archive.archive}.partial")
    if code != 0 or not partial.is_file():
        step(f"the start-up archive of {archive.module} could not be trained (exit {code}): it starts without one; "
             f"see {log}")
        shutil.rmtree(archive.folder, ignore_errors=True)
        return
    partial.rename(archive.archive)
    archive.stamp.write_text(archive.expected_stamp(version))
