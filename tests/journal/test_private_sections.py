"""Private sections: one rule decides, on the parsed text as a reader sees it, and the
published build leaves out exactly what the member's own build marks as private; a link to
something left out is shown there as its text alone."""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import generator.parallel
import generator.site.build
from generator.cli import run
from generator.journal.load import find_project
from generator.journal.markdown import (
    heading_text,
    may_hold_private,
    parser_for,
    private_sections,
    render,
    strip_private,
)
from generator.model import Problem
from generator.site.build import build_site

from ..conftest import TODAY

# Heading texts that a reader reads as starting with the word "Private", however written.
READS_PRIVATE = [
    "Private",
    "PRIVATE",
    "private",
    "Pr*iv*ate",
    "*Private*",
    "**Pri**vate",
    "_Private_",
    "&#80;rivate",
    "&#x70;rivate",
    "&nbsp;Private",
    "Pri<!-- -->vate",
    "Pri<!-- a -->vate",
    "`Priv`ate",
    "` Private `",
    "Pri\u00advate",
    "Pri\u200bvate",
    "\uff30rivate",
    "[Private](https://example.org)",
    "~~Private~~",
    "![Private](x.png)",
    "Private\\!",
    "<%70rivate@example.org>",
    "Private:",
    "P<!---->rivate",
    "Pr&shy;ivate",
]
# Heading texts that a reader does not: the word is not first, or not the word.
READS_PUBLIC = [
    "Public",
    "Privately",
    "Private_notes",
    "Pri vate",
    "<b>Private</b>",
    "\\Private",
    "(Private)",
    "Pri&#32;vate",
    "`Pri` vate",
    "A private note",
    "Pri\\*vate",
]
# Heading texts over two lines (setext headings only), as read: private or not.
TWO_LINES_PRIVATE = [("Pr*iv*ate", "notes"), ("Private", "notes"), ("&#80;rivate", "x")]
TWO_LINES_PUBLIC = [("Pri", "vate"), ("Notes", "Private")]

MARKER = re.compile(r"mk\d+")
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


@dataclass(frozen=True)
class Heading:
    level: int
    lines: tuple[str, ...]  # the text (a setext heading's may span lines)
    setext: bool
    indent: int
    private: bool  # as the reader reads it


@dataclass(frozen=True)
class Paragraph:
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Verbatim:
    """Lines shown as they are (fenced code), or not at all (a comment), or a rule."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class Container:
    kind: str  # "> " or a list marker
    blocks: tuple[Block, ...]


Block = Heading | Paragraph | Verbatim | Container


def _markers() -> Callable[[], str]:
    counter = itertools.count()
    return lambda: f"mk{next(counter)}"


@st.composite
def headings(draw: st.DrawFn, marker: Callable[[], str]) -> Heading:
    setext = draw(st.booleans())
    private = draw(st.booleans())
    if setext and draw(st.booleans()):
        first, second = draw(st.sampled_from(TWO_LINES_PRIVATE if private else TWO_LINES_PUBLIC))
        lines: tuple[str, ...] = (first, f"{second} {marker()}")
    else:
        text = draw(st.sampled_from(READS_PRIVATE if private else READS_PUBLIC))
        lines = (f"{text} {marker()}",)
    level = draw(st.integers(1, 2) if setext else st.integers(1, 6))
    # (Not 2 or more: after a list item, the heading would be in it.)
    return Heading(level, lines, setext, draw(st.integers(0, 1)), private)


# Lines that change how the lines around them are read, when nothing keeps them apart: an
# underline, a paragraph that starts with the word, indented code, a table.
WILD = [
    ("---",),
    ("===",),
    ("Private words {}",),
    ("    indented {}",),
    ("| a {} |", "|---|"),
    ("\tPrivate {}",),
    ("<div>{}</div>",),
]


@st.composite
def blocks(draw: st.DrawFn, marker: Callable[[], str], depth: int, wild: bool) -> Block:
    kinds = ["heading", "heading", "paragraph", "code", "comment", "rule"]
    if depth < 3:
        kinds += ["quote", "item", "item"]
    if wild:
        kinds += ["wild"]
    kind = draw(st.sampled_from(kinds))
    if kind == "wild":
        return Verbatim(tuple(line.format(marker()) for line in draw(st.sampled_from(WILD))))
    if kind == "heading":
        return draw(headings(marker))
    if kind == "paragraph":
        return Paragraph(tuple(f"text {marker()}" for _ in range(draw(st.integers(1, 2)))))
    if kind == "code":
        return Verbatim(("```", f"## Private {marker()}", "```"))
    if kind == "comment":
        return Verbatim((f"<!-- {marker()} -->",))
    if kind == "rule":
        return Verbatim(("***",))
    inner = tuple(draw(st.lists(blocks(marker, depth + 1, wild), min_size=1, max_size=4)))
    return Container("> " if kind == "quote" else draw(st.sampled_from(["- ", "1. ", "+ "])), inner)


def lines_of(block: Block, apart: Callable[[], bool]) -> list[str]:
    """A block's Markdown lines; `apart` says whether a blank line follows each inner block."""
    if isinstance(block, Heading):
        if block.setext:
            return [*block.lines, "=" * 3 if block.level == 1 else "-" * 3]
        return [" " * block.indent + "#" * block.level + " " + block.lines[0]]
    if isinstance(block, Paragraph | Verbatim):
        return list(block.lines)
    inner = body_lines(block.blocks, apart)
    if block.kind == "> ":
        return [f"> {line}" if line else ">" for line in inner]
    pad = " " * len(block.kind)
    # On the marker's line, no indentation of its own: it would move the item's content.
    return [block.kind + inner[0].lstrip(" "), *(pad + line if line else "" for line in inner[1:])]


