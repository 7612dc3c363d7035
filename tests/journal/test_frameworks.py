"""The frameworks' lists: shipped as data, replaced by a journal's own file, and the
disciplines and behaviours that entries and goals name checked against them."""

from __future__ import annotations

import io
import shutil
import tomllib
from pathlib import Path

import pytest

from generator.cli import run
from generator.journal.frameworks import (
    FRAMEWORK_FIELDS,
    load_frameworks,
    parse_vocabulary,
    shipped_frameworks,
    shipped_text,
)
from generator.journal.schema import ENTRY, GOAL, Schema
from generator.model import Term

from ..conftest import TODAY
from ..helpers import example

FIXTURES = Path(__file__).parent / "fixtures" / "frameworks"
_ENTRY = "journal/entries/2024-25/2024-07-10-press-office-shadowing-day.md"
_GOAL = "journal/goals/media-handling.md"


def check(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.chdir(root)
    monkeypatch.setenv("PDP_TODAY", TODAY.isoformat())
    out = io.StringIO()
    code = run(["check", "--no-cache"], out, io.StringIO())
    return code, out.getvalue()


def line_of(path: Path, text: str) -> int:
    """The line of a file that holds `text` (the example journal grows: lines move)."""
    return path.read_text("utf-8").split("\n").index(text) + 1


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


# -- the shipped lists ----------------------------------------------------------------------


def test_the_shipped_lists_are_the_seven_disciplines_and_the_nine_behaviours() -> None:
    disciplines, behaviours = shipped_frameworks()
    assert (disciplines.field, behaviours.field) == FRAMEWORK_FIELDS
    assert disciplines.ids() == (
        "strategic-communication",
        "media",
        "marketing",
        "internal-communication",
        "external-affairs",
        "data-and-insight",
        "digital",
    )
    assert [term.name for term in behaviours.terms] == [
        "Seeing the big picture",
        "Changing and improving",
        "Making effective decisions",
        "Leadership",
        "Communicating and influencing",
        "Working together",
        "Developing self and others",
        "Managing a quality service",
        "Delivering at pace",
    ]
    assert behaviours.terms[0] == Term("seeing-the-big-picture", "Seeing the big picture")
    assert disciplines.source.startswith("Government Functional Standard GovS 011")
    assert behaviours.source == "Success Profiles: Civil Service Behaviours, Cabinet Office"


@pytest.mark.parametrize("field", FRAMEWORK_FIELDS)
def test_each_shipped_list_cites_its_source_and_parses_without_problems(field: str) -> None:
    data = tomllib.loads(shipped_text(field))
    assert data["source"] and data["title"]
    assert parse_vocabulary(field, f"{field}.toml", shipped_text(field))[1] == []


@pytest.mark.parametrize("schema", [ENTRY, GOAL], ids=["entry", "goal"])
def test_the_format_reference_names_every_shipped_id(schema: Schema) -> None:
    for vocabulary in shipped_frameworks():
        field = schema.field(vocabulary.field)
        assert field is not None
        written = [part for part in field.doc.split("`") if part in vocabulary.ids()]
        assert written == list(vocabulary.ids())


# -- a journal's own lists ------------------------------------------------------------------


def test_a_journals_own_file_replaces_the_shipped_list_of_that_name_only(tmp_path: Path) -> None:
    own = tmp_path / "journal" / "frameworks"
    own.mkdir(parents=True)
    shutil.copy(FIXTURES / "disciplines.toml", own)
    (disciplines, behaviours), problems = load_frameworks(tmp_path / "journal", "journal")
    assert problems == []
    assert disciplines.title == "Our team's disciplines"
    assert disciplines.source == "Team development framework 2026, Regional Communications Team"
    assert disciplines.terms == (Term("press", "Press and media"), Term("campaigns", "Campaigns"))
    assert behaviours == shipped_frameworks()[1]


def test_an_entry_is_checked_against_the_journals_own_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)
    (root / "journal" / "frameworks").mkdir()
    shutil.copy(FIXTURES / "disciplines.toml", root / "journal" / "frameworks")
    line = line_of(root / _ENTRY, "disciplines: [media]")
    code, out = check(root, monkeypatch)
    assert code == 1
    assert f"{_ENTRY}:{line}:15: error[V015] disciplines: unknown discipline 'media'\n" in out
    assert "    hint: the disciplines are: press, campaigns\n" in out
    edit(root / _ENTRY, "disciplines: [media]", "disciplines: [press]")
    assert _ENTRY not in check(root, monkeypatch)[1]


