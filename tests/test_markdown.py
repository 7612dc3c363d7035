"""Content nested deeper than the renderer keeps is found, and the cheap pre-test is sound."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.markdown import dropped_line, might_be_too_deep, parser
from generator.schema import MAX_NESTING

PREFIXES = st.lists(st.sampled_from(["> ", ">", "- ", "* ", "1. ", "2) ", "  ", "\t", "+ ",
                                     "x "]), max_size=40)


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
    body = "## What I did\n\n- one\n  - two\n    - three\n\n> quote\n>> nested\n\n| a | b |\n" \
           "|---|---|\n| 1 | 2 |\n"
    assert not drops(body)
    assert dropped_line(body) is None
