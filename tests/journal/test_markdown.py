"""Content nested deeper than the renderer keeps is found, and the cheap pre-test is sound."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import normalizeLink

from generator.journal.markdown import (
    NEEDS,
    NORMAL_URL,
    dropped_line,
    is_safe_url,
    might_be_too_deep,
    parser,
    parser_for,
)
from generator.journal.schema import MAX_NESTING

from ..conftest import REPOSITORY

PREFIXES = st.lists(
    st.sampled_from(["> ", ">", "- ", "* ", "1. ", "2) ", "  ", "\t", "+ ", "x "]), max_size=40
)


def drops(body: str) -> bool:
    """The slow truth: does the renderer's parse differ from an unlimited one?"""
    kept = [(t.type, t.map, t.content) for t in parser().parse(body)]
    full = [(t.type, t.map, t.content) for t in parser(MAX_NESTING * 50).parse(body)]
    return kept != full


@given(PREFIXES, st.integers(min_value=1, max_value=3))
@example([">"] * MAX_NESTING, 1)
@example(["- "] * (MAX_NESTING // 2), 1)
@example(["\t"] * 8 + ["- "], 2)
@settings(max_examples=500)
def test_prefilter_never_hides_a_drop(prefix: list[str], lines: int) -> None:
    body = ("".join(prefix) + "text\n") * lines
    if drops(body):
        assert might_be_too_deep(body)
        assert dropped_line(body) is not None


def test_deep_quote_is_found_at_its_line() -> None:
    body = "Intro\n\n" + ">" * (MAX_NESTING + 5) + " deep\n"
    assert drops(body)
    assert dropped_line(body) == 2


def test_deep_nested_list_is_found() -> None:
    body = "".join("  " * depth + "- item\n" for depth in range(MAX_NESTING))
    assert dropped_line(body) is not None


def test_ordinary_reflection_is_kept() -> None:
    body = (
        "## What I did\n\n- one\n  - two\n    - three\n\n> quote\n>> nested\n\n| a | b |\n"
        "|---|---|\n| 1 | 2 |\n"
    )
    assert not drops(body)
    assert dropped_line(body) is None


@given(st.from_regex(NORMAL_URL, fullmatch=True))
@example("")
@example("https://example.org")
@example("https://example.org/")
@example("https://a-b.example.org/guidance/Pitch_Partnership-2.pdf#top")
@example("other-entry.md#what-i-learned")
@example("../2024-25/2024-10-08-briefing.md")
@example("evidence/slides.pdf")
@example("#r-how-i-applied-it")
@example("http://" + ".".join(["a" * 63] * 4) + "/x")
@settings(max_examples=2000)
def test_an_address_taken_as_normal_is_one(url: str) -> None:
    assert normalizeLink(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "https://Example.org/",
        "HTTPS://example.org/",
        "https://example.org:8080/",
        "https://bücher.example/",
        "https://example.org/a b",
        "https://example.org/%7e",
        "//example.org/x",
        "mailto:someone@example.org",
        "https://example.org/?q=1",
        "https://" + "a" * 64 + ".org/",
        "javascript:alert(1)",
    ],
)
def test_an_address_that_may_change_takes_the_long_way(url: str) -> None:
    assert NORMAL_URL.fullmatch(url) is None
    assert parser().normalizeLink(url) == normalizeLink(url)


# Text made of every marker a rule of the parser may need (see NEEDS), in runs and at line
# starts, so that shortcuts that are wrong for some text are found.
MARKERS = [
    "<",
    "<b>",
    "<!-- c -->",
    "<https://a.example>",
    "&",
    "&amp;",
    "&#124;",
    "\\",
    "\\*",
    "`",
    "``",
    "```",
    "~",
    "~~",
    "~~~",
    ">",
    "> ",
    "|",
    "| a |",
    "|---|",
    "-",
    "--",
    "*",
    "_",
    "#",
    "# ",
    "1. ",
    "[",
    "]",
    "(",
    ")",
    "![",
    " ",
    "  ",
    "    ",
    "\t",
    "\n",
    "\n\n",
    "a",
    "word",
    "=",
    "\r\n",
    "\0",
]
MARKUP = st.lists(st.sampled_from(MARKERS), max_size=30)
# ... and the characters markdown-it-py's text rule stops at that no rule of ours starts with.
STOPS = st.lists(
    st.sampled_from(
        [
            *MARKERS,
            ":",
            "+",
            "$",
            "%",
            "@",
            "{",
            "}",
            "^",
            "a-b",
            "](",
            "[a](b)",
            "[a]: b",
            "a  \n",
            "http://a.example",
            "***",
            "a*b*",
            "_a_",
        ]
    ),
    max_size=30,
)


def parsed(md: MarkdownIt, body: str) -> list[tuple[object, ...]]:
    tokens = md.parse(body)
    return [
        (
            t.type,
            t.map,
            t.content,
            t.markup,
            t.info,
            t.attrs,
            [(c.type, c.content, c.markup, c.attrs) for c in t.children or ()],
        )
        for t in tokens
    ]


@given(MARKUP)
@example(["~~", "a", "~~"])
@example(["    ", "code"])
@example(["> ", "a"])
@settings(max_examples=1500)
def test_a_text_parses_the_same_without_the_rules_it_has_no_markers_for(parts: list[str]) -> None:
    body = "".join(parts)
    assert parsed(parser_for(body), body) == parsed(parser(), body)


def stock_parser() -> MarkdownIt:
    """The renderer's parser with the text rule markdown-it-py gives it."""
    md = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING}).enable(
        ["table", "strikethrough"]
    )
    md.validateLink = is_safe_url  # type: ignore[method-assign]
    return md


def test_the_text_rule_stops_only_where_a_rule_of_ours_can_start() -> None:
    assert parser().inline.terminator_re.pattern != stock_parser().inline.terminator_re.pattern


@given(STOPS)
@example(["a-b", "*", "c", "*"])
@example(["[a](b)", ":", "]("])
@settings(max_examples=1500)
def test_a_text_parses_the_same_as_with_the_stock_text_rule(parts: list[str]) -> None:
    body = "".join(parts)
    assert parsed(parser(), body) == parsed(stock_parser(), body)


def test_every_rule_that_needs_markers_is_left_out_where_they_are_missing() -> None:
    lean = parser_for("Plain words, a list:\n\n- one\n- two\n")
    active = lean.get_active_rules()
    assert set(NEEDS) & {*active["core"], *active["block"], *active["inline"]} == set()
    assert active["core"] == ["block", "inline"]
    assert parser_for("a | b ~~c~~ `d` > e & f \\ <g>\r\n```\n    h\n\0") is parser()


def test_the_example_journal_and_the_fixtures_parse_as_with_every_rule_and_every_stop() -> None:
    paths = [*(REPOSITORY / "journal").rglob("*.md"), *(REPOSITORY / "tests").rglob("*.md")]
    assert len(paths) > 50
    for path in sorted(paths):
        body = path.read_bytes().decode("utf-8", "replace")
        assert parsed(parser_for(body), body) == parsed(parser(), body), path
        assert parsed(parser(), body) == parsed(stock_parser(), body), path
