"""Characters pasted from word processors that look like the plain ones YAML needs.

A non-breaking space after `hours:`, a zero-width space in an id, an en dash where a list
needs `-`: each is reported by name at its own line and column, with the fix. A look-alike
space between the words of a value is the member's text and is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

import yaml

from ..model import Problem
from .codes import problem

# Spaces YAML does not take as spaces (Unicode's space separators but the plain one).
SPACES: Mapping[str, str] = {
    "\u00a0": "a non-breaking space",
    "\u1680": "an ogham space mark",
    "\u2000": "an en quad space",
    "\u2001": "an em quad space",
    "\u2002": "an en space",
    "\u2003": "an em space",
    "\u2004": "a three-per-em space",
    "\u2005": "a four-per-em space",
    "\u2006": "a six-per-em space",
    "\u2007": "a figure space",
    "\u2008": "a punctuation space",
    "\u2009": "a thin space",
    "\u200a": "a hair space",
    "\u202f": "a narrow non-breaking space",
    "\u205f": "a medium mathematical space",
    "\u3000": "an ideographic space",
}
# Characters that show nothing at all; a byte-order mark at the file's start is allowed
# (`document.decode` removes it), anywhere else it is one of these.
INVISIBLE: Mapping[str, str] = {
    "\u00ad": "a soft hyphen",
    "\u180e": "a Mongolian vowel separator",
    "\u200b": "a zero-width space",
    "\u200c": "a zero-width non-joiner",
    "\u200d": "a zero-width joiner",
    "\u2060": "a word joiner",
    "\ufeff": "a byte-order mark",
    "\u2028": "a line separator",
    "\u2029": "a paragraph separator",
}
# Joiners that emoji and some scripts (Arabic, Persian, the Indic scripts) need between two
# of their characters: there, never between two ASCII characters, they are meant.
_JOINERS = "\u200c\u200d"
# Dashes and bullets a word processor puts where a list item's `-` was typed.
DASHES: Mapping[str, str] = {
    "\u2010": "a hyphen",
    "\u2011": "a non-breaking hyphen",
    "\u2012": "a figure dash",
    "\u2013": "an en dash",
    "\u2014": "an em dash",
    "\u2212": "a minus sign",
    "\u2022": "a bullet",
}
# The curly quotes that can close what a straight quote opened, by that straight quote.
CURLY_CLOSERS: Mapping[str, str] = {'"': "\u201d\u201c", "'": "\u2019\u2018"}

_NAMES: Mapping[str, str] = {**SPACES, **INVISIBLE, **DASHES}
_SUSPECT = re.compile("[" + "".join((*SPACES, *INVISIBLE, *DASHES)) + "]")
_INVISIBLE = re.compile("[" + "".join(INVISIBLE) + "]")
_LOOKALIKE_SPACES = re.compile("[" + "".join(SPACES) + "]+")
_LIST_DASH = re.compile(r"^([ \t" + "".join(SPACES) + "]*)([" + "".join(DASHES) + r"])[ \t]")
_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SPACE_HINT = (
    "replace it with a plain space: it looks like one, but YAML does not read it as one "
    "(text pasted from a word processor often holds it)"
)

Position = tuple[int, int]  # 0-based line and column, as YAML's marks give them
Spans = list[tuple[Position, Position]]  # where each scalar starts and ends


def named(character: str) -> str:
    """A look-alike character by name and code point: 'a non-breaking space (U+00A0)'."""
    name = _NAMES.get(character, "a character")
    return f"{name} (U+{ord(character):04X})"


def check_lookalikes(path: str, front: str, first_line: int) -> tuple[list[Problem], str]:
    """Problems (F011) for look-alike characters in front matter, and the text to parse: the
    front matter with each misplaced look-alike space or dash read as the plain one it stands
    for, so that the rest of the file is checked as the member meant it."""
    if _SUSPECT.search(front) is None:
        return [], front
    lines = front.split("\n")
    problems = list(_invisible(path, lines, first_line))
    repairs: list[tuple[int, int, str]] = []
    for line, start, end in _misplaced_spaces(front, lines):
        problems.append(_space_problem(path, lines[line], line + first_line, start, end))
        repairs.append((line, start, " " * (end - start)))
    for line, column in _list_dashes(lines):
        problems.append(_dash_problem(path, lines[line][column], line + first_line, column))
        repairs.append((line, column, "-"))
    return sorted(problems, key=Problem.sort_key), _repaired(lines, repairs) if repairs else front


def _repaired(lines: list[str], repairs: list[tuple[int, int, str]]) -> str:
    """The lines with each repair's plain characters in place of the look-alikes."""
    chars = [list(text) for text in lines]
    for line, column, plain in repairs:
        chars[line][column : column + len(plain)] = plain
    return "\n".join("".join(text) for text in chars)


