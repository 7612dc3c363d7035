"""Parse one journal file's text into front-matter nodes and a body, pinned to file positions.

Pure functions: bytes in, a `Document` out: decoded, checked for invisible characters, split
at the front matter's fences, and the front matter parsed (see `front_matter`).
"""

from __future__ import annotations

import re
import unicodedata

from msgspec import Struct

from ..model import Problem
from .codes import problem
from .front_matter import Node, Scalar, parse_front_matter
from .lookalikes import check_lookalikes

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\x7f-\x9f]")
# Every byte but the C0 controls (tab and line endings excepted) and DEL: deleting these from
# a file leaves only its control bytes, a check much faster than a regular expression.
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if (b >= 32 and b != 127) or b in b"\t\n")
# The invisible controls of bidirectional text (marks, embeddings, overrides, isolates): in a
# title or any other field, one can make what a reader sees differ from what is written.
# Reflections may need them for right-to-left languages, where a paragraph bounds their effect.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_OPENING = re.compile(r"---[ \t]*(?:\n|$)")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


class Document(Struct, frozen=True):
    """A parsed journal file. `fields` is None when the front matter could not be read."""

    path: str
    fields: dict[str, tuple[Scalar, Node]] | None
    body: str
    body_line: int
    problems: tuple[Problem, ...] = ()


def position(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of a character offset."""
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def decode(path: str, data: bytes) -> tuple[str | None, list[Problem]]:
    """Decode UTF-8 (a byte-order mark is accepted) and normalise line endings."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        line_start = data.rfind(b"\n", 0, err.start) + 1
        column = len(data[line_start : err.start].decode("utf-8", errors="replace")) + 1
        bad = data[err.start : err.start + 1].hex()
        return None, [
            problem(
                "F001",
                path,
                line,
                column,
                "",
                f"not valid UTF-8 (byte 0x{bad})",
                "save the file with the UTF-8 encoding in your editor",
            )
        ]
    text = text.replace("\r\n", "\n")
    # C1 controls are U+0080 to U+009F, which UTF-8 writes as 0xC2 then a second byte.
    controls = data.translate(None, _NOT_CONTROL_BYTES)
    if not controls.replace(b"\r", b"") and "\r" not in text and b"\xc2" not in data:
        return text, []
    return _strip_controls(path, text)


def _strip_controls(path: str, text: str) -> tuple[str, list[Problem]]:
    """Report control characters and blank them out, so the rest can still be checked."""
    first = _CONTROL.search(text)
    if first is None:
        return text, []
    count = len(_CONTROL.findall(text))
    line, column = position(text, first.start())
    more = f" (and {count - 1} more)" if count > 1 else ""
    found = problem(
        "F002",
        path,
        line,
        column,
        "",
        f"control character U+{ord(first.group()):04X}{more}",
        "delete it; it is invisible in most editors and breaks YAML and HTML",
    )
    return _CONTROL.sub(" ", text), [found]


def split_front_matter(path: str, text: str) -> tuple[str, int, str, int] | Problem:
    """Split text into (front matter, its first line, body, its first line)."""
    opening = _OPENING.match(text)
    if opening is None:
        return problem(
            "F004",
            path,
            1,
            1,
            "",
            "no front matter: the file must start with a line '---'",
            "start the file with '---', the fields (title, date, ...), then '---'",
        )
    closing = _CLOSING.search(text, opening.end())
    if closing is None:
        return problem(
            "F005",
            path,
            1,
            1,
            "",
            "front matter is not closed",
            "add a line '---' after the last field, before the reflection",
        )
    if closing.group().startswith("."):
        # YAML's own end marker: python-frontmatter and other tools read only '---'.
        return problem(
            "F005",
            path,
            position(text, closing.start())[0],
            1,
            "",
            "front matter is closed by '...', which other front-matter tools do not read",
            "write '---' on this line instead",
        )
    front = text[opening.end() : closing.start()]
    body_start = closing.end() + 1 if closing.end() < len(text) else len(text)
    body_line = position(text, closing.start())[0] + 1
    return front, 2, text[body_start:], body_line


def reflection_of(path: str, data: bytes) -> tuple[str, int]:
    """The body of a file and its first line, as `parse_document` finds them, without
    parsing the front matter."""
    _, _, body, body_line, _ = _split(path, data)
    return body, body_line


def parse_document(path: str, data: bytes) -> Document:
    """Decode, split and parse one journal file, collecting every problem found."""
    front, front_line, body, body_line, problems = _split(path, data)
    if front is None:
        return Document(path, None, body, body_line, problems)
    lookalikes, readable = check_lookalikes(path, front, front_line)
    fields, yaml_problems = parse_front_matter(path, readable, front_line)
    bidi = _bidi_controls(path, front, front_line)
    return Document(path, fields, body, body_line, (*problems, *bidi, *lookalikes, *yaml_problems))


def _bidi_controls(path: str, front: str, first_line: int) -> list[Problem]:
    """The first bidirectional control in the front matter, as a problem (counting the rest)."""
    first = _BIDI.search(front)
    if first is None:
        return []
    count = len(_BIDI.findall(front))
    line, column = position(front, first.start())
    character = first.group()
    more = f" (and {count - 1} more)" if count > 1 else ""
    return [
        problem(
            "F010",
            path,
            first_line + line - 1,
            column,
            "",
            f"bidirectional control character U+{ord(character):04X} "
            f"{unicodedata.name(character)}{more}",
            "delete it; it is invisible and changes the order in which the text around it is shown",
        )
    ]


def _split(path: str, data: bytes) -> tuple[str | None, int, str, int, tuple[Problem, ...]]:
    """Decode and split a file: (front matter or None, its first line, body, its first line,
    the problems found)."""
    text, problems = decode(path, data)
    if text is None:
        return None, 1, "", 1, tuple(problems)
    split = split_front_matter(path, text)
    if isinstance(split, Problem):
        return None, 1, text, 1, (*problems, split)
    front, front_line, body, body_line = split
    return front, front_line, body, body_line, tuple(problems)
