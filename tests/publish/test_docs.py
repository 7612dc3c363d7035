"""The format reference is written from the schema, so it must match it."""

from __future__ import annotations

from generator.journal.codes import CODES
from generator.journal.schema import CONFIG, ENTRY
from generator.publish.docs import format_reference

from ..conftest import REPOSITORY


def test_committed_reference_is_current() -> None:
    committed = (REPOSITORY / "docs" / "format.md").read_text("utf-8")
    assert committed == format_reference(), "run 'make docs' and commit docs/format.md"


def test_reference_names_every_field_and_code() -> None:
    text = format_reference()
    for field in (*ENTRY.fields, *CONFIG.fields):
        assert f"| `{field.name}` |" in text
    for code in CODES:
        assert f"| {code} |" in text
