"""When ./platform up rebuilds the web console: the staleness rules of launcher/build.py on a scratch tree."""

import os

import pytest

from launcher import build


@pytest.fixture
def console_tree(tmp_path, monkeypatch):
    console = tmp_path / "console"
    types = tmp_path / "contracts" / "types" / "typescript" / "src"
    for path in (console / "src" / "pages", types, console / "node_modules"):
        path.mkdir(parents=True)
    for path in (console / "index.html", console / "package-lock.json", console / "vite.config.ts",
                 console / "src" / "pages" / "App.tsx", types / "index.ts"):
        path.write_text("x")
        os.utime(path, (1_000, 1_000))
    monkeypatch.setattr(build, "CONSOLE_DIR", console)
    monkeypatch.setattr(build, "CONSOLE_DIST", console / "dist")
    monkeypatch.setattr(build, "CONTRACTS_DIR", tmp_path / "contracts")
    return console, types


def _touch(path, when):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x")
    os.utime(path, (when, when))


def test_the_console_is_built_when_there_is_no_output(console_tree):
    assert build.console_build_needed()


def test_an_output_newer_than_every_source_is_kept(console_tree):
    console, _ = console_tree
    _touch(console / "dist" / "index.html", 2_000)
    assert not build.console_build_needed()


@pytest.mark.parametrize("source", ["src/pages/App.tsx", "vite.config.ts", "package-lock.json", "contract-types"])
def test_a_newer_source_or_generated_contract_type_rebuilds(console_tree, source):
    console, types = console_tree
    _touch(console / "dist" / "index.html", 2_000)
    _touch(types / "index.ts" if source == "contract-types" else console / source, 3_000)
    assert build.console_build_needed()


def test_npm_ci_runs_again_only_when_the_lockfile_is_newer_than_node_modules(console_tree):
    console, _ = console_tree
    assert build.npm_ci_needed(console)  # never installed
    _touch(console / "node_modules" / ".package-lock.json", 2_000)
    assert not build.npm_ci_needed(console)
    _touch(console / "package-lock.json", 3_000)
    assert build.npm_ci_needed(console)
