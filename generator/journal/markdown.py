"""The Markdown dialect of reflections, and the check that nothing in them would be dropped."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from .schema import MAX_NESTING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# A container (quote or list) can only open on a line whose leading markers and indentation
# reach its depth, and each level costs at least one column of them. Bodies with no line this
# deep (half the limit, for margin) cannot hit the renderer's nesting limit, so the full
# parse runs only on the others.
# (Written with a leading newline rather than ^ and MULTILINE: the literal lets the regular
# expression engine skip from line to line, several times faster on long bodies.)
_MARKERS = rf"[ >*+\-0-9.)]{{{MAX_NESTING // 2}}}"
_DEEP_FIRST_LINE = re.compile(_MARKERS)
_DEEP_LATER_LINE = re.compile("\n" + _MARKERS)


def parser(max_nesting: int = MAX_NESTING, without: frozenset[str] = frozenset()) -> MarkdownIt:
    """The renderer's Markdown parser: CommonMark with tables and strikethrough (less the
    rules `without`, for a text they cannot match in: see `parser_for`).

    Raw HTML is recognised only so that `render` can drop comments and show the rest as
    text: nothing a journal writes ever reaches a page as markup.
    """
    return _parser(max_nesting, without)


def import_renderer() -> None:
    """Import markdown-it-py now, as the first parse would: where this process has nothing
    else to do meanwhile."""
    import markdown_it  # noqa: F401


# One of each per process, however its arguments are written: at most one for each set
# of rules left out (see NEEDS), about 25 KB each; journals use a handful.
@functools.cache
def _parser(max_nesting: int, without: frozenset[str]) -> MarkdownIt:
    # Imported on first use: checking a journal parses no Markdown (but a deeply nested
    # body's), and markdown-it-py takes as long to import as a small journal to check.
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True, "maxNesting": max_nesting}).enable(
        ["table", "strikethrough"]
    )
    if without:
        md.disable(sorted(without))
    md.validateLink = is_safe_url  # type: ignore[method-assign]
    md.normalizeLink = _quick(md.normalizeLink)  # type: ignore[method-assign, assignment]
    if hasattr(md.inline, "terminator_re"):  # not in older markdown-it-py releases
        md.inline.terminator_re = _INLINE_STARTS
    return md


# The characters at which an inline rule of this parser can start ("]" ends a link's text).
# markdown-it-py's text rule stops at more (such as "-", ":" and "="), kept for plugins that
# this parser has none of; at each of those, every rule is tried in vain, and the character
# is then taken as text all the same. Stopping only at these parses the same, and faster.
_INLINE_STARTS = re.compile(r"[\n!&*\[\\\]_`<~]")


# Rules of the parser that can match only where the text holds one of these (CommonMark's
# and GFM's own markers). markdown-it-py tries every block rule at each line, and every
# inline rule at each character that could start markup: a text without a rule's markers
# parses the same, and faster, without the rule (most reflections hold no HTML, entities,
# code, quotes or tables).
# Two core rules leave a text as it is without theirs: `normalize` (line ends, NUL) and
# `text_join` (joins the text that escapes and entities leave).
NEEDS: dict[str, tuple[str, ...]] = {
    "html_block": ("<",),
    "html_inline": ("<",),
    "autolink": ("<",),
    "entity": ("&",),
    "escape": ("\\",),
    "backticks": ("`",),
    "fence": ("```", "~~~"),
    "strikethrough": ("~~",),
    "blockquote": (">",),
    "table": ("|",),
    "code": ("    ", "\t"),
    "normalize": ("\r", "\0"),
    "text_join": ("\\", "&"),
}
_EVERY_MARKER = tuple(dict.fromkeys(marker for markers in NEEDS.values() for marker in markers))


def parser_for(body: str) -> MarkdownIt:
    """The renderer's parser, less the rules that cannot match anywhere in `body`."""
    # Each marker looked for once; a longer one only where its first character is (finding
    # a character is many times faster than finding a string).
    present = {
        marker
        for marker in _EVERY_MARKER
        if marker[0] in body and (len(marker) == 1 or marker in body)
    }
    return parser(
        MAX_NESTING,
        frozenset(rule for rule, markers in NEEDS.items() if present.isdisjoint(markers)),
    )


