"""Whatever a member writes, only the project's own problems come out: never an exception."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import run
from generator.journal.catalogue import parse_catalogue, shipped_catalogue_text
from generator.journal.document import parse_document
from generator.journal.schema import ENTRY, GOAL, REVIEW
from generator.journal.validate import (
    Context,
    after,
    validate_entry,
    validate_goal,
    validate_review,
)
from generator.model import Config, Problem

CONTEXT = Context(
    Config(name="A"),
    parse_catalogue(shipped_catalogue_text()),
    frozenset({"media"}),
    after(date(2026, 11, 28)),
    lambda path: "missing",
)

KEYS = st.sampled_from(
    [
        *ENTRY.names(),
        *GOAL.names(),
        *REVIEW.names(),
        "on",
        "no",
        "2024-01-05",
        "content",
        "handler",
        "<<",
        "? x",
        "- a",
        "titel",
        "",
        "'quoted'",
    ]
)
SCALARS = st.sampled_from(
    [
        "",
        "1",
        "1.5",
        "-2",
        ".nan",
        ".inf",
        "1e309",
        "12:30",
        "yes",
        "no",
        "~",
        "null",
        "2024-13-45",
        "2025-06-14",
        "2025-06-14 10:30",
        '"3"',
        "'x'",
        "podcast",
        "other",
        "formal",
        "[media]",
        "[a, [b]]",
        "{a: 1}",
        "&a x",
        "*a",
        "!!binary aGk=",
        "!!set {a}",
        "|\n  text",
        ">\n  folded",
        "[",
        "]",
        "{",
        "'",
        '"',
        "@",
        "`",
        "%x",
        "!!python/object:os.system x",
        "\t1",
        "0x1F",
        "0o17",
        "1_000",
        "+1",
        "done",
        "planned",
        "true",
        "0",
    ]
) | st.text(max_size=20)
LINES = st.lists(
    st.tuples(KEYS, SCALARS).map(lambda kv: f"{kv[0]}: {kv[1]}") | st.text(max_size=30), max_size=12
)
BODIES = st.text(alphabet=st.sampled_from(list("ab #>-*_[]()!`|\n\t1.:<&;")), max_size=300)


def check_all(data: bytes) -> list[Problem]:
    document = parse_document("journal/entries/x.md", data)
    found = list(document.problems)
    found += validate_entry(document, CONTEXT)[1]
    found += validate_goal(document, date(2026, 11, 28))[1]
    found += validate_review(document, CONTEXT.goal_ids)[1]
    return found


@given(st.binary(max_size=400))
@settings(max_examples=300)
def test_any_bytes(data: bytes) -> None:
    assert all(isinstance(item, Problem) for item in check_all(data))


@given(LINES, BODIES)
@settings(max_examples=600)
def test_any_front_matter_and_body(lines: list[str], body: str) -> None:
    text = "---\n" + "\n".join(lines) + "\n---\n" + body
    for item in check_all(text.encode("utf-8", "surrogatepass")):
        assert isinstance(item, Problem)
        assert item.line >= 1 and item.column >= 1
        assert item.message


@given(LINES, BODIES)
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_command_line_never_crashes(tmp_path: Path, lines: list[str], body: str) -> None:
    (tmp_path / "pdp.toml").write_text('name = "A"\n')
    folder = tmp_path / "journal" / "entries"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "x.md").write_text(
        "---\n" + "\n".join(lines) + "\n---\n" + body, encoding="utf-8", errors="surrogateescape"
    )
    for command in (
        ["check"],
        ["report", "--format", "json"],
        ["check", "--format", "json"],
        ["build", "-o", str(tmp_path / "out")],
        ["build", "--publish", "-o", str(tmp_path / "out")],
    ):
        err = io.StringIO()
        code = run(["-C", str(tmp_path), *command], io.StringIO(), err)
        assert code in (0, 1), err.getvalue()
        assert "internal error" not in err.getvalue()
