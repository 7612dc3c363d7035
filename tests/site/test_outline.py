"""Reflection headings moved below the heading of the entry that holds them."""

from __future__ import annotations

import pytest

from generator.journal.markdown import render
from generator.site.outline import demote_headings


@pytest.mark.parametrize(
    ("levels", "top", "moved"),
    [
        ([2, 2, 2], 4, [4, 4, 4]),
        ([2, 3, 2, 3], 4, [4, 5, 4, 5]),
        ([1, 2, 3], 4, [4, 5, 6]),
        ([2, 4, 4, 2], 4, [4, 5, 5, 4]),  # a skipped level closed up
        ([3, 2, 3], 4, [4, 4, 5]),  # a first heading below the highest starts at the top
        ([1, 2, 3, 4, 5, 6], 4, [4, 5, 6, 6, 6, 6]),  # nothing below h6
        ([6], 2, [2]),
    ],
)
def test_headings_move_down_and_no_level_is_skipped(
    levels: list[int], top: int, moved: list[int]
) -> None:
    html = "".join(f'<h{n} id="h{i}">H{i}</h{n}>\n<p>text</p>\n' for i, n in enumerate(levels))
    expected = "".join(f'<h{n} id="h{i}">H{i}</h{n}>\n<p>text</p>\n' for i, n in enumerate(moved))
    assert demote_headings(html, top) == expected


def test_only_headings_are_moved_never_text_that_looks_like_one() -> None:
    body = (
        "## What I did\n\nI wrote `<h2>` and <h3>raw</h3> in a table:\n\n"
        "| <h1> |\n|---|\n| x |\n\n<hr>\n\n```\n<h2>code</h2>\n```\n"
    )
    html = render(body)
    assert demote_headings(html, 4) == html.replace(
        '<h2 id="r-what-i-did">What I did</h2>', '<h4 id="r-what-i-did">What I did</h4>'
    )
    assert demote_headings("<p>No headings</p>\n", 4) == "<p>No headings</p>\n"