# An address made of these characters alone is its own normal form: parsing it, encoding its
# host name for the web, and percent-encoding it give it back as it was. Most links are such
# addresses, and normalising one the long way costs more than parsing the rest of its line.
# (tests/journal/test_markdown.py holds this against markdown-it-py's own normalisation.)
_HOST = r"[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,3}"
_PATH = r"[A-Za-z0-9._~/-]*"
NORMAL_URL = re.compile(rf"(?:https?://{_HOST}(?:/{_PATH})?|(?!//){_PATH})(?:#{_PATH})?")


def _quick(normalize: Callable[[str], str]) -> Callable[[str], str]:
    """`normalize`, taking the short way where the address is normal already."""
    # Pure, and slow for what it does (a parse and a re-encoding of each address); journals
    # link to the same pages again and again.
    cached = functools.lru_cache(maxsize=4096)(normalize)

    def normal(url: str) -> str:
        return url if NORMAL_URL.fullmatch(url) else cached(url)

    return normal


_SAFE_SCHEMES = ("http:", "https:", "mailto:")
_SAFE_IMAGE_DATA = re.compile(r"data:image/(?:png|gif|jpeg|webp);", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_UNSEEN = re.compile(r"[\x00-\x20\x7f]")  # taken out first: they could hide a scheme


def is_safe_url(url: str, image: bool = True) -> bool:
    """Links may be web, mail or relative; images may also be inline PNG, GIF, JPEG, WebP."""
    cleaned = _UNSEEN.sub("", url)
    scheme = _SCHEME.match(cleaned)
    if scheme is None:
        return True
    if cleaned.lower().startswith(_SAFE_SCHEMES):
        return True
    return image and _SAFE_IMAGE_DATA.match(cleaned) is not None


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
    # Any limit above the renderer's finds the same first difference; a higher one would let
    # the parser recurse past Python's stack on a body nested hundreds deep.
    full = parser(MAX_NESTING * 2).parse(body)
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


PRIVATE_HEADING = re.compile(r"private\b")
"""A section under a heading whose text, as a reader sees it, starts with the word 'Private'
(compared as `reader_words` gives it) is the member's alone."""

_LinkMap = Callable[[str], str | None]

PLAIN_TEXT = ""
"""A link map's answer for a link to be shown as its text alone (no link): one to something
the published portfolio leaves out."""


def heading_text(inline: Token) -> str:
    """A heading's text as a reader sees it: its words and code, entities decoded, raw HTML
    shown as text, comments left out, an image by its description, a line break as one."""
    return _seen(inline.children or ())


def _seen(children: Sequence[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "text_special", "code_inline"):
            parts.append(child.content)
        elif child.type == "html_inline":
            if not _is_comment(child.content):
                parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(_seen(child.children or ()))
    return "".join(parts)


def reader_words(text: str) -> str:
    """Text compared as a reader reads it: without invisible format characters (such as a
    zero-width space or a soft hyphen), in compatibility form (a full-width P is a P),
    case-folded, leading spaces left out."""
    visible = "".join(char for char in text if unicodedata.category(char) != "Cf")
    return unicodedata.normalize("NFKC", visible).casefold().lstrip()


def is_private_heading(inline: Token) -> bool:
    """Whether a heading (its inline token) opens a private section."""
    return PRIVATE_HEADING.match(reader_words(heading_text(inline))) is not None


def private_sections(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """(start, end) token ranges of private sections: a private heading, in any container (a
    quote, a list item, or the body), to the next heading of the same or a higher level in
    the same container, or to the container's end. Both builds take private sections from
    here alone: the member's marks them, the published one leaves them out."""
    ranges: list[tuple[int, int]] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open" and is_private_heading(tokens[index + 1]):
            end = _section_end(tokens, index)
            ranges.append((index, end))
            index = end  # a private heading inside is within this section
        else:
            index += 1
    return ranges


def _section_end(tokens: Sequence[Token], start: int) -> int:
    """The index of the token that ends the section of the heading at `start`: the next
    heading of the same or a higher level in its container, or its container's closing."""
    heading = tokens[start]
    end = start + 1
    while end < len(tokens):
        token = tokens[end]
        if token.level < heading.level or (
            token.type == "heading_open"
            and token.level == heading.level
            and token.tag <= heading.tag
        ):
            break
        end += 1
    return end


# What can make a heading's text, as read, start with "private": its letters come from the
# heading's own lines, as they are (in ASCII only "p" or "P" reads "p", and so on, in order),
# or through an entity ("&"), a percent-escape that an e-mail autolink shows decoded ("%"),
# or a character outside ASCII (a compatibility form, an invisible format character). A
# heading is an ATX heading (its text after the line's first "#": no container marker is a
# "#") or a setext heading (text over an underline line).
_SETEXT_UNDERLINE = re.compile(r"^[ \t>]*(?:=+|-+)[ \t]*$", re.MULTILINE)
_FROM_HASH = re.compile(r"#[^\n]*")


def may_hold_private(body: str) -> bool:
    """A quick test that is true for every body with a private section (and for some
    others): a body it is false for needs no parsing to be published."""
    if "\r" in body:  # a line end too, to the parser
        body = body.replace("\r\n", "\n").replace("\r", "\n")
    if _SETEXT_UNDERLINE.search(body) is not None and _may_read_private(body):
        return True
    return any(_may_read_private(line) for line in _FROM_HASH.findall(body))


def _may_read_private(text: str) -> bool:
    if not text.isascii() or "&" in text or "%" in text:
        return True
    lowered = text.lower()
    found = 0
    for letter in "private":
        found = lowered.find(letter, found) + 1
        if not found:
            return False
    return True


_GAP = "<!---->"
"""What stands in a published body for a private section left out: a comment, which the
renderer drops, and which ends a paragraph before it and any block after it starts anew, so
that nothing around it is read otherwise than in the member's own build."""


def strip_private(body: str) -> str:
    """The body without its private sections, for the published portfolio: a text in which
    `private_sections` finds none."""
    # Each round takes out at least one line of the body (a private heading's first line:
    # a gap, an HTML block, is never one), so the last round finds none.
    for _ in range(body.count("\n") + 2):
        if not may_hold_private(body):
            return body
        if "\r" in body:  # as the parser reads it, so that its line numbers hold
            body = body.replace("\r\n", "\n").replace("\r", "\n")
        tokens = parser_for(body).parse(body)
        ranges = private_sections(tokens)
        if not ranges:
            return body
        body = _without(body, tokens, ranges)
    return ""  # not reached (see above); were it, nothing of the body would be published


def _without(body: str, tokens: Sequence[Token], ranges: Sequence[tuple[int, int]]) -> str:
    """The body with the source lines of each private section (`ranges`, in order) replaced
    by a gap that keeps the quote and list markers of the section's first line."""
    lines = body.split("\n")
    for start, end in reversed(ranges):  # from the last, so that line numbers still hold
        heading = tokens[start]
        assert heading.map is not None  # every block token of markdown-it-py has its lines
        first = heading.map[0]
        following = _end_line(tokens, start, end, len(lines))
        lines[first:following] = [_markers(lines[first], heading, tokens[start + 1]) + _GAP]
    return "\n".join(lines)


def _end_line(tokens: Sequence[Token], start: int, end: int, last: int) -> int:
    """The line after the section (tokens start to end): the next heading's first line, or
    the end of the container (whose lines include any continuing a paragraph lazily)."""
    following = tokens[end].map if end < len(tokens) else None
    if following is not None and tokens[end].type == "heading_open":
        return following[0]
    level = tokens[start].level
    for token in reversed(tokens[:start]):
        if token.level < level:  # the container's opening
            return token.map[1] if token.map else last
    return last


def _markers(line: str, heading: Token, inline: Token) -> str:
    """What comes before a heading on its first line: the markers of the quotes and list
    items it is in, and indentation."""
    if heading.markup.startswith("#"):
        return line[: line.index("#")]
    # A setext heading: its text starts the line's last part (the parser reads NUL as U+FFFD).
    shown = line.replace("\0", "\ufffd").rstrip()
    text = inline.content.split("\n", 1)[0].rstrip()
    if shown.endswith(text):
        return line[: len(shown) - len(text)]
    return line[: len(line) - len(line.lstrip(" \t>"))]


def render(body: str, link_map: _LinkMap | None = None, anchor_prefix: str = "r-") -> str:
    """A reflection as HTML: comments dropped, raw HTML shown as text, unsafe links refused,
    headings given unique prefixed ids, private sections marked."""
    md = parser_for(body)
    tokens = md.parse(body)
    tokens = _neutralise_html(tokens)
    _anchor_headings(tokens, anchor_prefix)
    for token in tokens:
        # Links and inline HTML start with one of these (links of every kind, HTML tags
        # and autolinks): most paragraphs have neither.
        if token.children and ("[" in token.content or "<" in token.content):
            token.children = _safe_inline(token.children, link_map)
    tokens = _mark_private(tokens)
    return str(md.renderer.render(tokens, md.options, {}))


def _token(*args: object, **fields: object) -> Token:
    """A new token (of markdown-it-py, imported by `parser` before any is needed)."""
    from markdown_it.token import Token

    return Token(*args, **fields)  # type: ignore[arg-type]


def _is_comment(content: str) -> bool:
    return content.lstrip().startswith("<!--")


def _neutralise_html(tokens: list[Token]) -> list[Token]:
    kept: list[Token] = []
    for token in tokens:
        if token.type != "html_block":
            kept.append(token)
        elif not _is_comment(token.content):
            kept.extend(_text_paragraph(token))
    return kept


def _text_paragraph(token: Token) -> list[Token]:
    opening = _token("paragraph_open", "p", 1, map=token.map, level=token.level, block=True)
    inline = _token(
        "inline", "", 0, content=token.content.rstrip("\n"), level=token.level + 1, block=True
    )
    inline.children = [_token("text", "", 0, content=token.content.rstrip("\n"))]
    closing = _token("paragraph_close", "p", -1, level=token.level, block=True)
    return [opening, inline, closing]


def _safe_inline(children: list[Token], link_map: _LinkMap | None) -> list[Token]:
    kept: list[Token] = []
    dropped_links = 0
    for child in children:
        if child.type == "html_inline":
            if not _is_comment(child.content):
                kept.append(_token("text", "", 0, content=child.content))
            continue
        if child.type == "link_open":
            href = str(child.attrGet("href") or "")
            if not is_safe_url(href, image=False):
                dropped_links += 1
                continue
            answer = None if link_map is None else link_map(href)
            if answer == PLAIN_TEXT:  # its text stays, as text
                dropped_links += 1
                continue
            if answer is not None:
                child.attrSet("href", answer)
        if child.type == "link_close" and dropped_links:
            dropped_links -= 1
            continue
        kept.append(child)
    return kept


def _anchor_headings(tokens: list[Token], prefix: str) -> None:
    seen: dict[str, int] = {}
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        # From the text as read: nothing the reader does not see (a comment) reaches an id.
        base = prefix + (_slug(reader_words(heading_text(tokens[index + 1]))) or "section")
        seen[base] = seen.get(base, 0) + 1
        token.attrSet("id", base if seen[base] == 1 else f"{base}-{seen[base]}")


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def _slug(text: str) -> str:
    return _NOT_SLUG.sub("-", text.lower()).strip("-")


def _mark_private(tokens: list[Token]) -> list[Token]:
    ranges = private_sections(tokens)
    if not ranges:
        return tokens
    marked: list[Token] = []
    previous = 0
    for start, end in ranges:
        marked.extend(tokens[previous:start])
        level = tokens[start].level  # in the heading's container
        opening = _token(
            "html_block",
            "",
            0,
            block=True,
            level=level,
            content=(
                '<div class="private-section"><p class="private-label">Private: left out of the '
                "published portfolio</p>\n"
            ),
        )
        marked.append(opening)
        marked.extend(tokens[start:end])
        marked.append(_token("html_block", "", 0, block=True, level=level, content="</div>\n"))
        previous = end
    marked.extend(tokens[previous:])
    return marked
