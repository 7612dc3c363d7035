"""Pages made again after a reflection's edit by putting its new HTML where its old was: only
where the old HTML is on the page exactly once, and neither is empty."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from generator.model import Entry
from generator.site.splice import Splice, shows_as_is, spliced, spliced_page, splices
from generator.site.theme import DEFAULT_THEME, Templates, Theme, read_templates, shipped_themes

PAGE = (
    b'<main><h1>Talk</h1>\n<section class="reflection">\n<p>Old \xc3\xa9</p>\n</section></main>\n'
)
PACK = b'<h3>Talk</h3>\n<div class="reflection"><h4 id="talk-a">A</h4>\n<p>Old</p>\n</div>\n'


def entry(status: str = "done") -> Entry:
    return Entry(
        path="journal/entries/talk.md",
        slug="talk",
        title="Talk",
        date=date(2025, 5, 1),
        activity="webinar",
        category="formal",
        hours=Decimal(1),
        status=status,
    )


def test_the_old_html_found_once_is_replaced_by_the_new() -> None:
    assert spliced_page(PAGE, "<p>Old é</p>\n", "<p>New <em>ü</em></p>\n") == (
        b'<main><h1>Talk</h1>\n<section class="reflection">\n'
        b"<p>New <em>\xc3\xbc</em></p>\n</section></main>\n"
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("<p>Gone</p>\n", "<p>New</p>\n"),  # not on the page
        ("</", "<p>New</p>\n"),  # on it more than once
        ("", "<p>New</p>\n"),  # empty: where it is shown cannot be told
        ("<p>Old é</p>\n", ""),  # empty: a template may show something else instead
    ],
)
def test_html_not_on_the_page_once_or_empty_is_not_spliced(old: str, new: str) -> None:
    assert spliced_page(PAGE, old, new) is None


def test_a_done_entry_changes_its_page_and_its_pack_with_headings_lowered() -> None:
    old, new = '<h2 id="talk-a">A</h2>\n<p>Old</p>\n', '<h2 id="talk-b">B</h2>\n<p>New</p>\n'
    assert splices(entry(), "entries/talk.html", "pack/2025-26.html", old, new) == [
        Splice("entries/talk.html", old, new),
        Splice(
            "pack/2025-26.html",
            '<h4 id="talk-a">A</h4>\n<p>Old</p>\n',
            '<h4 id="talk-b">B</h4>\n<p>New</p>\n',
        ),
    ]


def test_a_planned_entry_changes_its_page_alone() -> None:
    # A pack shows the reflections of the year's done entries only.
    assert splices(entry("planned"), "entries/talk.html", "pack/2025-26.html", "a", "b") == [
        Splice("entries/talk.html", "a", "b")
    ]


def test_changes_apply_one_after_the_other_and_all_or_none() -> None:
    pages = {"entries/talk.html": PAGE, "pack/2025-26.html": PACK}
    first = Splice("pack/2025-26.html", "<p>Old</p>\n", "<p>New</p>\n")
    second = Splice("pack/2025-26.html", '<h4 id="talk-a">A</h4>\n', "")
    assert spliced(pages, [first]) == {"pack/2025-26.html": PACK.replace(b"Old", b"New")}
    assert spliced(pages, [first, second]) is None
    # The second change sees the first's page: the HTML it replaced is there no more.
    assert spliced(pages, [first, first]) is None
    assert spliced(pages, [Splice("entries/gone.html", "a", "b")]) is None


def test_only_the_shipped_templates_show_html_as_it_is() -> None:
    shipped = read_templates(Theme((shipped_themes() / DEFAULT_THEME,)))
    assert shows_as_is(shipped, shipped)
    changed = Templates(tuple((name, data + b"\n") for name, data in shipped.files))
    assert not shows_as_is(changed, shipped)
    assert not shows_as_is(Templates((*shipped.files, ("mine.html", b""))), shipped)
