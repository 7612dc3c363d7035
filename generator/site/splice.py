"""Pages made again after a reflection's edit by putting its new HTML where its old HTML was.

The shipped templates show a reflection's HTML as it is, with nothing drawn from it: once on
the entry's page, and once, its headings lowered, on the review pack of its year when the
entry is done. There, the page the last build made, with the old HTML replaced by the new,
is the page that rendering it again makes, byte for byte; and no renderer need be loaded to
make it. A theme of the member's own may show the HTML otherwise (filtered, counted, twice),
so its pages are rendered again instead; so is a page on which the old HTML is not found
exactly once, or where either HTML is empty (the pack shows an empty one otherwise).

Pure: the pages as read, the HTML before and after, the new pages out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from ..model import Entry
from .outline import demote_headings
from .review_pack import PACK_LEVEL
from .theme import Templates


class Splice(NamedTuple):
    """One page's change: the HTML it shows before and after."""

    path: str
    old: str
    new: str


def shows_as_is(templates: Templates, shipped: Templates) -> bool:
    """Whether pages are rendered with the shipped templates, all of them and no other."""
    return templates.files == shipped.files


def splices(entry: Entry, page: str, pack: str, old: str, new: str) -> list[Splice]:
    """The changes an edit of this entry's reflection makes: to its page at `page`, and, if
    it is done, to its year's pack at `pack`."""
    changes = [Splice(page, old, new)]
    if entry.done:
        lowered = (demote_headings(html, PACK_LEVEL) for html in (old, new))
        changes.append(Splice(pack, *lowered))
    return changes


def spliced(pages: Mapping[str, bytes], changes: Sequence[Splice]) -> dict[str, bytes] | None:
    """The pages after these changes, one after the other; None if one cannot be made so."""
    made: dict[str, bytes] = {}
    for change in changes:
        page = made.get(change.path, pages.get(change.path))
        if page is None:
            return None
        after = spliced_page(page, change.old, change.new)
        if after is None:
            return None
        made[change.path] = after
    return made


def spliced_page(page: bytes, old: str, new: str) -> bytes | None:
    """The page with the HTML `old`, found on it exactly once, replaced by `new`."""
    if not old or not new:
        return None
    before = old.encode("utf-8")
    if page.count(before) != 1:
        return None
    return page.replace(before, new.encode("utf-8"))
