"""Keeping the journal in git: pdp init, the pre-commit hook, and pack."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from generator.cli import run
from generator.load import CACHE_DIR

from .conftest import TODAY

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
       "-c", "commit.gpgsign=false"]


def pdp(monkeypatch: pytest.MonkeyPatch, cwd: Path, *argv: str) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("PDP_TODAY", TODAY.isoformat())
    out, err = io.StringIO(), io.StringIO()
    return run(list(argv), out, err), out.getvalue(), err.getvalue()


def git(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*GIT, "-C", str(folder), *args], capture_output=True, text=True,
                          check=False, env={"PATH": "/usr/bin:/bin", "HOME": str(folder),
                                            "PDP_TODAY": TODAY.isoformat()})


def test_init_makes_a_journal_that_checks(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = pdp(monkeypatch, tmp_path, "init", "journal-project", "--name", "Jo Bloggs")
    assert code == 0
    assert out.splitlines()[0] == "created journal-project/pdp.toml"
    root = tmp_path / "journal-project"
    assert (root / "journal/entries/2026-27/2026-11-28-my-first-entry.md").is_file()
    assert (root / "journal/reviews").is_dir()
    assert "/site/" in (root / ".gitignore").read_text()
    assert pdp(monkeypatch, root, "check", "--strict")[:2] == (
        0, "3 files checked: no problems\n")
    assert 'name = "Jo Bloggs"' in (root / "pdp.toml").read_text()


def test_init_refuses_a_journal_link_in_a_loop(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    os.symlink("journal", tmp_path / "journal")
    code, _, err = pdp(monkeypatch, tmp_path, "init")
    assert code == 2
    assert err.startswith("pdp: error: . already holds a journal; nothing was changed")


def test_init_refuses_an_existing_journal_and_keeps_files(
        tmp_path: Path, project: Callable[[str], Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    small = project("small")
    code, _, err = pdp(monkeypatch, small, "init")
    assert code == 2
    assert err.startswith("pdp: error: . already holds a journal; nothing was changed")
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / ".gitignore").write_text("my own rules\n")
    code, out, _ = pdp(monkeypatch, fresh, "init")
    assert code == 0
    assert "kept .gitignore as it was" in out
    assert (fresh / ".gitignore").read_text() == "my own rules\n"


def test_ci_files_are_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pdp(monkeypatch, tmp_path, "init", "--install", "pdp @ git+https://example.org/pdp")
    workflow = yaml.safe_load((tmp_path / ".github/workflows/pdp.yml").read_text())
    steps = workflow["jobs"]["check"]["steps"]
    assert {"run": "pip install \"pdp @ git+https://example.org/pdp\""} in steps
    assert {"run": "pdp check --format github"} in steps
    assert workflow["jobs"]["publish"]["environment"]["url"] == \
        "${{ steps.deployment.outputs.page_url }}"
    gitlab = yaml.safe_load((tmp_path / ".gitlab-ci.yml").read_text())
    assert gitlab["pages"]["artifacts"]["paths"] == ["public"]
    hooks = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text())
    assert hooks["repos"][0]["hooks"][0]["entry"] == "pdp check"


def test_hook_refuses_a_bad_commit_and_accepts_the_fix(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pdp(monkeypatch, tmp_path, "init")
    assert git(tmp_path, "init", "-q").returncode == 0
    code, out, _ = pdp(monkeypatch, tmp_path, "hook", "install")
    assert (code, out) == (0, "installed .git/hooks/pre-commit: each commit runs 'pdp check' "
                              "on what is staged\n")
    git(tmp_path, "add", "-A")
    assert git(tmp_path, "commit", "-qm", "start").returncode == 0
    bad = tmp_path / "journal/entries/2026-27/bad.md"
    bad.write_text("---\ntitle: Bad\ndate: 2026-11-01\nactivity: podcst\nhours: 1\n---\n"
                   "I applied it.\n")
    git(tmp_path, "add", "-A")
    refused = git(tmp_path, "commit", "-qm", "bad")
    assert refused.returncode == 1
    assert "journal/entries/2026-27/bad.md:4:11: error[V007] activity: unknown activity " \
           "'podcst'" in refused.stdout + refused.stderr
    bad.write_text(bad.read_text().replace("podcst", "podcast"))
    git(tmp_path, "add", "-A")
    assert git(tmp_path, "commit", "-qm", "fixed").returncode == 0


def test_staged_check_reads_the_index_not_the_working_tree(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pdp(monkeypatch, tmp_path, "init")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    entry = next((tmp_path / "journal/entries").rglob("*.md"))
    entry.write_text("not even front matter\n")
    staged = pdp(monkeypatch, tmp_path, "check", "--staged")
    assert staged[0] == 0
    # The staged copy's checks are kept with the project, each by what it checked.
    assert (tmp_path / CACHE_DIR / "checks.sqlite3").is_file()
    assert pdp(monkeypatch, tmp_path, "check")[0] == 1
    assert pdp(monkeypatch, tmp_path, "check", "--staged") == staged
    assert pdp(monkeypatch, tmp_path, "check", "--staged", "--no-cache") == staged


def test_hook_never_replaces_someone_elses_hook(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    pdp(monkeypatch, tmp_path, "init")
    git(tmp_path, "init", "-q")
    hook = tmp_path / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\nmy-own-linter\n")
    code, _, err = pdp(monkeypatch, tmp_path, "hook", "install")
    assert code == 2
    assert "exists and was not written by pdp; it was left as it is" in err
    assert hook.read_text() == "#!/bin/sh\nmy-own-linter\n"


def test_pack_zips_the_published_site_with_checksums(
        project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root = project("hostile")
    code, out, err = pdp(monkeypatch, root, "pack", "--year", "2025-26")
    assert code == 0, err
    archive = root / "casey-script-alert-name-script-doe-2025-26-portfolio.zip"
    assert out.startswith(f"packed 22 files into {archive.name}")
    with zipfile.ZipFile(archive) as bundle:
        names = bundle.namelist()
        contents = {name: bundle.read(name) for name in names}
    assert "index.html" in names and "SHA256SUMS" in names
    assert "review-pack-2025-26.pdf" in names
    for line in contents["SHA256SUMS"].decode().splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256(contents[name]).hexdigest() == digest
    assert len(contents["SHA256SUMS"].decode().splitlines()) == len(names) - 1
    assert not any(b"PRIVATE-" in data for data in contents.values())
    assert (root / archive.with_suffix(".pdf").name).read_bytes().startswith(b"%PDF")


def test_pack_without_a_browser_says_so(project: Callable[[str], Path],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    root = project("small")
    code, _, err = pdp(monkeypatch, root, "pack", "-o", "out/pack.zip")
    assert code == 0
    assert err == ("pdp: no PDF: Chromium is not installed (install it, e.g. apt-get install "
                   "chromium, or print pack/ pages from a browser)\n")
    assert zipfile.ZipFile(root / "out/pack.zip").testzip() is None


def test_pre_commit_hook_definition() -> None:
    from .conftest import REPOSITORY

    hooks = yaml.safe_load((REPOSITORY / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["id"] == "pdp-check"
    assert hooks[0]["entry"] == "pdp check"
    assert hooks[0]["language"] == "python"
    assert hooks[0]["pass_filenames"] is False


def commit_on(folder: Path, day: str, message: str) -> None:
    stamp = f"{day}T12:00:00+00:00"
    done = subprocess.run([*GIT, "-C", str(folder), "commit", "-qm", message],
                          capture_output=True, text=True, check=False,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(folder),
                               "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})
    assert done.returncode == 0, done.stderr


def test_entry_pages_show_when_reflections_were_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pdp(monkeypatch, tmp_path, "init")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    commit_on(tmp_path, "2026-05-01", "first")
    entry = next((tmp_path / "journal/entries").rglob("*.md"))
    entry.write_text(entry.read_text() + "\nI applied it again in June.\n")
    git(tmp_path, "add", "-A")
    commit_on(tmp_path, "2026-06-15", "more")
    assert pdp(monkeypatch, tmp_path, "build")[0] == 0
    page = (tmp_path / f"site/entries/{entry.stem}.html").read_text()
    assert ("<dt>Written</dt><dd>first committed 1 May 2026, last changed 15 June 2026 "
            "(from git)</dd>") in page

    shallow = tmp_path.parent / "shallow"
    cloned = subprocess.run(["git", "clone", "-q", "--depth", "1", tmp_path.as_uri(),
                             str(shallow)], capture_output=True, text=True, check=False)
    assert cloned.returncode == 0, cloned.stderr
    assert pdp(monkeypatch, shallow, "build")[0] == 0
    assert ("<dd>not available: this is a shallow clone of the journal&#39;s history</dd>"
            in (shallow / f"site/entries/{entry.stem}.html").read_text())


def test_outside_git_the_dates_say_why_they_are_missing(
        project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root = project("small")
    assert pdp(monkeypatch, root, "build")[0] == 0
    page = (root / "site/entries/2025-05-01-webinar.html").read_text()
    assert "<dd>not available: the journal is not kept in git</dd>" in page


@pytest.mark.parametrize(("name", "schema"), [(".github/workflows/pdp.yml", "github-workflows"),
                                              (".gitlab-ci.yml", "gitlab-ci")])
def test_ci_files_pass_their_schemas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     name: str, schema: str) -> None:
    """The workflow linter that installs here: SchemaStore's schemas, vendored by
    check-jsonschema (actionlint's package downloads a binary at install time)."""
    pdp(monkeypatch, tmp_path, "init")
    lint = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", f"vendor.{schema}"]
    good = subprocess.run([*lint, name], capture_output=True, text=True, cwd=tmp_path,
                          check=False)
    assert good.returncode == 0, good.stdout + good.stderr
    broken = tmp_path / "broken.yml"
    text = (tmp_path / name).read_text()
    broken.write_text(text.replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest")
                      .replace("stage: check", "stage: [check, 3]"))
    bad = subprocess.run([*lint, str(broken)], capture_output=True, text=True, check=False)
    assert bad.returncode == 1, bad.stdout
