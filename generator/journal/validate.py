"""Turn parsed documents into entries, goals and reviews, reporting every problem on the way.

Pure: the filesystem is reached only through the `probe` function the caller passes in.
Each front-matter value is checked by the kind its field declares in `schema`.
"""

from __future__ import annotations

import functools
import math
import operator
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from ..model import OTHER_ACTIVITY, Activity, Config, Entry, Goal, Problem, Review
from ..suggest import did_you_mean
from .codes import problem
from .document import Document, Node, Scalar, Sequence, describe
from .markdown import dropped_line
from .schema import (
    CHOICE,
    DATE,
    ENTRY,
    FLAG,
    GOAL,
    HOURS,
    ID,
    ID_LIST,
    MAX_HOURS,
    PATH_LIST,
    REVIEW,
    TEXT,
    TEXT_LIST,
    Field,
    Schema,
    unsupported_date,
)

EvidenceProbe = Callable[[str], str]
"""Given a project-relative path, says 'ok' or one of the keys of _EVIDENCE_PROBLEMS."""
FutureProbe = Callable[[date], bool]
"""Whether a date is after today."""

_PLAIN_HOURS = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_SEXAGESIMAL = re.compile(r"[-+]?\d+(?::[0-5]?\d)+(?:\.\d*)?")
_DATE_ONLY = re.compile(r"(\d{4})-(\d\d?)-(\d\d?)")
_APPLIED = re.compile(
    r"\b(?:appl(?:y|ies|ied|ying)|put (?:it|this|that|them) into practice|"
    r"used (?:it|this|that|them)|in practice)\b", re.IGNORECASE)
_APPLIED_WORDS = ("appl", "into practice", "used ", "in practice")
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
# A line break and the heading after it (not ^ and MULTILINE: see `markdown._DEEP_LATER_LINE`).
_LATER_HEADING = re.compile(r"\n {0,3}#{1,6}(?:[ \t]|$)", re.MULTILINE)
_TEXT_LINE = re.compile(r"^(?! {0,3}#{1,6}(?:[ \t]|$))[ \t]*\S", re.MULTILINE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# The YAML 1.1 words for true: a flag is true for these and false for its other words.
_TRUE = ("true", "yes", "on", "y")


@dataclass(frozen=True, slots=True)
class Context:
    """What checking an entry needs beyond the entry itself."""

    config: Config
    catalogue: Mapping[str, Activity]
    goal_ids: frozenset[str]
    # The two questions a check asks of the world beyond the journal's text, asked through
    # functions so that a kept check can note them and their answers (see `kept`).
    after_today: FutureProbe
    probe: EvidenceProbe
    bodies: bool = True  # False: entries come without their reflections, as a check needs


def after(today: date) -> FutureProbe:
    """The question whether a date is after `today`."""
    return functools.partial(operator.lt, today)


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=65536)  # pure, and asked for every file at every check
def slugify(name: str) -> str:
    """A page name from a file name: lower-case ASCII letters, digits and hyphens."""
    folded = name if name.isascii() else \
        unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", folded.lower()).strip("-")