def _invisible(path: str, lines: list[str], first_line: int) -> Iterator[Problem]:
    for number, text in enumerate(lines):
        for found in _INVISIBLE.finditer(text):
            if not _joining(text, found.start()):
                yield problem(
                    "F011",
                    path,
                    number + first_line,
                    found.start() + 1,
                    "",
                    f"{named(found.group())}, an invisible character",
                    "delete it; it shows nothing, but YAML reads it as part of the text",
                )


def _joining(text: str, column: int) -> bool:
    """True for a joiner between two characters of a script or emoji that needs it."""
    if text[column] not in _JOINERS or column == 0 or column + 1 == len(text):
        return False
    before, after = text[column - 1], text[column + 1]
    return not before.isascii() and not after.isascii() and not (before + after).isspace()


def _list_dashes(lines: list[str]) -> Iterator[tuple[int, int]]:
    """Each dash or bullet that starts a line where a list item can (after `key:` or an item):
    (line, column)."""
    previous = ""
    for number, text in enumerate(lines):
        match = _LIST_DASH.match(text)
        if match and (previous.endswith(":") or _item(previous)):
            yield number, match.start(2)
        if text.strip() and not text.lstrip().startswith("#"):
            previous = text.rstrip()


def _dash_problem(path: str, dash: str, line: int, column: int) -> Problem:
    return problem(
        "F011",
        path,
        line,
        column + 1,
        "",
        f"{named(dash)} where a list item needs a plain hyphen (-)",
        "replace it with the plain hyphen-minus (-) on your keyboard",
    )


def _item(text: str) -> bool:
    stripped = text.lstrip(" \t" + "".join(SPACES))
    return stripped[:1] == "-" or (stripped[:1] in DASHES and stripped[1:2] in (" ", "\t"))


def _misplaced_spaces(front: str, lines: list[str]) -> Iterator[tuple[int, int, int]]:
    """Each run of look-alike spaces where YAML needs plain ones: (line, start, end)."""
    runs = [
        (number, match.start(), match.end())
        for number, text in enumerate(lines)
        for match in _LOOKALIKE_SPACES.finditer(text)
    ]
    if not runs:
        return
    spans = _scalar_spans(_LOOKALIKE_SPACES.sub(lambda run: " " * len(run.group()), front))
    for line, start, end in runs:
        if _needs_plain(spans, lines[line], line, start, end):
            yield line, start, end


def _needs_plain(spans: Spans | None, text: str, line: int, start: int, end: int) -> bool:
    """True if YAML needs plain spaces where the run start..end of a line is."""
    if not text[:start].strip(" \t"):  # indentation is never text
        return True
    if spans is None:
        return not _between_words(text, start, end)
    outside = not _inside(spans, (line, start), (line, end))
    return outside and not _in_comment(spans, text, line, start)


def _scalar_spans(text: str) -> Spans | None:
    """Where each scalar of a YAML text starts and ends; None if the text is not YAML."""
    spans: Spans = []
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.ScalarEvent):
                start, end = event.start_mark, event.end_mark
                assert start is not None and end is not None, "both parsers mark events"
                spans.append(((start.line, start.column), (end.line, end.column)))
    except yaml.YAMLError:
        return None
    return spans


def _inside(spans: Spans, first: Position, end: Position) -> bool:
    """True if first..end lies within a scalar's text, with some of it on each side."""
    return any(start < first and end < stop for start, stop in spans)


def _in_comment(spans: Spans, text: str, line: int, at: int) -> bool:
    """True if column `at` follows a `#` that starts a comment (one outside every scalar)."""
    for column, character in enumerate(text[:at]):
        starts = character == "#" and (column == 0 or text[column - 1] in " \t")
        if starts and not _inside(spans, (line, column), (line, column + 1)):
            return True
    return False


def _between_words(text: str, start: int, end: int) -> bool:
    """When the YAML cannot be read anyway: a run between two characters of text is text."""
    before, after = text[start - 1], text[end : end + 1]
    return bool(after) and not after.isspace() and after != "#" and before not in ":-,[{ \t"


def _space_problem(path: str, text: str, line: int, start: int, end: int) -> Problem:
    run = text[start:end]
    name = named(run[0])
    if len(run) > 1:
        name = f"{name} and {len(run) - 1} more look-alike space" + ("s" if len(run) > 2 else "")
    return problem(
        "F011",
        path,
        line,
        start + 1,
        "",
        f"{name} {_where(text, start, end)}, where YAML needs a plain space",
        _SPACE_HINT,
    )


def _where(text: str, start: int, end: int) -> str:
    """Where a run of look-alike spaces is on its line, in words."""
    before = text[:start].rstrip(" \t")
    if not before:
        return "in the indentation"
    if not text[end:].strip(" \t"):
        return "at the end of the line"
    if before.endswith(":"):
        key = before.lstrip(" \t-").rstrip(":")
        return f"after '{key}:'" if key and ":" not in key else "after a colon"
    if before.endswith("-"):
        return "after a list's '-'"
    if before.endswith(","):
        return "after a comma"
    if text[end:].lstrip(" \t").startswith("#"):
        return "before the comment"
    return "between the value and what follows it"
