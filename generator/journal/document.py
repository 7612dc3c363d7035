"""Parse one journal file's text into front-matter nodes and a body, pinned to file positions.

Pure functions: bytes in, a `Document` out. The YAML is read event by event, so anchors,
aliases and tags are refused before anything is built from them (no alias can expand, no tag
can construct an object), duplicate keys are seen, and every node keeps the line and column
of the file it came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

import yaml

from ..model import Problem
from .codes import problem
from .schema import RESERVED_KEYS

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The YAML parser that reads front matter: the wording and places of its errors are its own.
YAML_PARSER = f"PyYAML {yaml.__version__} ({_Loader.__name__}" + (
    f", libyaml {yaml._yaml.get_version_string()})" if yaml.__with_libyaml__ else ")"
)
_TAG_PREFIX = "tag:yaml.org,2002:"
_NO_TAG = (None, "!")  # "!" is the non-specific tag a quoted scalar carries
_QUOTES = ("'", '"')
# PyYAML's own YAML 1.1 rules for plain scalars (what other tools will read), by first letter.
_IMPLICIT: dict[str, list[tuple[str, re.Pattern[str]]]] = {
    first: [(tag.removeprefix(_TAG_PREFIX), pattern) for tag, pattern in rules]
    for first, rules in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}

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


# The nodes are named tuples, not dataclasses: a check makes some twenty for each file, and a
# named tuple is made three times faster than a frozen dataclass.
class Scalar(NamedTuple):
    """A YAML scalar: its text, what YAML 1.1 reads it as, and where it is."""

    text: str
    tag: str
    quoted: bool
    line: int
    column: int
    refused: bool = False


class Sequence(NamedTuple):
    items: tuple[Node, ...]
    line: int
    column: int
    refused: bool = False


class Mapping(NamedTuple):
    pairs: tuple[tuple[Scalar, Node], ...]
    line: int
    column: int
    refused: bool = False


Node = Scalar | Sequence | Mapping


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed journal file. `fields` is None when the front matter could not be read."""

    path: str
    fields: dict[str, tuple[Scalar, Node]] | None
    body: str
    body_line: int
    problems: tuple[Problem, ...] = field(default=())


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
    fields, yaml_problems = parse_front_matter(path, front, front_line)
    bidi = _bidi_controls(path, front, front_line)
    return Document(path, fields, body, body_line, (*problems, *bidi, *yaml_problems))


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


def parse_front_matter(
    path: str, front: str, first_line: int
) -> tuple[dict[str, tuple[Scalar, Node]] | None, list[Problem]]:
    """Parse front-matter YAML into a mapping of key -> (key node, value node)."""
    builder = _TreeBuilder(path, first_line)
    try:
        root = builder.build(front)
    except yaml.MarkedYAMLError as err:
        return None, [*builder.problems, _syntax_problem(path, front, first_line, err)]
    except yaml.YAMLError as err:
        return None, [
            *builder.problems,
            problem(
                "F006",
                path,
                first_line,
                1,
                "",
                f"front matter is not valid YAML: {err}",
                "check the front matter for characters YAML cannot read",
            ),
        ]
    if root is None:
        return None, [
            *builder.problems,
            problem(
                "F007",
                path,
                first_line - 1,
                1,
                "",
                "front matter is empty",
                "add the fields between the '---' lines, e.g. title: ...",
            ),
        ]
    if not isinstance(root, Mapping):
        return None, [
            *builder.problems,
            problem(
                "F007",
                path,
                root.line,
                root.column,
                "",
                "front matter must be 'key: value' lines",
                "write one field a line, e.g. title: My activity",
            ),
        ]
    return _fields_of(path, root, builder.problems), builder.problems


def _fields_of(path: str, root: Mapping, problems: list[Problem]) -> dict[str, tuple[Scalar, Node]]:
    """Index the top-level mapping by key, reporting hazardous and duplicate keys."""
    fields: dict[str, tuple[Scalar, Node]] = {}
    for key, value in root.pairs:
        if key.tag != "str":
            problems.append(
                problem(
                    "Y004",
                    path,
                    key.line,
                    key.column,
                    key.text,
                    f"key '{key.text}' is read by YAML as {describe(key)}, not as a field name",
                    f'put it in quotes ("{key.text}": ...) or use a field name',
                )
            )
            continue
        if key.text in RESERVED_KEYS:
            problems.append(
                problem(
                    "Y005",
                    path,
                    key.line,
                    key.column,
                    key.text,
                    f"'{key.text}' is a reserved name that front-matter tools use for themselves",
                    "rename it (e.g. 'notes') or move it into the body",
                )
            )
            continue
        if key.text in fields:
            first = fields[key.text][0]
            problems.append(
                problem(
                    "Y003",
                    path,
                    key.line,
                    key.column,
                    key.text,
                    f"'{key.text}' is given twice; first on line {first.line}",
                    "keep only one of them",
                )
            )
            continue
        fields[key.text] = (key, value)
    return fields


def _syntax_problem(path: str, front: str, first_line: int, err: yaml.MarkedYAMLError) -> Problem:
    mark = err.problem_mark or err.context_mark
    line = first_line + mark.line if mark else first_line
    column = mark.column + 1 if mark else 1
    what = err.problem or "unreadable YAML"
    hint = (
        "check indentation and put quotes around values that contain ': ' or start with "
        "a special character (@ ` | > ! % & *)"
    )
    if err.context_mark is not None and "quoted scalar" in (err.context or ""):
        mark = err.context_mark
        return problem(
            "F006",
            path,
            first_line + mark.line,
            mark.column + 1,
            "",
            "front matter is not valid YAML: this quoted value is never closed",
            "add the closing quote at the end of the value",
        )
    source_lines = front.split("\n")
    if mark and mark.line < len(source_lines) and "\t" in source_lines[mark.line]:
        what = "a tab character (YAML does not allow tabs for indentation)"
        hint = "indent with spaces, not tabs"
    return problem("F006", path, line, column, "", f"front matter is not valid YAML: {what}", hint)


