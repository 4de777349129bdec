"""When a Java service starts from its trained class-data archive, and when from its jar as built (decision 0023).
That the JVMs of a running platform do map their archives is checked end to end (e2e/test_startup_archives.py)."""

import os

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
