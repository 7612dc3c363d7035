"""Keeping the journal in git: pdp init, the pre-commit hook, and pack."""

from __future__ import annotations

import hashlib
import http.server
import io
import os
import subprocess
import sys
import threading
import zipfile
from collections.abc import Callable
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
import yaml

import generator.publish.pack
from generator.cli import run
from generator.journal.history import GitHistory, entry_history
from generator.journal.load import CACHE_DIR

from ..conftest import TODAY
from ..site_tools import require_tools

GIT = [
    "git",
    "-c",
    "user.name=Test",
    "-c",
    "user.email=test@example.org",
    "-c",
    "commit.gpgsign=false",
]


def pdp(monkeypatch: pytest.MonkeyPatch, cwd: Path, *argv: str) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("PDP_TODAY", TODAY.isoformat())
    out, err = io.StringIO(), io.StringIO()
    return run(list(argv), out, err), out.getvalue(), err.getvalue()


def git(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*GIT, "-C", str(folder), *args],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(folder), "PDP_TODAY": TODAY.isoformat()},
    )


def hook_refuses_a_bad_entry_then_takes_it_fixed(repository: Path, root: Path) -> None:
    """Commit an entry with an unknown activity (refused, with the check's line), then the
    same entry fixed (committed)."""
    bad = root / "journal/entries/2026-27/bad.md"
    bad.write_text(
        "---\ntitle: Bad\ndate: 2026-11-01\nactivity: podcst\nhours: 1\n---\nI applied it.\n"
    )
    git(repository, "add", "-A")
    refused = git(repository, "commit", "-qm", "bad")
    assert refused.returncode == 1
    assert (
        "journal/entries/2026-27/bad.md:4:11: error[V007] activity: unknown activity "
        "'podcst'" in refused.stdout + refused.stderr
    )
    bad.write_text(bad.read_text().replace("podcst", "podcast"))
    git(repository, "add", "-A")
    fixed = git(repository, "commit", "-qm", "fixed")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr


def test_init_makes_a_journal_that_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = pdp(monkeypatch, tmp_path, "init", "journal-project", "--name", "Jo Bloggs")
    assert code == 0
    assert out.splitlines()[0] == "created journal-project/pdp.toml"
    root = tmp_path / "journal-project"
    assert (root / "journal/entries/2026-27/2026-11-28-my-first-entry.md").is_file()
    assert (root / "journal/reviews").is_dir()
    assert "/site/" in (root / ".gitignore").read_text()
    assert pdp(monkeypatch, root, "check", "--strict")[:2] == (0, "3 files checked: no problems\n")
    assert 'name = "Jo Bloggs"' in (root / "pdp.toml").read_text()


def test_init_refuses_a_journal_link_in_a_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    os.symlink("journal", tmp_path / "journal")
    code, _, err = pdp(monkeypatch, tmp_path, "init")
    assert code == 2
    assert err.startswith("pdp: error: . already holds a journal; nothing was changed")


def test_init_refuses_an_existing_journal_and_keeps_files(
    tmp_path: Path, project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
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
    pdp(monkeypatch, tmp_path, "init", "--install", "pdp-journal @ git+https://example.org/pdp")
    workflow = yaml.safe_load((tmp_path / ".github/workflows/pdp.yml").read_text())
    steps = workflow["jobs"]["check"]["steps"]
    assert {"run": 'pip install "pdp-journal @ git+https://example.org/pdp"'} in steps
    assert {"run": "pdp check --format github"} in steps
    assert (
        workflow["jobs"]["publish"]["environment"]["url"]
        == "${{ steps.deployment.outputs.page_url }}"
    )
    gitlab = yaml.safe_load((tmp_path / ".gitlab-ci.yml").read_text())
    assert gitlab["pages"]["artifacts"]["paths"] == ["public"]
    hooks = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text())
    assert hooks["repos"][0]["hooks"][0]["entry"] == "pdp check"


def test_hook_refuses_a_bad_commit_and_accepts_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdp(monkeypatch, tmp_path, "init")
    assert git(tmp_path, "init", "-q").returncode == 0
    code, out, _ = pdp(monkeypatch, tmp_path, "hook", "install")
    assert (code, out) == (
        0,
        "installed .git/hooks/pre-commit: each commit runs 'pdp check' on what is staged\n",
    )
    git(tmp_path, "add", "-A")
    assert git(tmp_path, "commit", "-qm", "start").returncode == 0
    hook_refuses_a_bad_entry_then_takes_it_fixed(tmp_path, tmp_path)


