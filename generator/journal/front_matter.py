"""Parse front-matter YAML into nodes pinned to the file's lines and columns.

The YAML is read event by event, so anchors, aliases and tags are refused before anything is
built from them (no alias can expand, no tag can construct an object), duplicate keys are
seen, and every node keeps the line and column of the file it came from.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import yaml

from ..model import Problem
from .codes import problem
from .lookalikes import CURLY_CLOSERS
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


# The nodes are named tuples, cheap to make: a check makes some twenty for each file.
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
        return _unclosed(path, front, first_line, err.context_mark)
    source_lines = front.split("\n")
    if mark and mark.line < len(source_lines) and "\t" in source_lines[mark.line]:
        what = "a tab character (YAML does not allow tabs for indentation)"
        hint = "indent with spaces, not tabs"
    return problem("F006", path, line, column, "", f"front matter is not valid YAML: {what}", hint)


def _unclosed(path: str, front: str, first_line: int, mark: yaml.Mark) -> Problem:
    """A quoted value never closed; when its line ends in a curly quote, that quote is why."""
    text = front.split("\n")[mark.line].rstrip()
    opening = text[mark.column : mark.column + 1]
    if len(text) > mark.column + 1 and text[-1] in CURLY_CLOSERS.get(opening, ""):
        fixed = text[: mark.column].lstrip() + opening + text[mark.column + 1 : -1] + opening
        return problem(
            "F011",
            path,
            first_line + mark.line,
            len(text),
            "",
            f"the value opens with a straight quote {opening} and closes with a curly "
            f"{text[-1]}, so YAML reads on, looking for a straight one",
            f"use straight quotes at both ends: {fixed}",
        )
    return problem(
        "F006",
        path,
        first_line + mark.line,
        mark.column + 1,
        "",
        "front matter is not valid YAML: this quoted value is never closed",
        "add the closing quote at the end of the value",
    )


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
