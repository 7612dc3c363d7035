"""The git hook at commit time: it finds pdp after the environment that installed it moved,
says how to fix it when it cannot, and says when the working copy is not what it checked."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ..conftest import TODAY
from .test_git import GIT, pdp

# The folders a moved environment lived in: spaces, quotes, a dollar and non-ASCII letters.
OLD_ENV = "old env $HOME 'café'"
NEW_ENV = "new env"
BAD = "---\ntitle: Bad\ndate: 2026-11-01\nactivity: podcst\nhours: 1\n---\nI applied it.\n"
BAD_LINE = "journal/entries/2026-27/bad.md:4:11: error[V007] activity: unknown activity 'podcst'"
HINT = (
    "  hint: install pdp (pipx install pdp-journal), or run `pdp hook install` again from the "
    "environment that has it; to commit anyway: git commit --no-verify\n"
)


def git(folder: Path, *args: str, path: str = "/usr/bin:/bin") -> subprocess.CompletedProcess[str]:
    """git, with the hook finding on `path` what a member's shell would."""
    return subprocess.run(
        [*GIT, "-C", str(folder), *args],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": path, "HOME": str(folder), "PDP_TODAY": TODAY.isoformat()},
    )


def executable(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    path.chmod(0o755)
    return path


def environment(folder: Path, python_options: str = "") -> Path:
    """A virtual environment's `bin/python` (this one's Python, with `python_options`)."""
    return executable(
        folder / "bin" / "python",
        f'#!/bin/sh\nexec {shlex.quote(sys.executable)} {python_options} "$@"\n',
    )


def pdp_command(folder: Path) -> Path:
    """A `pdp` command in `folder`, as pipx or a virtual environment puts one on PATH."""
    return executable(
        folder / "pdp", f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m generator "$@"\n'
    )


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new journal in git, its first commit made, with a hook installed from the Python of
    an environment at OLD_ENV."""
    root = tmp_path / "journal"
    pdp(monkeypatch, tmp_path, "init", str(root))
    assert git(root, "init", "-q").returncode == 0
    monkeypatch.setattr(sys, "executable", str(environment(tmp_path / OLD_ENV)))
    assert pdp(monkeypatch, root, "hook", "install")[0] == 0
    monkeypatch.undo()
    git(root, "add", "-A")
    started = git(root, "commit", "-qm", "start")
    assert started.returncode == 0, started.stderr
    (tmp_path / OLD_ENV).rename(tmp_path / NEW_ENV)  # the recorded Python is gone
    return root


def stage_bad_entry(root: Path) -> Path:
    bad = root / "journal/entries/2026-27/bad.md"
    bad.write_text(BAD, "utf-8")
    git(root, "add", "-A")
    return bad


def test_the_hook_finds_pdp_on_path_after_the_environment_moved(
    repository: Path, tmp_path: Path
) -> None:
    path = f"{pdp_command(tmp_path / 'pipx bin').parent}:/usr/bin:/bin"
    bad = stage_bad_entry(repository)
    refused = git(repository, "commit", "-qm", "bad", path=path)
    assert refused.returncode == 1
    assert refused.stderr.startswith(BAD_LINE + "\n"), refused.stderr  # git: hooks to stderr
    bad.write_text(BAD.replace("podcst", "podcast"), "utf-8")
    git(repository, "add", "-A")
    fixed = git(repository, "commit", "-qm", "fixed", path=path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr


def test_without_pdp_the_hook_says_how_to_fix_it(repository: Path, tmp_path: Path) -> None:
    stage_bad_entry(repository)
    refused = git(repository, "commit", "-qm", "bad")
    assert (refused.returncode, refused.stdout) == (1, "")
    assert refused.stderr == (
        "pdp: cannot find pdp to check this commit: none on PATH, and "
        f"{tmp_path / OLD_ENV / 'bin' / 'python'} is gone or has no pdp\n" + HINT
    )
    assert git(repository, "commit", "-qm", "bad", "--no-verify").returncode == 0


def test_a_python_without_pdp_is_passed_over(repository: Path, tmp_path: Path) -> None:
    """The recorded Python is there again, but without pdp (no site-packages: -S)."""
    python = environment(tmp_path / OLD_ENV, "-S")
    stage_bad_entry(repository)
    refused = git(repository, "commit", "-qm", "bad")
    assert (refused.returncode, refused.stdout) == (1, "")
    assert refused.stderr == (
        f"pdp: cannot find pdp to check this commit: none on PATH, and {python} is gone or "
        "has no pdp\n" + HINT
    )


def test_a_pdp_on_path_that_cannot_run_gives_way_to_the_recorded_python(
    repository: Path, tmp_path: Path
) -> None:
    """A moved environment's bin/ on PATH: its pdp names an interpreter that is gone."""
    python = environment(tmp_path / OLD_ENV)  # the recorded Python works
    broken = executable(tmp_path / NEW_ENV / "bin" / "pdp", f"#!{tmp_path}/gone/python\n")
    stage_bad_entry(repository)
    refused = git(repository, "commit", "-qm", "bad", path=f"{broken.parent}:/usr/bin:/bin")
    assert refused.returncode == 1
    # After the shell's own words on the pdp that cannot run:
    assert (
        f"\npdp: the one on PATH cannot run: checking with {python} instead\n{BAD_LINE}\n"
        in "\n" + refused.stderr
    ), refused.stderr
    (tmp_path / OLD_ENV).rename(tmp_path / "moved again")
    refused = git(repository, "commit", "-qm", "bad", path=f"{broken.parent}:/usr/bin:/bin")
    assert refused.returncode == 1
    assert refused.stderr.endswith(
        "\npdp: cannot find pdp to check this commit: the one on PATH cannot run, and "
        f"{python} is gone or has no pdp\n" + HINT
    ), refused.stderr


def test_a_refusal_says_when_the_working_copy_is_not_what_was_checked(
    repository: Path, tmp_path: Path
) -> None:
    path = f"{pdp_command(tmp_path / 'pipx bin').parent}:/usr/bin:/bin"
    bad = stage_bad_entry(repository)
    first = git(repository, "commit", "-qm", "bad", path=path)
    assert first.returncode == 1
    assert first.stderr.startswith(BAD_LINE + "\n")
    assert "working copy" not in first.stderr  # what was checked is what is there
    bad.write_text(BAD.replace("podcst", "podcast"), "utf-8")  # fixed, but not staged
    again = git(repository, "commit", "-qm", "bad", path=path)
    assert again.returncode == 1
    assert again.stderr == first.stderr + (
        "pdp: checked the staged version of journal/entries/2026-27/bad.md; your working "
        "copy differs: stage it with `git add journal/entries/2026-27/bad.md`\n"
    )
    git(repository, "add", "-A")
    assert git(repository, "commit", "-qm", "fixed", path=path).returncode == 0


def test_the_staged_check_names_each_file_whose_working_copy_differs(
    repository: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = repository / "journal/entries/2026-27"
    bad = stage_bad_entry(repository)
    other = entries / "Jo's other entry.md"
    other.write_text(BAD, "utf-8")
    git(repository, "add", "-A")
    # A file without problems differs: nothing to say of it.
    (entries / "2026-11-28-my-first-entry.md").write_text("changed, no problem staged\n")
    code, out, err = pdp(monkeypatch, entries, "check", "--staged")
    assert code == 1
    assert out.startswith("Jo's other entry.md:4:11: error[V007] activity: ")
    assert err == ""  # both files with problems are as staged
    bad.write_text("fixed later\n", "utf-8")
    other.unlink()  # deleted from the working copy, still staged
    assert pdp(monkeypatch, entries, "check", "--staged")[1:] == (
        out,
        "pdp: checked the staged version of Jo's other entry.md; your working copy differs: "
        "stage it with `git add 'Jo'\"'\"'s other entry.md'`\n"
        "pdp: checked the staged version of bad.md; your working copy differs: "
        "stage it with `git add bad.md`\n",
    )


def test_the_pre_commit_configuration_says_it_needs_pdp_on_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdp(monkeypatch, tmp_path, "init")
    text = (tmp_path / ".pre-commit-config.yaml").read_text("utf-8")
    hook = yaml.safe_load(text)["repos"][0]["hooks"][0]
    assert (hook["name"], hook["entry"], hook["language"]) == (
        "pdp check (the pdp command on your PATH)",
        "pdp check",
        "system",
    )
    assert '# stops with "Executable `pdp` not found", install pdp' in text