def body_lines(parts: tuple[Block, ...], apart: Callable[[], bool]) -> list[str]:
    lines: list[str] = []
    for index, block in enumerate(parts):
        lines += lines_of(block, apart)
        if index + 1 < len(parts) and apart():
            lines.append("")
    return lines


def private_markers(parts: tuple[Block, ...]) -> set[str]:
    """The markers the rule makes private, worked out from the blocks (the model): a private
    heading to the next heading of the same or a higher level in the same container, or to
    the container's end; everything in a private section is private."""
    found: set[str] = set()
    level: int | None = None  # the open private section's heading level
    for block in parts:
        if isinstance(block, Heading):
            if level is not None and block.level <= level:
                level = None
            if level is None and block.private:
                level = block.level
        text = COMMENT.sub("", "\n".join(lines_of(block, lambda: True)))
        shown = set(MARKER.findall(text))  # what a reader sees: no comment
        if level is not None:
            found |= shown
        elif isinstance(block, Container):
            found |= private_markers(block.blocks)
    return found


class _Text(HTMLParser):
    """The markers a page shows, in private sections and outside them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # of <div> elements, counted from a private section's
        self.private: list[str] = []
        self.public: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "div" and (self.depth or ("class", "private-section") in attrs):
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        (self.private if self.depth else self.public).extend(MARKER.findall(data))


def shown(html: str) -> _Text:
    text = _Text()
    text.feed(html)
    text.close()
    return text


def bodies(
    apart: st.SearchStrategy[bool], wild: bool = False
) -> st.SearchStrategy[tuple[tuple[Block, ...], str]]:
    """Bodies of blocks (each marked with words of its own), and their Markdown: blocks kept
    apart by blank lines where `apart` says, with `wild` lines among them if asked."""

    @st.composite
    def make(draw: st.DrawFn) -> tuple[tuple[Block, ...], str]:
        marker = _markers()
        parts = tuple(draw(st.lists(blocks(marker, 0, wild), min_size=1, max_size=6)))
        return parts, "\n".join(body_lines(parts, lambda: draw(apart)))

    return make()


@given(bodies(st.booleans(), wild=True))
@settings(max_examples=400, deadline=None)
def test_the_published_build_leaves_out_exactly_what_the_own_build_marks_private(
    case: tuple[tuple[Block, ...], str],
) -> None:
    _, body = case
    own = shown(render(body))
    published_html = render(strip_private(body))
    published = shown(published_html)
    assert "private-section" not in published_html
    assert published.private == []
    assert sorted(published.public) == sorted(own.public)
    assert not set(published.public) & set(own.private)


@given(bodies(st.just(True)))
@settings(max_examples=400, deadline=None)
def test_private_is_what_the_reader_reads_as_private_in_any_container(
    case: tuple[tuple[Block, ...], str],
) -> None:
    parts, body = case
    expected = private_markers(parts)
    own = shown(render(body))
    assert set(own.private) == expected
    assert set(shown(render(strip_private(body))).public) == set(own.public)
    assert not expected & set(own.public)


@given(bodies(st.booleans(), wild=True))
@settings(max_examples=300, deadline=None)
def test_a_body_the_quick_test_passes_over_has_no_private_section(
    case: tuple[tuple[Block, ...], str],
) -> None:
    _, body = case
    if not may_hold_private(body):
        assert private_sections(parser_for(body).parse(body)) == []


@pytest.mark.parametrize("text", READS_PRIVATE)
def test_each_way_of_writing_private_makes_a_private_section(text: str) -> None:
    body = f"Before.\n\n## {text} notes\n\nSECRET words.\n\n## After\n\nStill public.\n"
    published = render(strip_private(body))
    assert "SECRET" not in published
    assert "private-section" not in published
    assert "Before." in published and "Still public." in published
    own = render(body)
    assert (
        own.index('<div class="private-section">')
        < own.index("SECRET")
        < own.index("</div>")
        < own.index("Still public.")
    )


def test_a_setext_heading_over_two_lines_makes_a_private_section() -> None:
    body = "Pr*iv*ate\nnotes\n=====\n\nSECRET words.\n\nAfter\n=====\n\nStill public.\n"
    published = render(strip_private(body))
    assert "SECRET" not in published and "Still public." in published


@pytest.mark.parametrize("text", READS_PUBLIC)
def test_a_heading_not_read_as_private_stays_public(text: str) -> None:
    body = f"## {text}\n\nShown words.\n"
    assert "Shown words." in render(strip_private(body))
    assert "private-section" not in render(body)


@pytest.mark.parametrize(
    ("body", "secret"),
    [
        (
            "> Quoted.\n>\n> ## Private notes\n> SECRET in a quote\nlazily SECRET too\n\nAfter.\n",
            "SECRET",
        ),
        ("- An item.\n\n  ### Private\n\n  SECRET in an item.\n- Next item.\n\nAfter.\n", "SECRET"),
        ("- ## Private\n  SECRET on the item's first line.\n- Next item.\n\nAfter.\n", "SECRET"),
        ("> - > ## Private\n>   > SECRET deep down.\n> - Next item.\n\nAfter.\n", "SECRET"),
    ],
)
def test_a_private_heading_in_a_quote_or_a_list_item_is_private(body: str, secret: str) -> None:
    own = render(body)
    assert own.index('<div class="private-section">') < own.index(secret)
    published = render(strip_private(body))
    assert secret not in published
    assert "After." in published and "private-section" not in published


def test_a_section_in_a_container_ends_with_a_heading_of_its_level_there() -> None:
    body = "> ## Private\n> SECRET\n> ### Still private\n> SECRET too\n> ## Public\n> Shown.\n"
    published = render(strip_private(body))
    assert "SECRET" not in published
    assert "Shown." in published and "Public" in published


def test_a_heading_outside_a_container_does_not_end_a_section_inside_it() -> None:
    body = "## Private\n\n> # Quoted heading\n> SECRET\n\nSECRET too\n\n## Public\n\nShown.\n"
    published = render(strip_private(body))
    assert "SECRET" not in published and "Quoted heading" not in published
    assert "Shown." in published


def test_leaving_a_section_out_joins_nothing_around_it() -> None:
    # Without a gap where the section was, the paragraph before would take the setext
    # heading's text after it, and read as a private heading itself.
    body = "Private matters are below.\n## Private\nNext\n===\n"
    html = render(strip_private(body))
    assert "<p>Private matters are below.</p>" in html
    assert ">Next</h1>" in html
    assert "private-section" not in html


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("## Pri<!-- hidden -->vate notes", 'id="r-private-notes"'),
        ("## What <!-- a note to myself --> I did", 'id="r-what-i-did"'),
        ("## &#80;lan &amp; act", 'id="r-plan-act"'),
        ("## `code` and *emphasis*", 'id="r-code-and-emphasis"'),
    ],
)
def test_a_heading_s_id_comes_from_the_text_a_reader_sees(heading: str, anchor: str) -> None:
    html = render(heading + "\n")
    assert anchor in html
    assert "hidden" not in html and "note to myself" not in html


def test_heading_text_is_what_the_reader_sees() -> None:
    tokens = parser_for("## Pr*iv*<!-- x -->ate &#80; `c` ![alt](x.png)\n").parse(
        "## Pr*iv*<!-- x -->ate &#80; `c` ![alt](x.png)\n"
    )
    assert heading_text(tokens[1]) == "Private P c alt"


PIECES = st.sampled_from(
    [
        "Private",
        "private",
        "Pr",
        "ivate",
        "*",
        "_",
        "`",
        "&#80;",
        "&",
        "#",
        "# ",
        "## ",
        "\n",
        "\n\n",
        " ",
        "   ",
        "\t",
        "> ",
        "- ",
        "1. ",
        "===",
        "---",
        "<!--",
        "-->",
        "<b>",
        "\\",
        "[",
        "](x)",
        "%70",
        "<",
        ">",
        "\u200b",
        "\r",
        "words",
    ]
)


@given(st.lists(PIECES, max_size=40).map("".join))
@settings(max_examples=500, deadline=None)
def test_any_text_published_holds_no_private_section(body: str) -> None:
    published = strip_private(body)
    assert private_sections(parser_for(published).parse(published)) == []
    assert "private-section" not in render(published)
    if not may_hold_private(body):
        assert published == body
        assert private_sections(parser_for(body).parse(body)) == []


def _left_out(link: str) -> Problem:
    return Problem(
        "journal/entries/public.md",
        11,
        1,
        "warning",
        "W006",
        "body",
        f"the link '{link}' leads to something the published portfolio leaves out "
        "(private, or planned and not published): there it is shown as plain text",
        "link to something published, or keep the link for your own build only",
    )


@pytest.mark.parametrize("workers", [False, True])
def test_a_published_link_to_something_private_is_its_text_alone_with_a_warning(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, workers: bool
) -> None:
    monkeypatch.setattr(generator.site.build, "RENDER_MIN_ENTRIES", 1 if workers else 10**9)
    monkeypatch.setattr(generator.parallel, "cores", lambda: 2)
    root = project("hostile")
    with (root / "pdp.toml").open("a", encoding="utf-8") as config:
        config.write("publish_planned = false\n")
    (root / "journal/entries/plan.md").write_text(
        "---\ntitle: A plan of mine\ndate: 2027-01-10\nactivity: book\nhours: 2\n"
        "status: planned\n---\nNot yet.\n",
        "utf-8",
    )
    entry = root / "journal/entries/public.md"
    entry.write_text(
        entry.read_text("utf-8") + '\nAlso [my own notes](secret.md "A title") '
        "and [the file I kept](kept-back.txt) and [my plan](plan.md#r-x).\n",
        "utf-8",
    )
    # The member's own build first: its reflections are kept, with the links' answers.
    own = build_site(find_project(root), TODAY, publish=False, output=root / "own")
    assert (own.problems, own.warnings) == ((), ())
    page = (root / "own/entries/public.html").read_text("utf-8")
    assert '<a href="../entries/secret.html" title="A title">my own notes</a>' in page
    assert '<a href="../evidence/entries/kept-back.txt">the file I kept</a>' in page

    built = build_site(find_project(root), TODAY, publish=True, output=root / "out")
    assert built.problems == ()
    assert built.warnings == (
        _left_out("kept-back.txt"),
        _left_out("plan.md#r-x"),
        _left_out("secret.md"),
    )
    page = (root / "out/entries/public.html").read_text("utf-8")
    assert "Also my own notes and the file I kept and my plan." in page
    for path in (root / "out").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"secret" not in data and b"kept-back" not in data, path
            assert b"plan.html" not in data and b"A plan of mine" not in data, path
            assert b"A title" not in data and b"PRIVATE-ENTRY-MARKER" not in data, path
    # Again, with the published reflection kept from the last build: the same warnings.
    again = build_site(find_project(root), TODAY, publish=True, output=root / "out")
    assert (again.problems, again.warnings) == ((), built.warnings)


def test_the_command_line_prints_the_warning_and_builds(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project("hostile")
    entry = root / "journal/entries/public.md"
    entry.write_text(entry.read_text("utf-8") + "\nAlso [my own notes](secret.md).\n", "utf-8")
    monkeypatch.setenv("PDP_TODAY", TODAY.isoformat())
    monkeypatch.chdir(root)
    out, err = io.StringIO(), io.StringIO()
    assert run(["build", "--publish", "-o", "out"], out, err) == 0
    assert err.getvalue() == (
        "journal/entries/public.md:11:1: warning[W006] body: the link 'secret.md' leads to "
        "something the published portfolio leaves out (private, or planned and not published): "
        "there it is shown as plain text\n"
        "    hint: link to something published, or keep the link for your own build only\n"
    )
    assert out.getvalue().startswith("built the published portfolio")