def test_staged_check_reads_the_index_not_the_working_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdp(monkeypatch, tmp_path, "init")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    entry = next((tmp_path / "journal/entries").rglob("*.md"))
    entry.write_text("not even front matter\n")
    staged = pdp(monkeypatch, tmp_path, "check", "--staged")
    assert staged[0] == 0
    # The staged copy's checks are kept with the project, each by what it checked.
    assert (tmp_path / CACHE_DIR / "cache.sqlite3").is_file()
    assert pdp(monkeypatch, tmp_path, "check")[0] == 1
    assert pdp(monkeypatch, tmp_path, "check", "--staged") == staged
    assert pdp(monkeypatch, tmp_path, "check", "--staged", "--no-cache") == staged


def test_hook_never_replaces_someone_elses_hook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdp(monkeypatch, tmp_path, "init")
    git(tmp_path, "init", "-q")
    hook = tmp_path / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\nmy-own-linter\n")
    code, _, err = pdp(monkeypatch, tmp_path, "hook", "install")
    assert code == 2
    assert "exists and was not written by pdp; it was left as it is" in err
    assert hook.read_text() == "#!/bin/sh\nmy-own-linter\n"


@pytest.mark.tools  # Chromium prints the PDF
def test_pack_zips_the_published_site_with_checksums(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project("hostile")
    code, out, err = pdp(monkeypatch, root, "pack", "--year", "2025-26")
    assert code == 0, err
    archive = root / "dist/casey-script-alert-name-script-doe-2025-26-portfolio.zip"
    assert out.startswith(f"packed 23 files into dist/{archive.name}")
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
    assert archive.with_suffix(".pdf").read_bytes().startswith(b"%PDF")


def test_pack_without_a_browser_says_so(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    root = project("small")
    code, _, err = pdp(monkeypatch, root, "pack", "-o", "out/pack.zip")
    assert code == 0
    assert err == (
        "pdp: no PDF: Chromium is not installed (install it, e.g. apt-get install "
        "chromium, or print pack/ pages from a browser)\n"
    )
    assert zipfile.ZipFile(root / "out/pack.zip").testzip() is None


def test_pre_commit_hook_definition() -> None:
    from ..conftest import REPOSITORY

    hooks = yaml.safe_load((REPOSITORY / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["id"] == "pdp-check"
    assert hooks[0]["entry"] == "pdp check"
    assert hooks[0]["language"] == "python"
    assert hooks[0]["pass_filenames"] is False


def commit_on(folder: Path, day: str, message: str) -> None:
    stamp = f"{day}T12:00:00+00:00"
    done = subprocess.run(
        [*GIT, "-C", str(folder), "commit", "-qm", message],
        capture_output=True,
        text=True,
        check=False,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(folder),
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_DATE": stamp,
        },
    )
    assert done.returncode == 0, done.stderr


def test_entry_pages_show_when_reflections_were_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
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
    assert (
        "<dt>Written</dt><dd>first committed 1 May 2026, last changed 15 June 2026 (from git)</dd>"
    ) in page

    shallow = tmp_path.parent / "shallow"
    cloned = subprocess.run(
        ["git", "clone", "-q", "--depth", "1", tmp_path.as_uri(), str(shallow)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert cloned.returncode == 0, cloned.stderr
    assert pdp(monkeypatch, shallow, "build")[0] == 0
    assert (
        "<dd>not available: this is a shallow clone of the journal&#39;s history</dd>"
        in (shallow / f"site/entries/{entry.stem}.html").read_text()
    )


def test_outside_git_the_dates_say_why_they_are_missing(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project("small")
    assert pdp(monkeypatch, root, "build")[0] == 0
    page = (root / "site/entries/2025-05-01-webinar.html").read_text()
    assert "<dd>not available: the journal is not kept in git</dd>" in page


@pytest.mark.parametrize(
    ("name", "schema"),
    [(".github/workflows/pdp.yml", "github-workflows"), (".gitlab-ci.yml", "gitlab-ci")],
)
def test_ci_files_pass_their_schemas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, schema: str
) -> None:
    """The workflow linter that installs here: SchemaStore's schemas, vendored by
    check-jsonschema (actionlint's package downloads a binary at install time)."""
    pdp(monkeypatch, tmp_path, "init")
    lint = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", f"vendor.{schema}"]
    good = subprocess.run([*lint, name], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert good.returncode == 0, good.stdout + good.stderr
    broken = tmp_path / "broken.yml"
    text = (tmp_path / name).read_text()
    broken.write_text(
        text.replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest").replace(
            "stage: check", "stage: [check, 3]"
        )
    )
    bad = subprocess.run([*lint, str(broken)], capture_output=True, text=True, check=False)
    assert bad.returncode == 1, bad.stdout


def test_hook_checks_a_journal_in_a_sub_folder_of_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git runs hooks from the repository's top folder: the hook names the project's."""
    repository = tmp_path / "repo"
    repository.mkdir()
    assert git(repository, "init", "-q").returncode == 0
    root = repository / "cpd" / "Jo's $HOME `journal`"  # quoted for sh, or the hook breaks
    pdp(monkeypatch, tmp_path, "init", str(root))
    assert pdp(monkeypatch, root, "hook", "install")[0] == 0
    git(repository, "add", "-A")
    started = git(repository, "commit", "-qm", "start")
    assert started.returncode == 0, started.stdout + started.stderr
    hook_refuses_a_bad_entry_then_takes_it_fixed(repository, root)


@pytest.mark.parametrize("folder", ["team", "@team"])
def test_git_dates_of_any_file_name_in_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str
) -> None:
    """git quotes names that are not plain ASCII unless -z, and a folder named @team made
    lines that read as a commit's day."""
    root = tmp_path / folder
    pdp(monkeypatch, tmp_path, "init", str(root))
    git(tmp_path, "init", "-q")
    entries = root / "journal/entries/2026-27"
    example = next(entries.glob("*.md"))
    names = ["café.md", "new\nline.md", '"quoted" \\ tab\t.md']
    for name in names:
        (entries / name).write_text(example.read_text())
    git(tmp_path, "add", "-A")
    commit_on(tmp_path, "2026-05-01", "first")
    for name in names:
        (entries / name).write_text(example.read_text() + "\nI applied it again.\n")
    git(tmp_path, "add", "-A")
    commit_on(tmp_path, "2026-06-15", "more")
    paths = [f"journal/entries/2026-27/{name}" for name in names]
    assert entry_history(root, paths).dates == {
        path: (date(2026, 5, 1), date(2026, 6, 15)) for path in paths
    }
    code, _, err = pdp(monkeypatch, root, "build")
    assert code == 0, err
    pages = [page.read_text() for page in (root / "site/entries").glob("*.html")]
    assert sum(
        "first committed 1 May 2026, last changed 15 June 2026" in page for page in pages
    ) == len(names)


def test_git_dates_where_the_repository_folder_name_holds_a_line_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git names the top folder and says whether the clone is shallow in one answer: a line
    end in the folder's name must not be read as the end of the first."""
    repository = tmp_path / "cpd\nfolder"
    root = repository / "journal project"
    pdp(monkeypatch, tmp_path, "init", str(root))
    git(repository, "init", "-q")
    git(repository, "add", "-A")
    commit_on(repository, "2026-05-01", "first")
    paths = [
        str(path.relative_to(root).as_posix()) for path in (root / "journal/entries").rglob("*.md")
    ]
    assert paths
    assert entry_history(root, paths).dates == {
        path: (date(2026, 5, 1), date(2026, 5, 1)) for path in paths
    }


def test_git_asked_and_never_read_is_not_left_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build that stops at the journal's errors never reads git's answers: leaving the
    block stops and waits for every git it started."""
    pdp(monkeypatch, tmp_path, "init")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    commit_on(tmp_path, "2026-05-01", "first")
    started: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def noted(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        running: subprocess.Popen[bytes] = real_popen(*args, **kwargs)  # type: ignore[call-overload]
        started.append(running)
        return running

    monkeypatch.setattr(subprocess, "Popen", noted)
    with closing(GitHistory(tmp_path)):
        pass
    assert len(started) == 2  # where the repository is, and its log
    assert all(running.returncode is not None for running in started)
    assert all(running.stdout is None or running.stdout.closed for running in started)


@pytest.mark.tools
def test_pack_replaces_only_the_pdf_it_made_and_never_writes_in_the_journal(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    require_tools("chromium")
    root = project("small")
    assert pdp(monkeypatch, root, "pack", "--year", "2025-26", "-o", "out/pack.zip")[0] == 0
    pdf = root / "out/pack.pdf"
    with zipfile.ZipFile(root / "out/pack.zip") as bundle:
        assert bundle.read("review-pack-2025-26.pdf") == pdf.read_bytes()
    # Made by pdp (the same as the zip's copy): printed again, for another year too.
    code, out, err = pdp(monkeypatch, root, "pack", "--year", "2026-27", "-o", "out/pack.zip")
    assert code == 0, err
    assert out.endswith("printed the 2026-27 review pack to out/pack.pdf\n")

    pdf.write_bytes(b"%PDF-1.7 my own evidence\n")
    before = (root / "out/pack.zip").read_bytes()
    code, _, err = pdp(monkeypatch, root, "pack", "-o", "out/pack.zip")
    assert (code, err) == (
        2,
        "pdp: error: out/pack.pdf exists and was not made by pdp; it was "
        "left as it is\n"
        "  hint: remove it yourself, or choose another name with -o\n",
    )
    assert pdf.read_bytes() == b"%PDF-1.7 my own evidence\n"
    assert (root / "out/pack.zip").read_bytes() == before

    evidence = root / "journal/entries/2025-26/certificate.pdf"
    evidence.write_bytes(b"%PDF-1.7 a certificate\n")
    (root / "themes").mkdir()
    for target, place in (
        ("journal/entries/2025-26/certificate.zip", "journal"),
        ("journal/new.zip", "journal"),
        ("themes/pack.zip", "themes"),
        (".git/pack.zip", ".git"),
    ):
        code, _, err = pdp(monkeypatch, root, "pack", "-o", target)
        assert (code, err) == (
            2,
            f"pdp: error: {target} is inside {place}/, where pdp never "
            "writes\n  hint: write the pack elsewhere, such as dist/ in the journal "
            "project (the default)\n",
        ), target
    assert evidence.read_bytes() == b"%PDF-1.7 a certificate\n"
    assert sorted(p.name for p in evidence.parent.iterdir()) == [
        "2025-05-01-webinar.md",
        "2025-09-12-working-group.md",
        "2026-01-20-mentoring.md",
        "certificate.pdf",
    ]

    (root / "linked.pdf").symlink_to(evidence)
    code, _, err = pdp(monkeypatch, root, "pack", "-o", "linked.zip")
    assert (code, err) == (
        2,
        "pdp: error: linked.pdf is a link; it was left as it is\n"
        "  hint: choose another name with -o\n",
    )
    code, _, err = pdp(monkeypatch, root, "pack", "-o", "both.pdf")
    assert (code, err) == (
        2,
        "pdp: error: both.pdf would be both the zip and the PDF\n"
        "  hint: name the zip NAME.zip with -o: the PDF is written beside "
        "it as NAME.pdf\n",
    )
    assert evidence.read_bytes() == b"%PDF-1.7 a certificate\n"


def _recording_server() -> tuple[http.server.ThreadingHTTPServer, list[str]]:
    """A web server on this computer that notes every request it gets (and answers 404)."""
    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_error(404)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder), requests


@pytest.mark.parametrize("defence", ["both", "policy", "flags"])
@pytest.mark.tools
def test_printing_the_pack_makes_no_network_request(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, defence: str
) -> None:
    """Each defence is enough alone: the page's policy, and Chromium's resolving no host."""
    require_tools("chromium")
    if defence == "policy":
        monkeypatch.setattr(generator.publish.pack, "NO_NETWORK_FLAGS", ())
    if defence == "flags":
        monkeypatch.setattr(generator.publish.pack, "NO_NETWORK_POLICY", b"")
    server, requests = _recording_server()
    with server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        address = f"http://127.0.0.1:{server.server_address[1]}"
        root = project("small")
        entry = root / "journal/entries/2025-26/2025-05-01-webinar.md"
        entry.write_text(
            entry.read_text() + f"\n![A chart]({address}/chart.png)\n\n"
            f"![A chart]({address.replace('127.0.0.1', 'localhost')}/b.png)\n"
        )
        code, out, err = pdp(monkeypatch, root, "pack", "--year", "2025-26", "-o", "p.zip")
        server.shutdown()
    assert code == 0, err
    assert out.endswith("printed the 2025-26 review pack to p.pdf\n")
    with zipfile.ZipFile(root / "p.zip") as bundle:
        assert f'src="{address}/chart.png"'.encode() in bundle.read("pack/2025-26.html")
    assert requests == []


def test_pack_of_a_year_without_a_review_pack_names_the_years_with_one(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project("small")
    code, _, err = pdp(monkeypatch, root, "pack", "--year", "2023-24")
    assert (code, err) == (
        2,
        "pdp: error: the portfolio has no review pack for 2023-24\n"
        "  hint: choose one of its years with --year: 2025-26, 2026-27\n",
    )
    assert not list(root.rglob("*.zip")) and not list(root.rglob("*.pdf"))
