"""No silent file: what pdp reads in the folders of entries, goals and reviews, and a warning
(W007) for each other file, with the name to give it; editors' and systems' files aside."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.cli import run
from generator.journal.load import SECTIONS, find_project, list_section
from generator.journal.names import slugify, stem_of
from generator.journal.open import KnownEntries, open_journal
from generator.journal.problems import problems_text
from generator.journal.unread import unread_problems
from generator.model import Problem
from generator.publish.docs import format_reference

from ..conftest import REPOSITORY, TODAY

FIXTURES = Path(__file__).parent / "fixtures"
UNREAD = FIXTURES / "unread"
NOTES = "journal/entries/2025-26/notes.txt"
NOTES_WARNING = (
    f"{NOTES}:1:1: warning[W007] this file is not read: journal files end in .md or "
    ".markdown, and no entry lists it as evidence\n"
    "    hint: if it is an entry, rename it to 'notes.md'; if it is evidence, add it to the "
    "evidence list of its entry\n"
)


@pytest.fixture
def small(project: Callable[[str], Path]) -> Path:
    return project("small")


def problems_of(root: Path) -> list[Problem]:
    checked = open_journal(find_project(root), TODAY)
    return sorted(checked.problems, key=Problem.sort_key)


def text_of(root: Path) -> str:
    return problems_text(problems_of(root), str)


def pdp(root: Path, *argv: str) -> str:
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PDP_TODAY", TODAY.isoformat())
        patch.chdir(root)  # paths are shown from here
        run(["-C", str(root), *argv], out, io.StringIO())
    return out.getvalue()


def test_each_unread_file_is_named_with_the_name_to_give_it() -> None:
    assert text_of(UNREAD) == (FIXTURES / "unread.out").read_text("utf-8")


def test_md_in_any_case_and_markdown_files_are_read() -> None:
    checked = open_journal(find_project(UNREAD), TODAY)
    assert checked.journal is not None
    assert [entry.path for entry in checked.journal.entries] == [
        "journal/entries/2025-26/2025-05-01-webinar.md",
        "journal/entries/2025-26/2025-09-12-working-group.MD",
        "journal/entries/2025-26/2026-01-20-mentoring.markdown",
    ]
    assert [entry.slug for entry in checked.journal.entries] == [
        "2025-05-01-webinar",
        "2025-09-12-working-group",
        "2026-01-20-mentoring",
    ]
    assert [goal.id for goal in checked.journal.goals] == ["evaluation"]
    assert [review.slug for review in checked.journal.reviews] == ["2025-10-01-mid-year"]
    assert checked.files == 6


@pytest.mark.parametrize(
    ("path", "stem"),
    [
        ("journal/goals/media.MD", "media"),
        ("journal/goals/media.Md", "media"),
        ("journal/entries/2026-05-01-talk.markdown", "2026-05-01-talk"),
        ("journal/entries/2026-05-01-talk.MARKDOWN", "2026-05-01-talk"),
        ("journal/entries/v1.2-notes.md", "v1.2-notes"),
    ],
)
def test_the_stem_leaves_out_the_journal_ending_in_any_case(path: str, stem: str) -> None:
    assert stem_of(path) == stem


@pytest.mark.parametrize("other", ["2025-05-01-webinar.markdown", "2025-05-01-Webinar.MD"])
def test_two_files_of_one_id_in_other_endings_clash(small: Path, other: str) -> None:
    folder = small / "journal/entries/2025-26"
    shutil.copy(folder / "2025-05-01-webinar.md", folder / other)
    assert slugify(stem_of(other)) == "2025-05-01-webinar"
    first, second = sorted(("2025-05-01-webinar.md", other))  # the first in order keeps the page
    assert text_of(small) == (
        f"journal/entries/2025-26/{second}:1:1: error[V011] would publish to the same page "
        f"(entries/2025-05-01-webinar/) as journal/entries/2025-26/{first}\n"
        "    hint: rename one of the two files\n"
    )


@pytest.mark.parametrize(
    "name",
    [
        "2025-05-01-webinar.md~",
        ".#2025-05-01-webinar.md",
        "#2025-05-01-webinar.md#",
        ".2025-05-01-webinar.md.swp",
        ".2025-05-01-webinar.md.swo",
        "2025-05-01-webinar.md.bak",
        "2025-05-01-webinar.md.orig",
        "2025-05-01-webinar.md.tmp",
        "~$report.docx",
        ".DS_Store",
        "Thumbs.db",
        "desktop.ini",
        "DESKTOP.INI",
        "4913",
        ".gitkeep",
    ],
)
def test_editor_and_system_files_are_left_aside_without_a_word(small: Path, name: str) -> None:
    (small / "journal/entries/2025-26" / name).write_bytes(b"\xff not even text")
    assert text_of(small) == ""


def test_a_file_in_a_hidden_folder_is_left_aside(small: Path) -> None:
    (small / "journal/entries/.trash").mkdir()
    (small / "journal/entries/.trash/old.txt").write_text("old")
    assert text_of(small) == ""


def test_files_at_any_depth_are_listed(small: Path) -> None:
    deep = small / "journal/reviews/2026/spring"
    deep.mkdir(parents=True)
    (deep / "2026-04-01-catch-up.MD").write_text("x")
    (deep / "agenda.txt").write_text("x")
    listing = list_section(find_project(small), "reviews")
    assert listing.read == (
        "journal/reviews/2025-10-01-mid-year.md",
        "journal/reviews/2026/spring/2026-04-01-catch-up.MD",
    )
    assert listing.unread == ("journal/reviews/2026/spring/agenda.txt",)


def test_evidence_an_entry_lists_is_not_reported(small: Path) -> None:
    folder = small / "journal/entries/2025-26"
    (folder / "notes.txt").write_text("notes")
    (folder / "slides.pdf").write_bytes(b"%PDF")
    entry = folder / "2025-05-01-webinar.md"
    entry.write_text(
        entry.read_text().replace(
            "goals: [evaluation]\n",
            "goals: [evaluation]\nevidence: [./notes.txt]\nprivate_evidence: [slides.pdf]\n",
        )
    )
    assert text_of(small) == ""


def test_evidence_of_an_entry_with_errors_is_not_reported_too(small: Path) -> None:
    folder = small / "journal/entries/2025-26"
    (folder / "evidence").mkdir()
    (folder / "evidence/notes.txt").write_text("notes")
    (folder / "slides.pdf").write_bytes(b"%PDF")
    entry = folder / "2025-05-01-webinar.md"
    entry.write_text(
        entry.read_text()
        .replace(
            "activity: webinar\n",
            "activity: webinar\nevidence: evidence/notes.txt\nprivate_evidence: [slides.pdf]\n",
        )
        # No title, and evidence not written as a list: the entry is not valid, yet it names
        # its evidence.
        .replace('title: "Webinar: evaluation basics"\n', "")
    )
    assert [(p.path, p.line, p.code) for p in problems_of(small)] == [
        ("journal/entries/2025-26/2025-05-01-webinar.md", 4, "V002"),  # evidence not a list
        ("journal/entries/2025-26/2025-05-01-webinar.md", 8, "V001"),  # no title
    ]


def test_a_file_an_entry_of_another_folder_lists_is_evidence(small: Path) -> None:
    (small / "journal/goals/plan.pdf").write_bytes(b"%PDF")
    entry = small / "journal/entries/2025-26/2025-05-01-webinar.md"
    entry.write_text(
        entry.read_text().replace("hours: 1\n", "hours: 1\nevidence: [../../goals/plan.pdf]\n")
    )
    assert text_of(small) == ""


def test_the_warning_is_in_every_format_of_pdp_check(small: Path) -> None:
    (small / NOTES).write_text("notes")
    assert pdp(small, "check", "--no-cache") == (
        NOTES_WARNING + "6 files checked: 0 errors, 1 warning\n"
    )
    assert json.loads(pdp(small, "check", "--no-cache", "--format", "json"))["warnings"] == [
        {
            "path": NOTES,
            "line": 1,
            "column": 1,
            "code": "W007",
            "field": "",
            "message": "this file is not read: journal files end in .md or .markdown, and no "
            "entry lists it as evidence",
            "hint": "if it is an entry, rename it to 'notes.md'; if it is evidence, add it to "
            "the evidence list of its entry",
        }
    ]
    assert pdp(small, "check", "--no-cache", "--format", "github") == (
        f"::warning file={NOTES},line=1,col=1,title=pdp W007::this file is not read: journal "
        "files end in .md or .markdown, and no entry lists it as evidence (hint: if it is an "
        "entry, rename it to 'notes.md'; if it is evidence, add it to the evidence list of its "
        "entry)\n"
    )


def test_kept_checks_notice_an_unread_file_come_and_go(small: Path) -> None:
    clean = "6 files checked: no problems\n"
    assert pdp(small, "check") == clean
    assert (small / ".pdp-cache").is_dir()
    (small / NOTES).write_text("notes")
    assert pdp(small, "check") == NOTES_WARNING + "6 files checked: 0 errors, 1 warning\n"
    (small / NOTES).unlink()
    assert pdp(small, "check") == clean


def test_watch_mode_notices_an_unread_file_come_and_go(small: Path) -> None:
    project = find_project(small)
    known = KnownEntries()
    assert open_journal(project, TODAY, known=known).problems == ()
    (small / NOTES).write_text("notes")
    found = open_journal(project, TODAY, known=known).problems
    assert problems_text(found, str) == NOTES_WARNING
    (small / NOTES).unlink()
    assert open_journal(project, TODAY, known=known).problems == ()


def test_the_example_journal_keeps_unread_files_only_as_listed_evidence() -> None:
    project = find_project(REPOSITORY)
    listings = {section: list_section(project, section) for section in SECTIONS}
    assert listings["entries"].unread  # certificates and charts, beside their entries
    checked = open_journal(project, TODAY)
    assert checked.journal is not None
    assert unread_problems(project, listings, checked.journal.entries) == []
    assert [p for p in checked.problems if p.code == "W007"] == []


def test_the_format_reference_says_which_files_are_read() -> None:
    reference = format_reference()
    assert (
        "pdp reads every file in `journal/entries/`, `journal/goals/` and `journal/reviews/`, "
        "in any sub-folder, whose name ends in `.md` or `.markdown`, in any letter case "
        "(`.MD` too)."
    ) in reference
    assert "| W007 | warning |" in reference
