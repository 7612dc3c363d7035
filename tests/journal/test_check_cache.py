"""Kept entry checks never change what a check finds: with them, without them, damaged, or
once the world they asked about has changed."""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import generator.journal.entry_checks
import generator.journal.open
from generator.cli import run
from generator.journal.check_cache import (
    Asked,
    KeptChecks,
    entry_key,
    fingerprint,
    record,
)
from generator.journal.document import Document, parse_document, reflection_of
from generator.journal.load import CACHE_DIR, find_project
from generator.journal.open import open_journal
from generator.model import ActionRef, Entry, Problem
from generator.store import FORMAT, STORE_FILE

from ..conftest import TODAY
from ..helpers import example

FUTURE = """---
title: Done too soon
date: 2026-12-01
activity: podcast
hours: 1
goals: [people-leadership]
evidence: [notes.pdf]
---

## How I applied it

I applied it.
"""


def pdp(root: Path, *argv: str, today: str = "2026-11-28") -> tuple[int, str]:
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PDP_TODAY", today)
        code = run(["-C", str(root), *argv], out, io.StringIO())
    return code, out.getvalue()


def rows(root: Path) -> int:
    with sqlite3.connect(root / CACHE_DIR / STORE_FILE) as db:
        count: int = db.execute("SELECT count(*) FROM checks").fetchone()[0]
    return count


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the entries parsed (all in this process: the fixtures are small)."""
    paths: list[str] = []

    def counting(path: str, data: bytes) -> Document:
        paths.append(path)
        return parse_document(path, data)

    monkeypatch.setattr(generator.journal.open, "parse_document", counting)
    monkeypatch.setattr(generator.journal.entry_checks, "parse_document", counting)
    return paths


@pytest.mark.parametrize("name", ["messy", "small", "hostile"])
@pytest.mark.parametrize(
    "command",
    [["check"], ["check", "--format", "json"], ["report"], ["export", "--format", "json"]],
)
def test_kept_checks_find_what_a_fresh_check_finds(
    project: Callable[[str], Path], name: str, command: list[str]
) -> None:
    root = project(name)
    fresh = pdp(root, *command, "--no-cache") if command[0] == "check" else None
    assert not (root / CACHE_DIR).exists()
    first, second = pdp(root, *command), pdp(root, *command)
    assert (root / CACHE_DIR / STORE_FILE).is_file()
    assert first == second
    if fresh is not None:
        assert first == fresh


def test_a_second_check_parses_only_the_entry_that_changed(
    tmp_path: Path, parsed: list[str]
) -> None:
    root = example(tmp_path)
    entries = sorted((root / "journal" / "entries").rglob("*.md"))
    pdp(root, "check")
    assert len(entries_in(parsed)) == len(entries)
    parsed.clear()
    assert pdp(root, "check")[0] == 0
    assert entries_in(parsed) == []
    entries[0].write_text(entries[0].read_text("utf-8") + "\nOne more line.\n", "utf-8")
    pdp(root, "check")
    assert entries_in(parsed) == [entries[0].relative_to(root).as_posix()]
    assert rows(root) == len(entries) + 1  # both versions of the edited entry
    entries[1].unlink()
    pdp(root, "check")
    assert rows(root) == len(entries)  # none of the file that is gone


def entries_in(paths: list[str]) -> list[str]:
    return [path for path in paths if path.startswith("journal/entries/")]


def test_a_kept_check_holds_only_while_its_answers_do(tmp_path: Path) -> None:
    root = example(tmp_path)
    entry = root / "journal" / "entries" / "2025-26" / "2026-12-01-too-soon.md"
    entry.write_text(FUTURE, "utf-8")
    future = "error[V006] date: a done entry cannot be dated in the future (2026-12-01)"
    missing = "error[V010] evidence: evidence file 'notes.pdf' does not exist"
    for today, evidence, found in [
        ("2026-11-28", False, {future, missing}),
        ("2026-11-30", False, {future, missing}),
        ("2026-12-02", False, {missing}),
        ("2026-12-02", True, set()),
        ("2026-11-29", True, {future}),
        ("2026-11-29", False, {future, missing}),
    ]:
        (entry.parent / "notes.pdf").unlink(missing_ok=True)
        if evidence:
            (entry.parent / "notes.pdf").write_bytes(b"%PDF-1.4\n")
        kept, fresh = pdp(root, "check", today=today), pdp(root, "check", "--no-cache", today=today)
        assert kept == fresh
        assert {
            line.split(": ", 1)[1]
            for line in kept[1].splitlines()
            if "2026-12-01-too-soon.md" in line
        } == found, today


def test_a_changed_goal_or_setting_is_never_met_by_an_older_check(tmp_path: Path) -> None:
    root = example(tmp_path)
    assert pdp(root, "check") == (0, pdp(root, "check", "--no-cache")[1])
    (root / "journal" / "goals" / "media-handling.md").unlink()
    checked = pdp(root, "check")
    assert checked[0] == 1 and "unknown goal 'media-handling'" in checked[1]
    assert checked == pdp(root, "check", "--no-cache")
    (root / "journal" / "goals" / "media-handling.md").write_text("---\ntitle: Media\n---\n")
    entry = root / "journal" / "entries" / "2025-26" / "2025-05-02-own.md"
    entry.write_text(
        FUTURE.replace("podcast", "sketchnotes")
        .replace("2026-12-01", "2025-05-02")
        .replace("evidence: [notes.pdf]\n", ""),
        "utf-8",
    )
    checked = pdp(root, "check")
    assert checked[0] == 1 and "unknown activity 'sketchnotes'" in checked[1]
    config = root / "pdp.toml"
    config.write_text(
        config.read_text("utf-8") + "\n[activities.sketchnotes]\nname = "
        '"Sketchnotes"\ncategory = "formal"\npoints = 2\n',
        "utf-8",
    )
    checked = pdp(root, "check")
    assert checked[0] == 0 and "sketchnotes" not in checked[1]
    assert checked == pdp(root, "check", "--no-cache")


def test_a_damaged_or_foreign_row_is_never_trusted(tmp_path: Path) -> None:
    root = example(tmp_path)
    plain = pdp(root, "check", "--strict", "--format", "json", "--no-cache")
    pdp(root, "check")
    with sqlite3.connect(root / CACHE_DIR / STORE_FILE) as db:
        db.execute(
            'UPDATE checks SET record = \'{"entry": null, "problems": [], '
            '"evidence": {}, "future": {}}\''
        )
    assert pdp(root, "check", "--strict", "--format", "json") == plain
    (root / CACHE_DIR / STORE_FILE).write_bytes(b"this is not a database" * 100)
    assert pdp(root, "check", "--strict", "--format", "json") == plain
    shutil.rmtree(root / CACHE_DIR)
    assert pdp(root, "check", "--strict", "--format", "json") == plain


@pytest.mark.parametrize(
    "damage",
    [
        '{"entry": null, "problems": [["a.md", "1", 1, "error", "V001", "", "m", "h"]], '
        '"evidence": {}, "future": {}}',
        '{"entry": null, "problems": [["a.md", 1, 1, "fatal", "V001", "", "m", "h"]], '
        '"evidence": {}, "future": {}}',
        '{"entry": null, "problems": [], "evidence": {"a.pdf": 1}, "future": {}}',
        '{"entry": null, "problems": [], "evidence": [], "future": {}}',
        '{"entry": null, "problems": [], "evidence": {}, "future": {"not a date": true}}',
        '{"entry": ["a.md"], "problems": [], "evidence": {}, "future": {}}',
        '{"entry": null, "problems": []}',
        "[1, 2]",
        "not JSON",
    ],
)
def test_a_record_of_another_shape_is_no_check(tmp_path: Path, damage: str) -> None:
    digest = settings_digest()
    kept = KeptChecks(tmp_path, digest)
    kept.keep("a.md", entry_key(digest, "a.md", b"text"), damage)
    kept.save(["a.md"])
    again = KeptChecks.open(tmp_path, digest)
    assert [path for path, _, _ in again.rows.values()] == ["a.md"]
    assert again.get("a.md", b"text", lambda path: "ok", lambda when: False) is None


def test_every_field_of_an_entry_and_a_problem_is_kept(tmp_path: Path) -> None:
    entry = Entry(
        path="journal/entries/a.md",
        slug="a",
        title="A «title»",
        date=date(2025, 5, 2),
        activity="other",
        category="formal",
        hours=Decimal("1.25"),
        goals=("g",),
        skills=("s", "t"),
        tags=("x",),
        evidence=("journal/e.pdf",),
        private_evidence=("journal/p.pdf",),
        status="planned",
        private=True,
        body="",
        body_line=7,
        carries_out=(ActionRef("mid-year#2", 8, 15), ActionRef("end «of» year # 1", 9, 5)),
    )
    problem = Problem("journal/entries/a.md", 3, 4, "warning", "W001", "titel", "message", "hint")
    asked = Asked({"journal/e.pdf": "ok"}, {"2025-05-02": False})
    digest = settings_digest()
    kept = KeptChecks(tmp_path, digest)
    kept.keep("a.md", entry_key(digest, "a.md", b"data"), record((entry, [problem]), asked))
    kept.save(["a.md"])
    kept = KeptChecks.open(tmp_path, digest)
    found = kept.get(
        "a.md", b"data", {"journal/e.pdf": "ok"}.__getitem__, lambda when: when > date(2026, 1, 1)
    )
    assert found == (entry, [problem])
    assert kept.get("a.md", b"other data", lambda path: "ok", lambda when: False) is None
    assert kept.get("a.md", b"data", lambda path: "missing", lambda when: False) is None
    assert kept.get("a.md", b"data", lambda path: "ok", lambda when: True) is None
    assert fingerprint("other settings") != digest
    assert kept.get("b.md", b"data", lambda path: "ok", lambda when: False) is None


def settings_digest() -> bytes:
    digest = fingerprint("settings")
    assert digest is not None
    return digest


def test_a_build_takes_kept_checks_and_bodies_from_the_files(
    tmp_path: Path, parsed: list[str]
) -> None:
    root = example(tmp_path)
    project = find_project(root)
    cache = root / CACHE_DIR
    fresh = open_journal(project, TODAY)
    open_journal(project, TODAY, cache=cache)
    parsed.clear()
    kept = open_journal(project, TODAY, cache=cache)
    assert [path for path in parsed if path.startswith("journal/entries/")] == []
    assert kept == fresh
    assert open_journal(project, TODAY, cache=cache, bodies=False) == open_journal(
        project, TODAY, bodies=False
    )


def test_the_workers_keep_what_one_process_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)
    project, cache = find_project(root), root / CACHE_DIR
    fresh = open_journal(project, TODAY, jobs=1)
    monkeypatch.setattr(generator.journal.open, "PARALLEL_MIN_FILES", 1)
    assert open_journal(project, TODAY, jobs=2, cache=cache) == fresh  # checked in workers
    assert rows(root) == len(fresh.journal.entries if fresh.journal else ())
    assert open_journal(project, TODAY, jobs=2, cache=cache) == fresh  # all kept


def test_a_file_name_that_is_not_utf8_is_checked_but_not_kept(tmp_path: Path) -> None:
    root = example(tmp_path)
    folder = root / "journal" / "entries" / "2025-26"
    odd = os.path.join(os.fsencode(folder), b"caf\xe9-notes.md")
    with open(odd, "wb") as stream:
        stream.write(FUTURE.replace("2026-12-01", "2025-05-02").encode("utf-8"))
    fresh = pdp(root, "check", "--no-cache")
    assert "caf" in fresh[1] and "notes.pdf" in fresh[1]
    assert pdp(root, "check") == fresh
    assert pdp(root, "check") == fresh
    entries = len(list((root / "journal" / "entries").rglob("*.md")))
    assert rows(root) == entries - 1


def test_a_damaged_file_or_one_of_another_format_is_made_afresh(tmp_path: Path) -> None:
    root = example(tmp_path)
    plain = pdp(root, "check", "--no-cache")
    entries = len(list((root / "journal" / "entries").rglob("*.md")))
    (root / CACHE_DIR).mkdir()
    (root / CACHE_DIR / STORE_FILE).write_bytes(b"this is not a database" * 100)
    assert pdp(root, "check") == plain  # finds it damaged: removes it
    assert pdp(root, "check") == plain
    assert rows(root) == entries
    with sqlite3.connect(root / CACHE_DIR / STORE_FILE) as db:
        db.execute(f"PRAGMA user_version = {FORMAT + 1}")
    assert pdp(root, "check") == plain
    with sqlite3.connect(root / CACHE_DIR / STORE_FILE) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == FORMAT
    assert rows(root) == entries


def test_the_checks_of_two_versions_of_a_file_are_kept(tmp_path: Path, parsed: list[str]) -> None:
    """Those of the working copy and of the staged copy (the git hook's)."""
    root = example(tmp_path)
    entry = next((root / "journal" / "entries").rglob("*.md"))
    versions = [entry.read_text("utf-8") + f"\nVersion {number}.\n" for number in range(3)]
    for text in (versions[0], versions[1], versions[0], versions[1]):
        entry.write_text(text, "utf-8")
        pdp(root, "check")
    assert entries_in(parsed).count(entry.relative_to(root).as_posix()) == 2
    entry.write_text(versions[2], "utf-8")
    pdp(root, "check")
    entry.write_text(versions[0], "utf-8")
    parsed.clear()
    pdp(root, "check")  # the oldest of three was forgotten
    assert entries_in(parsed) == [entry.relative_to(root).as_posix()]


@given(
    st.lists(
        st.sampled_from(
            [
                "\ufeff",
                "---\n",
                "---\r\n",
                "title: A\n",
                "\r\n",
                "\n",
                "\x07",
                "\x85",
                "body ",
                "...\n",
                "\t",
                "é",
            ]
        ),
        max_size=14,
    )
)
@settings(max_examples=300)
def test_the_body_read_again_is_the_one_first_read(parts: list[str]) -> None:
    data = "".join(parts).encode("utf-8")
    document = parse_document("journal/entries/a.md", data)
    if document.fields is not None:
        assert reflection_of("journal/entries/a.md", data) == (document.body, document.body_line)
