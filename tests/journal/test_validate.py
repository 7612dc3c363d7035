"""Each file in fixtures/entries/ is checked as an entry; its .out file holds what pdp prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.journal.catalogue import parse_catalogue, shipped_catalogue_text
from generator.journal.document import parse_document
from generator.journal.problems import problems_text
from generator.journal.validate import Context, after, validate_entry
from generator.model import Config, Problem

from ..conftest import TODAY

FIXTURES = Path(__file__).parent / "fixtures"

CASES = sorted((FIXTURES / "entries").glob("*.md"))
EVIDENCE = {"journal/entries/certificate.pdf": "ok", "journal/entries/slides": "directory"}
CONTEXT = Context(
    config=Config(name="Test Member"),
    catalogue=parse_catalogue(shipped_catalogue_text()),
    goal_ids=frozenset({"media-handling", "data-led-evaluation"}),
    after_today=after(TODAY),
    probe=lambda path: EVIDENCE.get(path, "missing"),
)


def check_case(case: Path) -> str:
    path = f"journal/entries/{case.name}"
    document = parse_document(path, case.read_bytes())
    _, problems = validate_entry(document, CONTEXT)
    found = sorted([*document.problems, *problems], key=Problem.sort_key)
    return problems_text(found, str)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.stem)
def test_entry_case(case: Path) -> None:
    assert check_case(case) == case.with_suffix(".out").read_text("utf-8")


def test_every_case_has_expected_output() -> None:
    assert len(CASES) >= 50
    assert all(case.with_suffix(".out").exists() for case in CASES)