def test_a_broken_list_of_the_journal_is_reported_with_each_line_and_checks_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)
    (root / "journal" / "frameworks").mkdir()
    shutil.copy(FIXTURES / "no-source.toml", root / "journal" / "frameworks" / "disciplines.toml")
    code, out = check(root, monkeypatch)
    path = "journal/frameworks/disciplines.toml"
    assert code == 1
    assert (
        "\n".join(
            [
                f"{path}:1:1: error[C004] source: 'source' must be text: the document it "
                "comes from",
                '    hint: add a line at the top like: source = "..."',
                f"{path}:7:1: error[C004] term.id: term 2 needs an id of lower-case letters, "
                "digits and hyphens",
                '    hint: write it like: id = "data-and-insight"',
                f"{path}:11:1: error[C004] term.id: the id 'press' is given twice",
                "    hint: give each term its own id",
                f"{path}:15:1: error[C004] term.name: term 'events' needs a name",
                '    hint: add: name = "..."',
            ]
        )
        in out
    )
    assert "V015" not in out  # the list is left out, so the entries' ids are not checked


def test_a_list_that_is_not_toml_says_where(tmp_path: Path) -> None:
    own = tmp_path / "journal" / "frameworks"
    own.mkdir(parents=True)
    shutil.copy(FIXTURES / "not-toml.toml", own / "behaviours.toml")
    frameworks, problems = load_frameworks(tmp_path / "journal", "journal")
    assert [vocabulary.field for vocabulary in frameworks] == ["disciplines"]
    [wrong] = problems
    assert (wrong.path, wrong.line, wrong.code) == ("journal/frameworks/behaviours.toml", 1, "C002")
    assert wrong.message.startswith("not valid TOML: ")


# -- entries and goals ----------------------------------------------------------------------


def test_an_unknown_discipline_of_an_entry_is_an_error_with_a_did_you_mean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)
    edit(root / _ENTRY, "disciplines: [media]", "disciplines: [media, digitl]")
    line = line_of(root / _ENTRY, "disciplines: [media, digitl]")
    code, out = check(root, monkeypatch)
    assert code == 1
    assert (
        f"{_ENTRY}:{line}:22: error[V015] disciplines: unknown discipline 'digitl'\n"
        "    hint: did you mean 'digital'?\n"
    ) in out


def test_an_unknown_behaviour_of_a_goal_is_an_error_listing_the_behaviours(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)
    edit(
        root / _GOAL,
        "behaviours: [communicating-and-influencing]",
        "behaviours: [resilience]",
    )
    line = line_of(root / _GOAL, "behaviours: [resilience]")
    code, out = check(root, monkeypatch)
    assert code == 1
    assert (
        f"{_GOAL}:{line}:14: error[V015] behaviours: unknown behaviour 'resilience'\n"
        "    hint: the behaviours are: seeing-the-big-picture, changing-and-improving, "
        "making-effective-decisions, leadership, communicating-and-influencing, "
        "working-together, developing-self-and-others, managing-a-quality-service, "
        "delivering-at-pace\n"
    ) in out


def test_a_goal_naming_known_ids_carries_them() -> None:
    from generator.journal.document import parse_document
    from generator.journal.validate import validate_goal

    doc = parse_document(
        "journal/goals/press.md",
        b"---\ntitle: Press\ndisciplines: [media, media]\nbehaviours: [leadership]\n---\n",
    )
    goal, problems = validate_goal(doc, TODAY, shipped_frameworks())
    assert problems == []
    assert goal is not None
    assert (goal.disciplines, goal.behaviours) == (("media",), ("leadership",))


def test_a_new_list_of_the_journal_is_used_by_the_next_check_whatever_was_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)
    monkeypatch.chdir(root)
    monkeypatch.setenv("PDP_TODAY", TODAY.isoformat())
    assert run(["check"], io.StringIO(), io.StringIO()) == 0  # keeps its checks
    (root / "journal" / "frameworks").mkdir()
    shutil.copy(FIXTURES / "disciplines.toml", root / "journal" / "frameworks")
    out = io.StringIO()
    assert run(["check"], out, io.StringIO()) == 1
    assert "error[V015] disciplines: unknown discipline 'media'\n" in out.getvalue()
