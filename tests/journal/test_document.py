"""Splitting a file into front matter and body, and reading its YAML safely, with positions."""

from __future__ import annotations

import unicodedata

import pytest

from generator.journal.document import parse_document, split_front_matter
from generator.journal.front_matter import Mapping, Scalar, Sequence
from generator.model import Problem


def test_positions_are_those_of_the_file() -> None:
    doc = parse_document("e.md", b"---\ntitle: A\ntags:\n  - one\n  - two\n---\nBody\n")
    assert doc.fields is not None
    key, value = doc.fields["title"]
    assert (key.line, key.column, value.line, value.column) == (2, 1, 2, 8)
    tags = doc.fields["tags"][1]
    assert isinstance(tags, Sequence)
    assert [(item.line, item.column) for item in tags.items] == [(4, 5), (5, 5)]
    assert (doc.body, doc.body_line) == ("Body\n", 7)


def test_byte_order_mark_and_crlf_do_not_shift_columns() -> None:
    plain = parse_document("e.md", b"---\ntitle: A\n---\nBody\n")
    marked = parse_document("e.md", b"\xef\xbb\xbf---\r\ntitle: A\r\n---\r\nBody\r\n")
    assert marked.problems == ()
    assert marked == plain


def test_split_keeps_a_thematic_break_in_the_body() -> None:
    split = split_front_matter("e.md", "---\na: 1\n---\nText\n\n---\n\nMore\n")
    assert split == ("a: 1\n", 2, "Text\n\n---\n\nMore\n", 4)


def test_empty_body() -> None:
    assert split_front_matter("e.md", "---\na: 1\n---") == ("a: 1\n", 2, "", 4)


def test_alias_bomb_is_refused_without_expanding() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 30)]
    doc = parse_document("bomb.md", ("---\n" + "\n".join(lines) + "\n---\n").encode())
    codes = {problem.code for problem in doc.problems}
    assert codes == {"Y002"}
    assert len(doc.problems) == 30 + 29 * 10


def test_python_tags_construct_nothing() -> None:
    doc = parse_document("e.md", b"---\nx: !!python/object/apply:os.system ['exit 1']\n---\n")
    assert [p.code for p in doc.problems] == ["Y001"]
    assert doc.fields is not None
    value = doc.fields["x"][1]
    assert isinstance(value, Sequence) and value.refused


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    doc = parse_document("e.md", b"---\ntitle: A\x01\ntitle: B\non: x\ny: &a 1\n---\n")
    assert [(p.code, p.line) for p in doc.problems] == [
        ("F002", 2),
        ("Y002", 5),
        ("Y003", 3),
        ("Y004", 4),
    ]


def test_nested_mapping_keeps_structure() -> None:
    doc = parse_document("e.md", b"---\nx:\n  y: 1\n---\n")
    assert doc.fields is not None
    value = doc.fields["x"][1]
    assert isinstance(value, Mapping)
    key, inner = value.pairs[0]
    assert key == Scalar("y", "str", False, 3, 3)
    assert inner == Scalar("1", "int", False, 3, 6)


def test_problems_are_plain_values() -> None:
    doc = parse_document("e.md", b"no front matter")
    assert doc.problems == (
        Problem(
            "e.md",
            1,
            1,
            "error",
            "F004",
            "",
            "no front matter: the file must start with a line '---'",
            "start the file with '---', the fields (title, date, ...), then '---'",
        ),
    )


def test_lone_carriage_return_and_c1_controls_are_found() -> None:
    lone = parse_document("e.md", b"---\ntitle: a\rb\n---\n")
    c1 = parse_document("e.md", "---\ntitle: a\u0085b\n---\n".encode())
    assert [(p.code, p.line, p.column, p.message) for p in (*lone.problems, *c1.problems)] == [
        ("F002", 2, 9, "control character U+000D"),
        ("F002", 2, 9, "control character U+0085"),
    ]
    assert parse_document("e.md", "---\ntitle: caf\u00e9 \u2019\n---\n".encode()).problems == ()


def test_bidirectional_controls_in_the_front_matter_are_found() -> None:
    text = "---\ntitle: Crisis comms\ntags: [ok, \u202egnp.exe]\n---\nBody\n"
    doc = parse_document("e.md", text.encode())
    assert [(p.code, p.line, p.column, p.message, p.hint) for p in doc.problems] == [
        (
            "F010",
            3,
            12,
            "bidirectional control character U+202E RIGHT-TO-LEFT OVERRIDE",
            "delete it; it is invisible and changes the order in which the text around it is shown",
        )
    ]
    assert doc.fields is not None  # the rest is still read, and checked


@pytest.mark.parametrize(
    "control",
    [
        "\u061c",
        "\u200e",
        "\u200f",
        "\u202a",
        "\u202b",
        "\u202c",
        "\u202d",
        "\u202e",
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",
    ],
)
def test_every_bidirectional_control_is_found(control: str) -> None:
    doc = parse_document("e.md", f"---\ntitle: a{control}b {control}\n---\n".encode())
    assert [(p.code, p.line, p.column, p.message.split(" (")[0]) for p in doc.problems] == [
        (
            "F010",
            2,
            9,
            f"bidirectional control character U+{ord(control):04X} {unicodedata.name(control)}",
        )
    ]
    assert doc.problems[0].message.endswith(" (and 1 more)")


def test_bidirectional_marks_in_a_reflection_are_its_own() -> None:
    # Right-to-left writing needs them, and the page's paragraph bounds what they change.
    body = "\u0645\u0631\u062d\u0628\u0627 \u200f(CPD)\u200f \u2067\u05e9\u05dc\u05d5\u05dd\u2069\n"
    assert parse_document("e.md", f"---\ntitle: A\n---\n{body}".encode()).problems == ()
