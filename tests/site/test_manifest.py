"""A build with nothing changed since the last one prints what that build printed and leaves
its site as it is, without reading the journal; any change to what a site is made from
makes a real build."""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import generator.site.manifest
from generator.site.manifest import GRANULARITY_NS

from ..helpers import run_alone, tree
from ..helpers import run_pdp as pdp
from .conftest import HOUR_NS

MENTORING = "journal/entries/2025-26/2026-01-20-mentoring.md"
WEBINAR = "journal/entries/2025-26/2025-05-01-webinar.md"
BUILT = r"built the site \(with private content, for you only\): \d+ pages, \d+ files in site\n"


@pytest.fixture
def digested(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every file whose bytes the manifest reads."""
    read: list[str] = []
    real = generator.site.manifest._digest

    def noting(path: str) -> str:
        read.append(path)
        return real(path)

    monkeypatch.setattr(generator.site.manifest, "_digest", noting)
    return read


def read_in(root: Path, digested: list[str]) -> list[str]:
    """The project's files among those read (pdp's own are read too when lately changed)."""
    return [path for path in digested if path.startswith(str(root) + os.sep)]


def stats(folder: Path) -> dict[str, tuple[int, int, int]]:
    return {
        path.relative_to(folder).as_posix(): (
            path.stat().st_size,
            path.stat().st_mtime_ns,
            path.stat().st_ino,
        )
        for path in folder.rglob("*")
    }


def rewrite_keeping_stat(path: Path, old: str, new: str) -> None:
    """Change a file's bytes but not its size, then give it back its mtime."""
    assert len(old) == len(new)
    before = path.stat()
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )


def test_an_unchanged_build_prints_the_same_and_touches_nothing(
    small: Path, builds: list[Path], digested: list[str]
) -> None:
    first = pdp("build")
    assert first[0] == 0 and first[2] == ""
    assert re.fullmatch(BUILT, first[1])
    assert len(builds) == 1
    before = stats(small / "site")
    digested.clear()
    assert pdp("build") == first
    assert len(builds) == 1  # no real build
    assert stats(small / "site") == before
    assert read_in(small, digested) == []  # no entry read, nor anything else of the project


def test_the_site_left_as_it_was_is_what_a_clean_build_makes(
    small: Path, builds: list[Path]
) -> None:
    pdp("build")
    pdp("build")
    assert len(builds) == 1
    assert pdp("build", "--no-cache", "-o", "clean")[0] == 0
    assert tree(small / "site") == tree(small / "clean")


def test_warnings_are_printed_again_with_the_same_exit_code(
    small: Path, builds: list[Path]
) -> None:
    webinar, mentoring = small / WEBINAR, small / MENTORING
    webinar.write_text(webinar.read_text("utf-8").replace("---\n", "---\nprivate: true\n", 1))
    with mentoring.open("a", encoding="utf-8") as text:
        text.write("See [the webinar](2025-05-01-webinar.md).\n")
    first = pdp("build", "--publish")
    assert "W006" in first[2] and first[0] == 0
    assert pdp("build", "--publish") == first
    assert len(builds) == 1


def test_a_touched_but_unchanged_file_makes_nothing_again(
    small: Path, builds: list[Path], digested: list[str]
) -> None:
    pdp("build")
    entry = small / MENTORING
    later = entry.stat().st_mtime_ns + 10**9  # still long ago: its stat can be trusted
    os.utime(entry, ns=(later, later))
    digested.clear()
    pdp("build")
    assert len(builds) == 1
    assert read_in(small, digested) == [str(entry)]
    digested.clear()
    pdp("build")  # the new stat was noted
    assert len(builds) == 1
    assert read_in(small, digested) == []


def test_a_file_from_the_future_is_checked_by_its_bytes(small: Path, builds: list[Path]) -> None:
    entry = small / MENTORING
    future = time.time_ns() + HOUR_NS  # another computer's clock, say
    os.utime(entry, ns=(future, future))
    pdp("build")
    rewrite_keeping_stat(entry, "my mentee", "my mentor")
    pdp("build")
    assert len(builds) == 2
    assert "my mentor" in (small / "site" / "entries" / "2026-01-20-mentoring.html").read_text()


def test_a_change_within_the_same_mtime_is_found_by_its_bytes(
    small: Path, builds: list[Path]
) -> None:
    entry = small / MENTORING
    now = time.time_ns()
    os.utime(entry, ns=(now, now))  # written just before the build
    pdp("build")
    rewrite_keeping_stat(entry, "my mentee", "my mentor")  # again, within the same tick
    pdp("build")
    assert len(builds) == 2
    assert "my mentor" in (small / "site" / "entries" / "2026-01-20-mentoring.html").read_text()


