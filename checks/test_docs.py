"""The docs stay honest and cheap to keep: every relative link in README.md, docs/**/*.md and the folders' README.md
resolves to a file or folder of the repository (and to a heading, when it names one in a Markdown file), README.md
stays a front door (under 250 lines) that links every page of docs/, and every service and kit folder has a README.

Links are read with a small regular expression (inline `[text](target)` and reference definitions), outside fenced
code blocks and code spans; anchors follow GitHub's rule for heading ids."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent
README_MAX_LINES = 250  # the front door reads in five minutes

INLINE_LINK = re.compile(r"\]\(\s*<?([^()\s<>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+\"[^\"]*\")?\s*$")
CODE_SPAN = re.compile(r"(`+).+?\1")
FENCE = re.compile(r"^ {0,3}(```|~~~)")
HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def prose_lines(text: str, blank_code_spans: bool = True) -> list[str]:
    """The lines outside fenced code blocks, code spans blanked (a code span's text is no link)."""
    lines, fence = [], None
    for line in text.splitlines():
        opening = FENCE.match(line)
        if fence is None and opening:
            fence = opening.group(1)
        elif fence is not None and line.strip().startswith(fence):
            fence = None
        elif fence is None:
            lines.append(CODE_SPAN.sub("", line) if blank_code_spans else line)
    return lines


def anchors(markdown: Path) -> set[str]:
    """The ids GitHub gives the file's headings: lower case, punctuation dropped, spaces as hyphens, -1, -2 on repeats."""
    seen: Counter[str] = Counter()
    ids = set()
    for line in prose_lines(markdown.read_text(encoding="utf-8"), blank_code_spans=False):
        heading = HEADING.match(line)
        if not heading:
            continue
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.group(1))  # a link in a heading: its text
        slug = re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")
        ids.add(slug if not seen[slug] else f"{slug}-{seen[slug]}")
        seen[slug] += 1
    return ids


def links(markdown: Path) -> list[str]:
    found = []
    for line in prose_lines(markdown.read_text(encoding="utf-8")):
        found += INLINE_LINK.findall(line)
        found += REFERENCE_LINK.findall(line)
    return found


def broken_links(markdown: Path, root: Path = ROOT) -> list[str]:
    """Each relative link of `markdown` that names no file or folder of `root`, or no heading of its target."""
    broken = []
    for target in links(markdown):
        if SCHEME.match(target):
            continue  # http:, https:, mailto:: not this check's business
        path_part, _, anchor = target.partition("#")
        resolved = (markdown.parent / unquote(path_part)).resolve() if path_part else markdown
        if not resolved.is_relative_to(root.resolve()) or not resolved.exists():
            broken.append(f"{target}: no such file or folder")
        elif anchor and resolved.suffix == ".md" and unquote(anchor) not in anchors(resolved):
            broken.append(f"{target}: no heading #{anchor} in {resolved.relative_to(root.resolve())}")
    return broken


def documents(root: Path = ROOT) -> list[Path]:
    """README.md, every Markdown file under docs/, and the README.md of every top-level folder."""
    folders = [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name not in {"var", "docs"}]
    found = [root / "README.md", *sorted((root / "docs").rglob("*.md"))]
    return found + sorted(folder / "README.md" for folder in folders if (folder / "README.md").is_file())


def service_and_kit_folders(root: Path = ROOT) -> list[Path]:
    """Top-level folders that build a service or a kit (a pom.xml or a pyproject.toml), and the console."""
    builds = {p.parent for pattern in ("*/pom.xml", "*/pyproject.toml") for p in root.glob(pattern)}
    return sorted(builds | {root / "console"})


@pytest.mark.parametrize("markdown", documents(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(markdown: Path) -> None:
    assert broken_links(markdown) == []


def test_readme_is_a_front_door() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) < README_MAX_LINES, f"README.md has {len(lines)} lines: move detail to docs/"


def test_readme_links_every_page_of_docs() -> None:
    linked = {(ROOT / unquote(t.partition("#")[0])).resolve() for t in links(ROOT / "README.md") if not SCHEME.match(t)}
    pages = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "docs" / "decisions" / "README.md"]
    assert [str(p.relative_to(ROOT)) for p in pages if p.resolve() not in linked] == []


@pytest.mark.parametrize("folder", service_and_kit_folders(), ids=lambda p: p.name)
def test_every_service_and_kit_folder_has_a_readme(folder: Path) -> None:
    assert (folder / "README.md").is_file(), f"{folder.name}/ has no README.md (what it owns, routes/events, settings, tests)"


# The checks above must be able to fail: the same functions on a small tree with known mistakes.

def test_the_link_checker_rejects_broken_links_and_anchors(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text("# A page\n\n## Its `second` section: here\n\n## A page\n")
    (tmp_path / "README.md").write_text(
        "Good: [page](docs/page.md), [section](docs/page.md#its-second-section-here), [repeat](docs/page.md#a-page-1),\n"
        "[folder](docs/), [web](https://example.com/missing), [here](#top).\n"
        "Bad: [gone](docs/missing.md), [no heading](docs/page.md#nowhere), [outside](../elsewhere.md)\n"
        "[ref]: docs/also-missing.md\n"
        "`[in a code span](docs/ignored.md)`\n"
        "```\n[in a code block](docs/ignored.md)\n```\n"
        "# Top\n"
    )
    assert broken_links(tmp_path / "README.md", tmp_path) == [
        "docs/missing.md: no such file or folder",
        "docs/page.md#nowhere: no heading #nowhere in docs/page.md",
        "../elsewhere.md: no such file or folder",
        "docs/also-missing.md: no such file or folder",
    ]


def test_the_folder_check_finds_a_service_without_readme(tmp_path: Path) -> None:
    for folder in ("java-service", "python-service", "console", "notes"):
        (tmp_path / folder).mkdir()
    (tmp_path / "java-service" / "pom.xml").write_text("<project/>")
    (tmp_path / "python-service" / "pyproject.toml").write_text("[project]\n")
    (tmp_path / "python-service" / "README.md").write_text("# python-service\n")
    folders = service_and_kit_folders(tmp_path)
    assert [f.name for f in folders] == ["console", "java-service", "python-service"]
    assert [f.name for f in folders if not (f / "README.md").is_file()] == ["console", "java-service"]
