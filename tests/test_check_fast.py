"""A check with nothing changed since the last one prints what that check printed, with its
exit code, without reading the journal; any change to what a check is made from makes a real
check. A check imports none of the renderers, nor worker processes, at a member's scale."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import generator.journal.open

from .conftest import FIXTURES, REPOSITORY
from .helpers import age
from .helpers import run_pdp as pdp

TYPO = "journal/entries/2025/typo.md"
EXPECTED = (FIXTURES / "projects" / "messy.check.out").read_text("utf-8")
# What neither kind of check needs: the site's renderers, the files of a pack, watch mode's
# file events, and worker processes.
NOT_IMPORTED = ("jinja2", "markdown_it", "multiprocessing", "pypdf", "watchdog")


@pytest.fixture
def messy(project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """The messy project (errors and warnings), its files an hour old."""
    root = project("messy")
    monkeypatch.chdir(root)
    monkeypatch.setenv("PDP_TODAY", "2026-11-28")
    age(root, 3600 * 10**9)
    return root


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The root of each project a real check reads, as `open_journal` is called."""
    read: list[Path] = []
    real = generator.journal.open.open_journal

    def counting(*args: object, **kwargs: object) -> generator.journal.open.Checked:
        read.append(args[0].root)  # type: ignore[attr-defined]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(generator.journal.open, "open_journal", counting)
    return read


@pytest.mark.parametrize(
    "options",
    [(), ("--strict",), ("--format", "json"), ("--format", "github"), ("--quiet",)],
)
def test_an_unchanged_check_prints_the_same_with_the_same_exit_code(
    messy: Path, checks: list[Path], options: tuple[str, ...]
) -> None:
    first = pdp("check", *options)
    assert first[0] == 1
    assert len(checks) == 1
    assert pdp("check", *options) == first
    assert len(checks) == 1  # no real check
    if not options:
        assert first[1] == EXPECTED


def test_the_options_of_a_check_apply_to_the_problems_kept(messy: Path, checks: list[Path]) -> None:
    text = pdp("check")
    json = pdp("check", "--format", "json")
    strict = pdp("check", "--strict", "--format", "github")
    assert len(checks) == 1
    assert pdp("check", "--no-cache", "--format", "json") == json
    assert pdp("check", "--no-cache", "--strict", "--format", "github") == strict
    assert pdp("check", "--no-cache") == text
    assert len(checks) == 4


def test_a_check_without_the_cache_neither_reads_nor_keeps_a_manifest(
    messy: Path, checks: list[Path]
) -> None:
    pdp("check", "--no-cache")
    pdp("check", "--no-cache")
    assert not (messy / ".pdp-cache").exists()
    assert len(checks) == 2


def test_a_check_of_the_staged_files_is_always_a_real_one(messy: Path, checks: list[Path]) -> None:
    git(messy, "init", "-q")
    git(messy, "add", ".")
    pdp("check")
    pdp("check", "--staged")
    pdp("check", "--staged")
    assert len(checks) == 3


def test_a_touched_but_unchanged_file_makes_no_real_check(messy: Path, checks: list[Path]) -> None:
    first = pdp("check")
    os.utime(messy / TYPO)
    assert pdp("check") == first
    assert pdp("check") == first
    assert len(checks) == 1


def test_an_edited_file_makes_a_real_check_that_finds_the_change(
    messy: Path, checks: list[Path]
) -> None:
    pdp("check")
    entry = messy / TYPO
    entry.write_text(entry.read_text("utf-8").replace("activity: bok", "activity: book"), "utf-8")
    code, out, _ = pdp("check")
    assert len(checks) == 2
    assert code == 1
    assert "error[V007] activity: unknown activity 'bok'" not in out
    assert out.endswith("files checked: 5 errors, 2 warnings\n")
    assert pdp("check") == (code, out, "")
    assert len(checks) == 2


def _config(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = root / "pdp.toml"
    config.write_text(config.read_text("utf-8") + "\n# edited\n", "utf-8")


def _new_entry(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (root / TYPO).with_name("copy.md").write_text((root / TYPO).read_text("utf-8"), "utf-8")


def _deleted_entry(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (root / TYPO).unlink()


def _new_day(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PDP_TODAY", "2026-11-29")


@pytest.mark.parametrize("change", [_config, _new_entry, _deleted_entry, _new_day])
def test_a_change_makes_a_real_check_that_prints_what_a_fresh_one_does(
    messy: Path,
    checks: list[Path],
    monkeypatch: pytest.MonkeyPatch,
    change: Callable[[Path, pytest.MonkeyPatch], None],
) -> None:
    pdp("check")
    change(messy, monkeypatch)
    again = pdp("check")
    assert len(checks) == 2
    assert pdp("check", "--no-cache") == again


@pytest.mark.parametrize("kept", [False, True])
def test_a_check_imports_neither_renderers_nor_worker_processes(messy: Path, kept: bool) -> None:
    if kept:
        assert pdp("check")[0] == 1
    script = (
        "import io, sys\nfrom generator.cli import run\n"
        "code = run(['-C', sys.argv[1], 'check'], io.StringIO(), io.StringIO())\n"
        f"print(code, sorted(set({NOT_IMPORTED!r}) & set(sys.modules)))"
    )
    done = in_fresh_python(script, REPOSITORY, str(messy))
    assert done.stdout.splitlines()[-1] == "1 []"


def in_fresh_python(script: str, folder: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """A script run by a Python that has imported nothing yet, in `folder`."""
    return subprocess.run(
        [sys.executable, "-c", script, *argv],
        capture_output=True,
        text=True,
        check=True,
        cwd=folder,
        env={**os.environ, "PDP_TODAY": "2026-11-28"},
    )


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(folder), "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
        capture_output=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(folder)},
    )


# What a check with nothing changed needs no more than the renderers: the journal's model,
# its parsers and its schema (each costs start-up time a pre-commit hook notices).
NOT_IMPORTED_WHEN_KEPT = (
    "generator.model",
    "generator.journal.schema",
    "generator.journal.front_matter",
    "generator.journal.open",
    "yaml",
    "tomllib",
)


def test_an_unchanged_check_imports_nothing_of_the_model_or_the_parsers(messy: Path) -> None:
    assert pdp("check")[0] == 1  # kept, with errors and warnings to print again
    script = (
        "import io, sys\nfrom generator.cli import run\nout = io.StringIO()\n"
        "code = run(['check'], out, io.StringIO())\n"
        f"print(code, sorted(set({NOT_IMPORTED_WHEN_KEPT!r}) & set(sys.modules)))\n"
        "sys.stderr.write(out.getvalue())"
    )
    done = in_fresh_python(script, messy)
    assert done.stdout.splitlines()[-1] == "1 []"
    assert done.stderr == EXPECTED  # as a check that read the files prints it