def stem_of(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name else name


class _Fields:
    """Converts a document's front matter by a schema, collecting problems."""

    def __init__(self, doc: Document, schema: Schema) -> None:
        self.doc = doc
        self.schema = schema
        self.problems: list[Problem] = []
        self.values: dict[str, Any] = {}
        self.fields = doc.fields or {}
        self._check_unknown()
        for field in schema.fields:
            self.values[field.name] = self._convert(field)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def ok(self, *names: str) -> bool:
        return all(self.values[name] is not None for name in names)

    def line_of(self, name: str) -> tuple[int, int]:
        if name in self.fields:
            node = self.fields[name][1]
            return node.line, node.column
        return self.doc.body_line - 1, 1

    def report(self, code: str, name: str, message: str, hint: str = "",
               at: Node | None = None) -> None:
        line, column = (at.line, at.column) if at is not None else self.line_of(name)
        self.problems.append(problem(code, self.doc.path, line, column, name, message, hint))

    def _check_unknown(self) -> None:
        for name, (key, _) in self.fields.items():
            if self.schema.field(name) is None:
                known = ", ".join(self.schema.names())
                self.problems.append(problem(
                    "W001", self.doc.path, key.line, key.column, name,
                    f"unknown field '{name}' is ignored",
                    did_you_mean(name, self.schema.names(), f"the {self.schema.name} fields "
                                                            f"are: {known}")))

    def _convert(self, field: Field) -> Any:
        if field.name not in self.fields:
            if field.required:
                self.report("V001", field.name, f"'{field.name}' is required",
                            f"add the line: {field.example_line()}")
            return None
        node = self.fields[field.name][1]
        if node.refused:  # an anchor, alias or tag: already reported, nothing to read
            return None
        if field.kind is TEXT_LIST or field.kind is ID_LIST or field.kind is PATH_LIST:
            return self._list(field, node)
        if not isinstance(node, Scalar):
            kind = "a list" if isinstance(node, Sequence) else "a mapping"
            return self.report("V002", field.name, f"expected {field.expected()}, got {kind}",
                               f"write: {field.example_line()}")
        if node.tag == "null" and not field.required and field.kind is not FLAG:
            return None  # an empty flag is an error: `private:` must not pass for public
        return self._scalar(field, node)

    def _scalar(self, field: Field, node: Scalar) -> Any:
        kind = field.kind
        if kind is TEXT or kind is ID:
            return self._text(field, node)
        if kind is DATE:
            return self._date(field, node)
        if kind is HOURS:
            return self._hours(field, node)
        if kind is FLAG:
            return self._flag(field, node)
        assert kind is CHOICE, f"no converter for {kind.name}"
        return self._choice(field, node)

    def _wrong(self, field: Field, node: Scalar, hint: str = "", code: str = "V002") -> None:
        if node.tag == "null":
            got = "nothing"
        elif node.quoted:
            got = f'the text "{node.text}"'
        elif node.tag == "str":
            got = f"'{node.text}'"
        else:
            got = f"{node.text}, which YAML reads as {describe(node)}"
        self.report(code, field.name, f"expected {field.expected()}, got {got}",
                    hint or f"write: {field.example_line()}", at=node)

    def _text(self, field: Field, node: Scalar) -> str | None:
        if node.tag == "str" and node.text.strip():
            return node.text.strip()
        if node.tag == "str" or node.tag == "null":
            return self._wrong(field, node)
        return self._wrong(field, node, f'put it in quotes: {field.name}: "{node.text}"')

    def _date(self, field: Field, node: Scalar) -> date | None:
        match = _DATE_ONLY.fullmatch(node.text)
        if node.tag == "timestamp" and match is None:
            return self._wrong(field, node, f"write only the date: {field.example_line()}",
                               code="V003")
        if match is None or (node.quoted and len(node.text) != 10):
            return self._wrong(field, node, code="V003")
        try:
            day = date(*(int(part) for part in match.groups()))
        except ValueError as err:
            return self.report("V003", field.name,
                               f"{node.text} is not a real date ({err})",
                               "check the month (1-12) and the day of the month", at=node)
        unsupported = unsupported_date(day, node.text)
        if unsupported is not None:
            return self.report("V003", field.name, unsupported, "check the year", at=node)
        return day

    def _hours(self, field: Field, node: Scalar) -> Decimal | None:
        text = node.text.strip()
        hint = f"write the time as a decimal number of hours: {field.example_line()}"
        if node.quoted or node.tag not in ("int", "float", "str"):
            return self._wrong(field, node, hint if node.tag != "str" else
                               f"remove the quotes: {field.name}: {text}", code="V004")
        if _SEXAGESIMAL.fullmatch(text):
            return self.report(
                "V004", field.name,
                f"{text} is read by YAML as a base-60 number, not as hours and minutes",
                "write the time as a decimal number of hours (2:30 is 2.5)", at=node)
        if text.lstrip("+-").lower() in (".nan", ".inf"):
            return self.report("V004", field.name, f"{text} is not a finite number", hint,
                               at=node)
        if text.startswith("-") or text.startswith("+"):
            sign = "negative" if text.startswith("-") else "signed"
            return self.report("V004", field.name, f"hours cannot be {sign} ({text})",
                               "write the time spent as a number more than 0", at=node)
        if not _PLAIN_HOURS.fullmatch(text):
            return self._hours_notation(field, node, hint)
        try:
            hours = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            return self._wrong(field, node, hint, code="V004")
        if hours <= 0 or hours > MAX_HOURS:
            return self.report(
                "V004", field.name,
                f"hours must be more than 0 and at most {MAX_HOURS}, got {text}",
                "record each activity as its own entry" if hours else hint, at=node)
        return hours

    def _hours_notation(self, field: Field, node: Scalar, hint: str) -> None:
        try:
            value = float(node.text)
        except ValueError:
            return self._wrong(field, node, hint, code="V004")
        if not math.isfinite(value):
            return self.report("V004", field.name,
                               f"{node.text} is too large to be a finite number", hint, at=node)
        return self.report("V004", field.name,
                           f"{node.text} is in scientific notation", hint, at=node)

    def _flag(self, field: Field, node: Scalar) -> bool | None:
        if node.tag == "bool":
            return node.text.lower() in _TRUE
        return self._wrong(field, node, f"write {field.name}: true or {field.name}: false")

    def _choice(self, field: Field, node: Scalar) -> str | None:
        if node.tag == "str" and node.text in field.choices:
            return node.text
        return self._wrong(field, node, did_you_mean(node.text, field.choices,
                                                     f"write: {field.example_line()}"),
                           code="V005")

    def _list(self, field: Field, node: Node) -> tuple[Scalar, ...] | None:
        if isinstance(node, Scalar) and node.tag == "null":
            return ()
        if not isinstance(node, Sequence):
            return self.report("V002", field.name, f"expected {field.expected()}",
                               f"write it in square brackets: {field.example_line()}")
        items: list[Scalar] = []
        for item in node.items:
            if isinstance(item, Scalar) and item.tag == "str" and item.text.strip():
                items.append(item)
            elif isinstance(item, Scalar):
                self._wrong(field, item, f'put it in quotes: "{item.text}"')
            else:
                self.report("V002", field.name, f"expected {field.expected()}, got a nested "
                            "list or mapping", f"write: {field.example_line()}", at=item)
        return tuple(items)


def validate_entry(doc: Document, ctx: Context) -> tuple[Entry | None, list[Problem]]:
    """An entry from its document, with every problem of its fields and body."""
    if doc.fields is None:
        return None, []
    values = _Fields(doc, ENTRY)
    category = _entry_category(values, ctx)
    _check_future(values, ctx)
    goals = _ids(values, "goals", ctx.goal_ids, "goal")
    evidence = _evidence(values, "evidence", doc.path, ctx.probe)
    private_evidence = _evidence(values, "private_evidence", doc.path, ctx.probe)
    _check_body(values, doc)
    if values.ok("title", "date", "activity", "hours") and category and not any(
            p.severity == "error" for p in values.problems):
        _check_points(values, ctx)
        entry = Entry(
            path=doc.path, slug=slugify(stem_of(doc.path)), title=values["title"],
            date=values["date"], activity=values["activity"], category=category,
            hours=values["hours"], goals=goals, skills=_texts(values["skills"]),
            tags=_texts(values["tags"]), evidence=evidence,
            private_evidence=private_evidence,
            status=values["status"] or "done", private=not marked_public(doc),
            body=doc.body if ctx.bodies else "", body_line=doc.body_line)
        return entry, values.problems
    return None, values.problems


def _entry_category(values: _Fields, ctx: Context) -> str | None:
    activity_id, category = values["activity"], values["category"]
    if activity_id is None:
        return None
    if activity_id == OTHER_ACTIVITY:
        given = values.fields.get("category")
        empty = given is None or (isinstance(given[1], Scalar) and given[1].tag == "null")
        if category is None and empty:
            values.report("V008", "category", "a custom activity needs a category",
                          "add the line: category: on-the-job (or relationships, formal)")
        return category  # type: ignore[no-any-return]
    activity = ctx.catalogue.get(activity_id)
    if activity is None:
        values.report("V007", "activity", f"unknown activity '{activity_id}'",
                      did_you_mean(activity_id, ctx.catalogue,
                                   f"run 'pdp catalogue' for the ids, or write activity: "
                                   f"{OTHER_ACTIVITY} with a category"))
        return None
    if category is not None and category != activity.category:
        values.report("V008", "category",
                      f"'{activity_id}' is a {activity.category} activity in the catalogue, "
                      f"not {category}",
                      f"remove the category line, or use activity: {OTHER_ACTIVITY}")
    return activity.category


def _check_future(values: _Fields, ctx: Context) -> None:
    when, status = values["date"], values["status"] or "done"
    if when is not None and status == "done" and ctx.after_today(when):
        values.report("V006", "date",
                      f"a done entry cannot be dated in the future ({when.isoformat()})",
                      "fix the date, or mark it as planned: status: planned")


def _ids(values: _Fields, name: str, known: frozenset[str], what: str) -> tuple[str, ...]:
    ids: list[str] = []
    for item in values[name] or ():
        if item.text in known:
            ids.append(item.text)
        else:
            hint = did_you_mean(item.text, known, f"the {what}s are the file names in "
                                                  f"journal/{what}s/")
            values.report("V009", name, f"unknown {what} '{item.text}'", hint, at=item)
    return tuple(ids)


def _evidence(values: _Fields, name: str, path: str, probe: EvidenceProbe
              ) -> tuple[str, ...]:
    folder = path.rsplit("/", 1)[0] if "/" in path else ""
    found: list[str] = []
    for item in values[name] or ():
        target = resolve_relative(folder, item.text)
        status = "outside" if target is None else probe(target)
        if status == "ok" and target is not None:
            found.append(target)
            continue
        message, hint = _EVIDENCE_PROBLEMS.get(status, _EVIDENCE_PROBLEMS["outside"])
        values.report("V010", name, message.format(item.text), hint, at=item)
    return tuple(found)


_KEEP_EVIDENCE = ("keep evidence files in the journal, beside the entry, and give the path "
                  "relative to it")
_EVIDENCE_PROBLEMS = {  # by the evidence probe's status: the message and the hint
    "missing": ("evidence file '{}' does not exist", _KEEP_EVIDENCE),
    "directory": ("evidence '{}' is a folder, not a file", _KEEP_EVIDENCE),
    "loop": ("evidence '{}' is a link in a loop of links that never reaches a file",
             "replace the link with the file itself"),
    "outside": ("evidence '{}' is outside the journal", _KEEP_EVIDENCE),
    "unreadable": ("evidence '{}' cannot be reached", "check the permissions of its folders"),
    "no name": ("evidence '{}' holds a null character, which no file name can",
                "remove it from the path"),
    "not regular": ("evidence '{}' is not a regular file (it is a named pipe, socket or "
                    "device)", "replace it with the file itself"),
    "journal file": ("evidence '{}' is a journal file (an entry, goal or review), which is "
                     "never evidence: it would be published whole, front matter and private "
                     "sections too",
                     "link to it from the reflection instead: a link to an entry's or goal's "
                     ".md file leads to its page"),
}


def resolve_relative(folder: str, reference: str) -> str | None:
    """A project-relative path for a reference from `folder`, or None if it leaves it."""
    if reference.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", reference):
        return None
    parts = [part for part in folder.split("/") if part]
    for part in reference.replace("\\", "/").split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if len(parts) <= 1:  # never above the journal folder
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


def _check_nesting(values: _Fields, doc: Document) -> None:
    line = dropped_line(doc.body)
    if line is not None:
        values.problems.append(problem(
            "V013", doc.path, doc.body_line + line, 1, "body",
            "content here is nested too deeply and would be dropped from the page",
            "use fewer levels of quotes or lists"))


def marked_public(doc: Document) -> bool:
    """Whether a file's front matter can be read and leaves `private` out or false. Anything
    else (a value that cannot be read, which is an error already) fails closed: the file is
    taken as private, whether or not it validates."""
    if doc.fields is None:
        return False
    if "private" not in doc.fields:
        return True
    value = doc.fields["private"][1]
    return isinstance(value, Scalar) and value.tag == "bool" and not value.refused \
        and value.text.lower() not in _TRUE


def _check_body(values: _Fields, doc: Document) -> None:
    _check_nesting(values, doc)
    if (values["status"] or "done") != "done":
        return
    reflection = _COMMENT.sub("", doc.body) if "<!--" in doc.body else doc.body
    if _TEXT_LINE.search(reflection) is None:
        values.problems.append(problem(
            "W002", doc.path, doc.body_line, 1, "body", "no reflection yet",
            "write what you did, what you learned and how you applied it"))
    elif not says_how_applied(reflection):
        values.problems.append(problem(
            "W003", doc.path, doc.body_line, 1, "body",
            "the reflection does not say how you applied the learning",
            "add a section '## How I applied it'"))


def says_how_applied(body: str) -> bool:
    """True when some text, or a section under a heading, says how the learning was applied."""
    lowered = body.lower()
    # Substring scans first: they are far cheaper than the regular expression on every line.
    for word in _APPLIED_WORDS:
        start = lowered.find(word)
        while start != -1:
            line_start = lowered.rfind("\n", 0, start) + 1
            line_end = lowered.find("\n", start)
            line_end = len(body) if line_end == -1 else line_end
            line = body[line_start:line_end]
            if _APPLIED.search(line) and (not _HEADING.match(line)
                                          or _section_has_text(body, line_end)):
                return True
            start = lowered.find(word, line_end)
    return False


def _section_has_text(body: str, heading_end: int) -> bool:
    """Whether the section after a heading holds any text before the next heading."""
    following = _LATER_HEADING.search(body, heading_end)
    section = body[heading_end:following.start() if following else len(body)]
    return _TEXT_LINE.search(section) is not None


def _check_points(values: _Fields, ctx: Context) -> None:
    if values["activity"] != OTHER_ACTIVITY:
        return
    hours: Decimal = values["hours"]
    if hours < 2 or hours > 30:
        values.report("W004", "hours",
                      f"a custom activity of {hours} hours earns {hours} points; activities "
                      "are worth 2 to 30 points",
                      "check the hours, or use a catalogue activity (pdp catalogue)")


def _texts(items: Iterable[Scalar] | None) -> tuple[str, ...]:
    return tuple(item.text.strip() for item in items or ())


def validate_goal(doc: Document) -> tuple[Goal | None, list[Problem]]:
    if doc.fields is None:
        return None, []
    values = _Fields(doc, GOAL)
    goal_id = stem_of(doc.path)
    if slugify(goal_id) != goal_id:
        values.problems.append(problem(
            "V012", doc.path, 1, 1, "", f"'{goal_id}' cannot be a goal id",
            f"rename the file to '{slugify(goal_id) or 'my-goal'}.md': lower-case letters, "
            "digits and hyphens"))
    _check_nesting(values, doc)
    if any(p.severity == "error" for p in values.problems):
        return None, values.problems
    return Goal(id=goal_id, path=doc.path, title=values["title"], gap=values["gap"] or "",
                objective=values["objective"] or "", measure=values["measure"] or "",
                target_date=values["target_date"], status=values["status"] or "in-progress",
                private=not marked_public(doc), body=doc.body,
                body_line=doc.body_line), values.problems


def validate_review(doc: Document, goal_ids: frozenset[str]
                    ) -> tuple[Review | None, list[Problem]]:
    if doc.fields is None:
        return None, []
    values = _Fields(doc, REVIEW)
    goals = _ids(values, "goals", goal_ids, "goal")
    _check_nesting(values, doc)
    if any(p.severity == "error" for p in values.problems):
        return None, values.problems
    return Review(slug=slugify(stem_of(doc.path)), path=doc.path, date=values["date"],
                  title=values["title"] or "", reviewer=values["reviewer"] or "",
                  goals=goals, actions=_texts(values["actions"]),
                  private=not marked_public(doc), body=doc.body,
                  body_line=doc.body_line), values.problems


def check_pages(paths: Iterable[str], section: str) -> list[Problem]:
    """Files whose names give the same page (or none) in one section of the site."""
    seen: dict[str, str] = {}
    problems: list[Problem] = []
    for path in sorted(paths):
        slug = slugify(stem_of(path))
        if not slug:
            problems.append(problem("V012", path, 1, 1, "",
                                    "the file name gives no page name",
                                    "use letters or digits in the file name"))
        elif slug in seen:
            problems.append(problem(
                "V011", path, 1, 1, "",
                f"would publish to the same page ({section}/{slug}/) as {seen[slug]}",
                "rename one of the two files"))
        else:
            seen[slug] = path
    return problems
