"""An entry's `carries_out`: each reference checked against the reviews' agreed actions."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from generator.cli import run
from generator.journal.actions import Target, carried_out, target
from generator.journal.load import find_project
from generator.journal.open import open_journal
from generator.journal.privacy import published
from generator.model import ActionRef

from ..conftest import TODAY

FIXTURES = Path(__file__).parent / "fixtures"


def check(root: Path, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PDP_TODAY", TODAY.isoformat())
        patch.chdir(root)
        code = run(["check", *argv], out, io.StringIO())
    return code, out.getvalue()


@pytest.fixture
def actions(tmp_path: Path) -> Path:
    root = tmp_path / "actions"
    shutil.copytree(FIXTURES / "actions", root)
    return root


def test_every_wrong_reference_is_named_with_a_hint(actions: Path) -> None:
    assert check(actions) == (1, (FIXTURES / "actions.out").read_text("utf-8"))


def test_kept_entry_checks_still_meet_the_reviews_as_they_are_now(actions: Path) -> None:
    first = check(actions)
    assert first == check(actions, "--no-cache")
    review = actions / "journal/reviews/2026-04-15-end-of-year.md"
    review.write_text(review.read_text("utf-8").replace(', "Book a course"', ""), "utf-8")
    code, out = check(actions)
    assert (code, out) == check(actions, "--no-cache")
    assert (
        "journal/entries/good.md:7:41: error[V014] carries_out: the review "
        "'2026-04-15-end-of-year' has 2 agreed actions, so there is no action 3\n"
    ) in out


@pytest.mark.parametrize(
    ("written", "aim"),
    [
        ("2026-04-15-end-of-year#2", Target("2026-04-15-end-of-year", 2)),
        ("2026-04-15 End of Year # 12", Target("2026-04-15-end-of-year", 12)),
        ("a#b#3", Target("a-b", 3)),
        ("2026-04-15-end-of-year", None),
        ("2026-04-15-end-of-year#", None),
        ("2026-04-15-end-of-year#two", None),
        ("#3", None),
    ],
)
def test_a_reference_names_a_review_and_an_action_number(written: str, aim: Target | None) -> None:
    assert target(ActionRef(written, 1, 1)) == aim


def test_the_journal_keeps_the_good_references_and_the_entries_behind_each_action(
    actions: Path,
) -> None:
    wrong = ("out-of-range", "no-number", "by-date", "typo", "unknown", "no-actions")
    for name in (*wrong, "broken-review"):
        (actions / f"journal/entries/{name}.md").unlink()
    (actions / "journal/entries/date-unquoted.md").unlink()
    (actions / "journal/reviews/broken.md").unlink()
    checked = open_journal(find_project(actions), TODAY)
    assert checked.errors == ()
    assert checked.journal is not None
    by_action = carried_out(checked.journal.entries)
    assert {aim.text: [entry.slug for entry in entries] for aim, entries in by_action.items()} == {
        "2026-04-15-end-of-year#1": ["good"],
        "2026-04-15-end-of-year#3": ["good"],
        "2026-04-15-end-of-year#2": ["good"],
    }


def test_a_published_entry_names_no_action_of_a_private_review(actions: Path) -> None:
    (actions / "journal/reviews/broken.md").unlink()
    review = actions / "journal/reviews/2026-04-15-end-of-year.md"
    review.write_text(review.read_text("utf-8").replace("---\nNotes", "private: true\n---\nNotes"))
    checked = open_journal(find_project(actions), TODAY)
    assert checked.journal is not None
    good = next(entry for entry in checked.journal.entries if entry.slug == "good")
    assert len(good.carries_out) == 3
    shown = published(checked.journal)
    assert next(entry for entry in shown.entries if entry.slug == "good").carries_out == ()


@pytest.mark.parametrize("folder", ["reviews", "goals"])
def test_a_review_or_goal_file_named_index_would_hide_the_list_and_is_refused(
    actions: Path, folder: str
) -> None:
    (actions / "journal/reviews/broken.md").unlink()
    shutil.copy(
        actions / "journal/reviews/2026-10-07-mid-year.md", actions / f"journal/{folder}/Index.md"
    )
    problems = [
        problem
        for problem in open_journal(find_project(actions), TODAY).problems
        if problem.path.endswith("Index.md")
    ]
    assert [(p.code, p.line, p.message, p.hint) for p in problems if p.code == "V011"] == [
        (
            "V011",
            1,
            f"would publish to the same page ({folder}/index.html) as the list of the {folder}",
            "rename the file",
        )
    ]
