"""Text pasted from a word processor, and values written another way than the format's: each
file in fixtures/word/ is checked as an entry; its .out file holds what pdp prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.journal.document import parse_document
from generator.journal.front_matter import Scalar
from generator.journal.lookalikes import check_lookalikes

from .test_validate import FIXTURES, check_case

CASES = sorted((FIXTURES / "word").glob("*.md"))


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.stem)
def test_word_case(case: Path) -> None:
    assert check_case(case) == case.with_suffix(".out").read_text("utf-8")


def test_every_case_has_expected_output() -> None:
    assert len(CASES) >= 25
    assert all(case.with_suffix(".out").exists() for case in CASES)


def test_a_look_alike_space_is_read_as_plain_only_where_yaml_needs_one() -> None:
    text = "---\ntitle: Civil\u00a0Service week\nhours:\u00a01\n---\n"
    doc = parse_document("e.md", text.encode())
    assert [(found.code, found.line, found.column) for found in doc.problems] == [("F011", 3, 7)]
    assert doc.fields is not None
    assert doc.fields["title"][1] == Scalar("Civil\u00a0Service week", "str", False, 2, 8)
    assert doc.fields["hours"][1] == Scalar("1", "int", False, 3, 8)


def test_a_file_without_look_alikes_is_parsed_as_written() -> None:
    text = "title: A\nhours: 1\n"
    assert check_lookalikes("e.md", text, 2) == ([], text)