def test_a_file_too_recent_to_trust_is_trusted_once_checked_later(
    small: Path, builds: list[Path], digested: list[str]
) -> None:
    entry = small / MENTORING
    now = time.time_ns()
    os.utime(entry, ns=(now, now))
    pdp("build")
    time.sleep(GRANULARITY_NS / 10**9)
    digested.clear()
    pdp("build")
    assert read_in(small, digested) == [str(entry)]
    digested.clear()
    pdp("build")
    assert read_in(small, digested) == []
    assert len(builds) == 1


def _theme(root: Path) -> None:
    static = root / "themes" / "default" / "static"
    static.mkdir(parents=True)
    (static / "extra.css").write_text("p { margin: 0; }\n", encoding="utf-8")


def _config(root: Path) -> None:
    config = root / "pdp.toml"
    config.write_text(config.read_text("utf-8").replace("Sam Rivera", "Sam Rivers"), "utf-8")


def _new_entry(root: Path) -> None:
    entry = root / MENTORING
    new = entry.with_name("2026-02-02-second-mentoring.md")
    new.write_text(entry.read_text("utf-8"), encoding="utf-8")


def _deleted_entry(root: Path) -> None:
    (root / MENTORING).unlink()


def _deleted_output(root: Path) -> None:
    (root / "site" / "index.html").unlink()


def _edited_output(root: Path) -> None:
    with (root / "site" / "index.html").open("a", encoding="utf-8") as page:
        page.write("<!-- edited -->\n")


@pytest.mark.parametrize(
    "change",
    [_theme, _config, _new_entry, _deleted_entry, _deleted_output, _edited_output],
)
def test_a_change_makes_a_real_build(
    small: Path, builds: list[Path], change: Callable[[Path], None]
) -> None:
    pdp("build")
    change(small)
    assert pdp("build")[0] == 0
    assert len(builds) == 2
    assert pdp("build", "--no-cache", "-o", "clean")[0] == 0
    assert tree(small / "site") == tree(small / "clean")


def test_another_day_or_publishing_makes_a_real_build(
    small: Path, builds: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    pdp("build")
    monkeypatch.setenv("PDP_TODAY", "2026-11-29")
    pdp("build")
    assert len(builds) == 2
    pdp("build", "--publish")
    assert len(builds) == 3
    pdp("build", "--publish")
    assert len(builds) == 3


def test_an_unchanged_build_imports_neither_parsers_nor_renderers(small: Path) -> None:
    # What makes an unchanged build cheap: the manifest is read before any of them.
    assert pdp("build")[0] == 0
    watched = ["yaml", "jinja2", "markdown_it", "multiprocessing", "generator.site.build"]
    assert run_alone(small, ["build"], watched)[:2] == (0, [])


def git(folder: Path, *args: str, when: str | None = None) -> None:
    dated = {} if when is None else {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(
        ["git", "-C", str(folder), "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
        capture_output=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(folder), **dated},
    )


def test_a_new_commit_makes_a_real_build(small: Path, builds: list[Path]) -> None:
    # The pages show when each entry was first committed: the files alone are unchanged.
    git(small, "init", "-q")
    pdp("build")
    page = small / "site" / "entries" / "2026-01-20-mentoring.html"
    assert "not committed to git yet" in page.read_text("utf-8")
    git(small, "add", "journal", "pdp.toml")
    git(small, "commit", "-q", "-m", "journal")
    pdp("build")
    assert len(builds) == 2
    assert "not committed to git yet" not in page.read_text("utf-8")
    pdp("build")
    assert len(builds) == 2


def test_a_commit_in_a_worktree_makes_a_real_build(
    small: Path, builds: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A worktree's .git is a file naming its own folder of git's files: its HEAD and branch
    # are what a commit there changes.
    git(small, "init", "-q")
    git(small, "add", "journal", "pdp.toml")
    git(small, "commit", "-q", "-m", "journal", when="2026-01-21T12:00:00")
    tree_folder = small.parent / "worktree"
    git(small, "worktree", "add", "-q", str(tree_folder))
    monkeypatch.chdir(tree_folder)
    assert pdp("build")[0] == 0
    entry, page = (
        tree_folder / MENTORING,
        tree_folder / "site" / "entries" / "2026-01-20-mentoring.html",
    )
    assert "not committed to git yet" not in page.read_text("utf-8")
    entry.write_text(entry.read_text("utf-8") + "\nA thought for the worktree.\n", "utf-8")
    git(tree_folder, "commit", "-q", "-a", "-m", "a thought", when="2026-02-03T12:00:00")
    assert pdp("build")[0] == 0
    assert len(builds) == 2
    assert "3 February 2026" in page.read_text("utf-8")
    assert pdp("build", "--no-cache", "-o", "clean")[0] == 0
    assert tree(tree_folder / "site") == tree(tree_folder / "clean")