def resolve_plain(text: str) -> str:
    """What YAML 1.1 reads an unquoted scalar as: 'str', 'int', 'bool', 'timestamp', ..."""
    for tag, pattern in _IMPLICIT.get(text[:1], ()):
        if pattern.match(text):
            return tag
    return "str"


def describe(scalar: Scalar) -> str:
    """What YAML makes of a scalar, in words a member understands."""
    if scalar.tag == "bool":
        truth = "true" if scalar.text.lower() in ("yes", "true", "on", "y") else "false"
        return f"{truth} (yes/no)"
    if scalar.tag == "timestamp" and len(scalar.text) > 10:
        return "a date and time"
    return {
        "int": "a whole number",
        "float": "a number",
        "null": "empty (null)",
        "timestamp": "a date",
        "str": "text",
        "merge": "a merge key",
        "value": "a value key",
    }.get(scalar.tag, scalar.tag)


class _TreeBuilder:
    """Builds nodes from YAML events, refusing anchors, aliases and tags as they come."""

    def __init__(self, path: str, first_line: int) -> None:
        self.path = path
        self.first_line = first_line
        self.problems: list[Problem] = []

    def build(self, text: str) -> Node | None:
        """The root node of a YAML text: None if it holds none."""
        # The hot loop of a check: it takes the parser's events itself, handles scalars
        # inline and the rarer events by methods, and binds what it uses to local names.
        scalar_event, start_event = yaml.ScalarEvent, yaml.CollectionStartEvent
        end_event, alias_event = yaml.CollectionEndEvent, yaml.AliasEvent
        no_tag, quotes, resolve, first_line = _NO_TAG, _QUOTES, resolve_plain, self.first_line
        stack: list[tuple[yaml.CollectionStartEvent, list[Node]]] = []
        root: Node | None = None
        loader = _Loader(text)
        try:
            get_event = loader.get_event
            while (event := get_event()) is not None:
                node: Node
                if isinstance(event, scalar_event):
                    refused = (
                        event.anchor is not None or event.tag not in no_tag
                    ) and self._refuse_extras(event)
                    value, mark = event.value, event.start_mark
                    node = Scalar(
                        value,
                        resolve(value) if event.implicit[0] else "str",
                        event.style in quotes,
                        first_line + mark.line,  # type: ignore[union-attr]
                        mark.column + 1,  # type: ignore[union-attr]
                        refused,
                    )
                elif isinstance(event, start_event):
                    stack.append((event, []))
                    continue
                elif isinstance(event, end_event):
                    start, children = stack.pop()
                    node = self._collection(start, children, self._refuse_extras(start))
                elif isinstance(event, alias_event):
                    self._refuse_alias(event)
                    node = Scalar("", "null", False, *self._where(event), refused=True)
                else:
                    continue
                if stack:
                    stack[-1][1].append(node)
                elif root is None:
                    root = node
        finally:
            loader.dispose()
        return root

    def _where(self, event: yaml.Event) -> tuple[int, int]:
        mark = event.start_mark
        if mark is None:  # pragma: no cover - both parsers always mark events
            return self.first_line, 1
        return self.first_line + mark.line, mark.column + 1

    def _collection(
        self, start: yaml.CollectionStartEvent, children: list[Node], refused: bool
    ) -> Node:
        line, column = self._where(start)
        refused = refused or any(child.refused for child in children)
        if isinstance(start, yaml.SequenceStartEvent):
            return Sequence(tuple(children), line, column, refused)
        pairs: list[tuple[Scalar, Node]] = []
        for key, value in zip(children[::2], children[1::2], strict=True):
            if not isinstance(key, Scalar):
                self.problems.append(
                    problem(
                        "F007",
                        self.path,
                        key.line,
                        key.column,
                        "",
                        "a key must be a plain name, not a list or mapping",
                        "write one field a line, e.g. title: My activity",
                    )
                )
                continue
            pairs.append((key, value))
        return Mapping(tuple(pairs), line, column, refused)

    def _refuse_alias(self, event: yaml.AliasEvent) -> None:
        line, column = self._where(event)
        self.problems.append(
            problem(
                "Y002",
                self.path,
                line,
                column,
                "",
                f"YAML alias '*{event.anchor}' is not allowed",
                "write the value out in full",
            )
        )

    def _refuse_extras(self, event: yaml.NodeEvent) -> bool:
        """Report an anchor or tag on a node; True if there was one."""
        if event.anchor is None and getattr(event, "tag", None) in _NO_TAG:
            return False
        line, column = self._where(event)
        refused = False
        if event.anchor is not None:
            self.problems.append(
                problem(
                    "Y002",
                    self.path,
                    line,
                    column,
                    "",
                    f"YAML anchor '&{event.anchor}' is not allowed",
                    "remove the anchor and write each value out in full",
                )
            )
            refused = True
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!":
            shown = tag.replace(_TAG_PREFIX, "!!")
            self.problems.append(
                problem(
                    "Y001",
                    self.path,
                    line,
                    column,
                    "",
                    f"YAML tag '{shown}' is not allowed",
                    "remove the tag; write plain values (text, numbers, dates, lists)",
                )
            )
            refused = True
        return refused
