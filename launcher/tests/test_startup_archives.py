"""When a Java service starts from its trained class-data archive, and when from its jar as built (decision 0023).
That the JVMs of a running platform do map their archives is checked end to end (e2e/test_startup_archives.py)."""

import os
import subprocess
import sys
import time

import pytest

from launcher import build
from launcher.startup_archives import StartupArchive

JDK = 'openjdk version "17.0.15" 2025-04-15'


@pytest.fixture
def archive(tmp_path, monkeypatch) -> StartupArchive:
    jar = tmp_path / "gateway" / "target" / "gateway.jar"
    jar.parent.mkdir(parents=True)
    jar.write_bytes(b"the jar as built")
    monkeypatch.setattr(build, "jar_path", lambda module: tmp_path / module / "target" / f"{module}.jar")
    return StartupArchive("gateway")


def trained(archive: StartupArchive, jdk: str = JDK) -> None:
    archive.folder.mkdir(parents=True)
    archive.extracted_jar.write_bytes(b"extracted")
    archive.archive.write_bytes(b"classes")
    archive.stamp.write_text(archive.expected_stamp(jdk))


def test_without_an_archive_the_service_starts_from_its_jar(archive):
    assert archive.launch_arguments(JDK) == ["-jar", str(build.jar_path("gateway"))]


def test_a_current_archive_is_mapped_and_the_extracted_jar_runs(archive):
    trained(archive)

    assert archive.launch_arguments(JDK) == [f"-XX:SharedArchiveFile={archive.archive}", "-jar",
                                             str(archive.extracted_jar)]


def test_a_rebuilt_jar_makes_the_archive_stale(archive):
    trained(archive)
    jar = build.jar_path("gateway")
    jar.write_bytes(b"the jar as built again, with other classes")
    os.utime(jar, ns=(jar.stat().st_atime_ns, jar.stat().st_mtime_ns + 1_000_000_000))

    assert not archive.is_current(JDK)
    assert archive.launch_arguments(JDK)[-1] == str(jar)


def test_another_jdk_makes_the_archive_stale(archive):
    trained(archive)

    assert not archive.is_current('openjdk version "25.0.3" 2026-04-21 LTS')


def test_an_archive_without_its_stamp_is_not_used(archive):
    """A training that died before the launcher wrote the stamp (or an archive copied from elsewhere)."""
    trained(archive)
    archive.stamp.unlink()

    assert not archive.is_current(JDK)


TRY_LOCK = """
import fcntl, sys
with open(sys.argv[1], "w") as handle:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        sys.exit(3)
"""


def another_process_gets(lock_file) -> bool:
    return subprocess.run([sys.executable, "-c", TRY_LOCK, str(lock_file)], check=False).returncode == 0


def test_the_java_build_is_one_process_at_a_time(tmp_path, capsys):
    lock_file = tmp_path / "var" / "build-java.lock"
    with build.exclusive(lock_file, "waiting"):
        assert not another_process_gets(lock_file)
    assert another_process_gets(lock_file)
    assert "waiting" not in capsys.readouterr().out, "said only when another holds it"


HOLD_LOCK = """
import fcntl, sys, time
with open(sys.argv[1], "w") as handle:
    fcntl.flock(handle, fcntl.LOCK_EX)
    print("held", flush=True)
    time.sleep(0.5)
    releasing_at = time.time()
print(releasing_at, flush=True)
"""


def test_a_second_build_waits_for_the_first_and_says_so(tmp_path, capsys):
    lock_file = tmp_path / "build-java.lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(lock_file)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        with build.exclusive(lock_file, "waiting for another build"):
            entered_at = time.time()
        assert entered_at >= float(holder.stdout.readline()), "entered only once the holder had let go"
    finally:
        holder.wait(timeout=10)
    assert "waiting for another build" in capsys.readouterr().out
