"""A page's heading outline: rendered reflections' headings moved below the heading of the
entry (or review) that holds them, where a page shows several under headings of its own."""

from __future__ import annotations

import re

# Headings are the only tags of these names in rendered Markdown: a journal's own HTML is
# shown as text (see `journal.markdown.render`), so a "<h2" in it arrives as "&lt;h2".
_HEADING_TAG = re.compile(r"<(/?)h([1-6])(?=[\s>])")
LOWEST = 6


def demote_headings(html: str, top: int) -> str:
    """The HTML with its highest headings at level `top` and each one below no more than one
    level under the heading before it (no level is skipped), down to h6 at the lowest."""
    if "<h" not in html:
        return html
    tags = list(_HEADING_TAG.finditer(html))
    levels = sorted({int(tag[2]) for tag in tags if not tag[1]})
    ranks = {level: rank for rank, level in enumerate(levels)}
    parts: list[str] = []
    written = previous = top - 1  # the level of the heading that holds them all
    at = 0
    for tag in tags:
        if not tag[1]:  # an opening tag: a new heading
            written = min(top + ranks[int(tag[2])], previous + 1, LOWEST)
            previous = written
        parts.append(html[at : tag.start()])
        parts.append(f"<{tag[1]}h{written}")
        at = tag.end()
    parts.append(html[at:])
    return "".join(parts)
