"""The Markdown dialect of reflections, and the check that nothing in them would be dropped."""

from __future__ import annotations

import functools
import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .schema import MAX_NESTING

# A container (quote or list) can only open on a line whose leading markers and indentation
# reach its depth, and each level costs at least one column of them. Bodies with no line this
# deep (half the limit, for margin) cannot hit the renderer's nesting limit, so the full
# parse runs only on the others.
# (Written with a leading newline rather than ^ and MULTILINE: the literal lets the regular
# expression engine skip from line to line, several times faster on long bodies.)
_MARKERS = rf"[ >*+\-0-9.)]{{{MAX_NESTING // 2}}}"
_DEEP_FIRST_LINE = re.compile(_MARKERS)
_DEEP_LATER_LINE = re.compile("\n" + _MARKERS)


@functools.cache
def parser(max_nesting: int = MAX_NESTING) -> MarkdownIt:
    """The renderer's Markdown parser: CommonMark with tables and strikethrough, no raw HTML."""
    return MarkdownIt("commonmark", {"html": False, "maxNesting": max_nesting}).enable(
        ["table", "strikethrough"])


def might_be_too_deep(body: str) -> bool:
    """A cheap test that is true for every body the renderer could truncate."""
    if "\t" in body:
        body = body.expandtabs(4)
    return bool(_DEEP_FIRST_LINE.match(body) or _DEEP_LATER_LINE.search(body))


def dropped_line(body: str) -> int | None:
    """The 0-based line of the first content the renderer would silently drop, if any."""
    if not might_be_too_deep(body):
        return None
    kept = parser().parse(body)
    full = parser(MAX_NESTING * 50).parse(body)
    for index, token in enumerate(full):
        if index >= len(kept) or not _same(kept[index], token):
            return _first_line(full[index:])
    return None


def _same(left: Token, right: Token) -> bool:
    return (left.type, left.map, left.content) == (right.type, right.map, right.content)


def _first_line(tokens: list[Token]) -> int:
    for token in tokens:
        if token.map:
            return token.map[0]
    return 0
