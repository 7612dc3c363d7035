"""Turn parsed documents into entries, goals and reviews, reporting every problem on the way.

Pure: the filesystem is reached only through the `probe` function the caller passes in.
Each front-matter value is read by `fields`, by the kind its field declares in `schema`;
this module checks what the values say together, and the reflection.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal

from msgspec import Struct

from ..model import (
    OTHER_ACTIVITY,
    ActionRef,
    Activity,
    Config,
    Entry,
    Goal,
    Problem,
    Review,
    Vocabulary,
)
from ..suggest import did_you_mean
from .codes import problem
from .document import Document
from .evidence_paths import EVIDENCE_PROBLEMS, resolve_relative
from .fields import TRUE, Fields
from .front_matter import Scalar
from .goal_progress import overdue
from .markdown import dropped_line
from .names import slugify, stem_of
from .schema import ENTRY, GOAL, REVIEW
from .year_scope import year_name_problem

EvidenceProbe = Callable[[str], str]
"""Given a project-relative path, says 'ok' or one of the keys of `EVIDENCE_PROBLEMS`."""
FutureProbe = Callable[[date], bool]
"""Whether a date is after today."""

_APPLIED = re.compile(
    r"\b(?:appl(?:y|ies|ied|ying)|put (?:it|this|that|them) into practice|"
    r"used (?:it|this|that|them)|in practice)\b",
    re.IGNORECASE,
)
_APPLIED_WORDS = ("appl", "into practice", "used ", "in practice")
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
# A line break and the heading after it (not ^ and MULTILINE: see `markdown._DEEP_LATER_LINE`).
_LATER_HEADING = re.compile(r"\n {0,3}#{1,6}(?:[ \t]|$)", re.MULTILINE)
_TEXT_LINE = re.compile(r"^(?! {0,3}#{1,6}(?:[ \t]|$))[ \t]*\S", re.MULTILINE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


class Context(Struct, frozen=True):
    """What checking an entry needs beyond the entry itself."""

    config: Config
    catalogue: Mapping[str, Activity]
    goal_ids: frozenset[str]
    # The two questions a check asks of the world beyond the journal's text, asked through
    # functions so that a kept check can note them and their answers (see `check_cache`).
    after_today: FutureProbe
    probe: EvidenceProbe
    bodies: bool = True  # False: entries come without their reflections, as a check needs


def after(today: date) -> FutureProbe:
    """The question whether a date is after `today`."""
    return functools.partial(operator.lt, today)


def validate_entry(doc: Document, ctx: Context) -> tuple[Entry | None, list[Problem]]:
    """An entry from its document, with every problem of its fields and body."""
    if doc.fields is None:
        return None, []
    values = Fields(doc, ENTRY)
    category = _entry_category(values, ctx)
    _check_future(values, ctx)
    goals = _ids(values, "goals", ctx.goal_ids, "goal")
    disciplines, behaviours = _framework_ids(values, ctx.config.frameworks)
    schemes = _scheme_ids(values, ctx.config)
    evidence = _evidence(values, "evidence", doc.path, ctx.probe)
    private_evidence = _evidence(values, "private_evidence", doc.path, ctx.probe)
    _check_body(values, doc)
    if (
        values.ok("title", "date", "activity", "hours")
        and category
        and not any(p.severity == "error" for p in values.problems)
    ):
        _check_points(values, ctx)
        entry = Entry(
            path=doc.path,
            slug=slugify(stem_of(doc.path)),
            title=values["title"],
            date=values["date"],
            activity=values["activity"],
            category=category,
            hours=values["hours"],
            goals=goals,
            skills=_texts(values["skills"]),
            tags=_texts(values["tags"]),
            evidence=evidence,
            private_evidence=private_evidence,
            status=values["status"] or "done",
            private=not marked_public(doc),
            body=doc.body if ctx.bodies else "",
            body_line=doc.body_line,
            carries_out=tuple(
                ActionRef(item.text.strip(), item.line, item.column)
                for item in values["carries_out"] or ()
            ),
            disciplines=disciplines,
            behaviours=behaviours,
            schemes=schemes,
        )
        return entry, values.problems
    return None, values.problems


def _entry_category(values: Fields, ctx: Context) -> str | None:
    activity_id, category = values["activity"], values["category"]
    if activity_id is None:
        return None
    if activity_id == OTHER_ACTIVITY:
        given = values.fields.get("category")
        empty = given is None or (isinstance(given[1], Scalar) and given[1].tag == "null")
        if category is None and empty:
            values.report(
                "V008",
                "category",
                "a custom activity needs a category",
                "add the line: category: on-the-job (or relationships, formal)",
            )
        return category  # type: ignore[no-any-return]
    activity = ctx.catalogue.get(activity_id)
    if activity is None:
        values.report(
            "V007",
            "activity",
            f"unknown activity '{activity_id}'",
            did_you_mean(
                activity_id,
                ctx.catalogue,
                f"run 'pdp catalogue' for the ids, or write activity: "
                f"{OTHER_ACTIVITY} with a category",
            ),
        )
        return None
    if category is not None and category != activity.category:
        values.report(
            "V008",
            "category",
            f"'{activity_id}' is a {activity.category} activity in the catalogue, not {category}",
            f"remove the category line, or use activity: {OTHER_ACTIVITY}",
        )
    return activity.category


def _check_future(values: Fields, ctx: Context) -> None:
    when, status = values["date"], values["status"] or "done"
    if when is not None and status == "done" and ctx.after_today(when):
        values.report(
            "V006",
            "date",
            f"a done entry cannot be dated in the future ({when.isoformat()})",
            "fix the date, or mark it as planned: status: planned",
        )


def _ids(values: Fields, name: str, known: frozenset[str], what: str) -> tuple[str, ...]:
    ids: list[str] = []
    for item in values[name] or ():
        if item.text in known:
            ids.append(item.text)
        else:
            hint = did_you_mean(
                item.text, known, f"the {what}s are the file names in journal/{what}s/"
            )
            values.report("V009", name, f"unknown {what} '{item.text}'", hint, at=item)
    return tuple(ids)


def _scheme_ids(values: Fields, config: Config) -> tuple[str, ...]:
    """The schemes an entry names, each one the configuration has."""
    if not config.name:
        # A broken configuration stands in as a nameless one (see open_journal): its schemes
        # are unknown, and saying those named are unknown would send the member astray.
        return ()
    known = config.scheme_ids
    ids: list[str] = []
    for item in values["schemes"] or ():
        written = item.text.strip()
        if written in known:
            ids.append(written)
            continue
        hint = did_you_mean(
            written,
            known,
            "the schemes are: " + ", ".join(known) + "; declare others in the "
            "configuration under [schemes.ID]",
        )
        values.report("V016", "schemes", f"unknown scheme '{written}'", hint, at=item)
    return tuple(dict.fromkeys(ids))


def _framework_ids(
    values: Fields, frameworks: Iterable[Vocabulary]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The disciplines and behaviours named, each checked against its framework's list (a
    list that is not loaded checks nothing)."""
    lists = {vocabulary.field: vocabulary for vocabulary in frameworks}
    found: list[tuple[str, ...]] = []
    for name in ("disciplines", "behaviours"):
        vocabulary = lists.get(name)
        ids: list[str] = []
        for item in values[name] or ():
            written = item.text.strip()
            if vocabulary is None or written in vocabulary.ids():
                ids.append(written)
                continue
            hint = did_you_mean(
                written,
                vocabulary.ids(),
                f"the {name} are: " + ", ".join(vocabulary.ids()),
            )
            message = f"unknown {name.removesuffix('s')} '{written}'"
            values.report("V015", name, message, hint, at=item)
        found.append(tuple(dict.fromkeys(ids)))
    return found[0], found[1]


def _evidence(values: Fields, name: str, path: str, probe: EvidenceProbe) -> tuple[str, ...]:
    folder = path.rsplit("/", 1)[0] if "/" in path else ""
    found: list[str] = []
    for item in values[name] or ():
        target = resolve_relative(folder, item.text)
        status = "outside" if target is None else probe(target)
        if status == "ok" and target is not None:
            found.append(target)
            continue
        message, hint = EVIDENCE_PROBLEMS.get(status, EVIDENCE_PROBLEMS["outside"])
        values.report("V010", name, message.format(item.text), hint, at=item)
    return tuple(found)


def _check_nesting(values: Fields, doc: Document) -> None:
    line = dropped_line(doc.body)
    if line is not None:
        values.problems.append(
            problem(
                "V013",
                doc.path,
                doc.body_line + line,
                1,
                "body",
                "content here is nested too deeply and would be dropped from the page",
                "use fewer levels of quotes or lists",
            )
        )


def marked_public(doc: Document) -> bool:
    """Whether a file's front matter can be read and leaves `private` out or false. Anything
    else (a value that cannot be read, which is an error already) fails closed: the file is
    taken as private, whether or not it validates."""
    if doc.fields is None:
        return False
    if "private" not in doc.fields:
        return True
    value = doc.fields["private"][1]
    return (
        isinstance(value, Scalar)
        and value.tag == "bool"
        and not value.refused
        and value.text.lower() not in TRUE
    )


def _check_body(values: Fields, doc: Document) -> None:
    _check_nesting(values, doc)
    if (values["status"] or "done") != "done":
        return
    reflection = _COMMENT.sub("", doc.body) if "<!--" in doc.body else doc.body
    if _TEXT_LINE.search(reflection) is None:
        values.problems.append(
            problem(
                "W002",
                doc.path,
                doc.body_line,
                1,
                "body",
                "no reflection yet",
                "write what you did, what you learned and how you applied it",
            )
        )
    elif not says_how_applied(reflection):
        values.problems.append(
            problem(
                "W003",
                doc.path,
                doc.body_line,
                1,
                "body",
                "the reflection does not say how you applied the learning",
                "add a section '## How I applied it'",
            )
        )


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
            if _APPLIED.search(line) and (
                not _HEADING.match(line) or _section_has_text(body, line_end)
            ):
                return True
            start = lowered.find(word, line_end)
    return False


def _section_has_text(body: str, heading_end: int) -> bool:
    """Whether the section after a heading holds any text before the next heading."""
    following = _LATER_HEADING.search(body, heading_end)
    section = body[heading_end : following.start() if following else len(body)]
    return _TEXT_LINE.search(section) is not None


def _check_points(values: Fields, ctx: Context) -> None:
    if values["activity"] != OTHER_ACTIVITY:
        return
    hours: Decimal = values["hours"]
    if hours < 2 or hours > 30:
        values.report(
            "W004",
            "hours",
            f"a custom activity of {hours} hours earns {hours} points; activities "
            "are worth 2 to 30 points",
            "check the hours, or use a catalogue activity (pdp catalogue)",
        )


def _texts(items: Iterable[Scalar] | None) -> tuple[str, ...]:
    return tuple(item.text.strip() for item in items or ())


def validate_goal(
    doc: Document, today: date, frameworks: Iterable[Vocabulary] = ()
) -> tuple[Goal | None, list[Problem]]:
    """A goal from its document, with every problem of its fields, and a warning if it is
    past its target date on `today`."""
    if doc.fields is None:
        return None, []
    values = Fields(doc, GOAL)
    disciplines, behaviours = _framework_ids(values, frameworks)
    goal_id = stem_of(doc.path)
    if slugify(goal_id) != goal_id:
        values.problems.append(
            problem(
                "V012",
                doc.path,
                1,
                1,
                "",
                f"'{goal_id}' cannot be a goal id",
                f"rename the file to '{slugify(goal_id) or 'my-goal'}.md': lower-case letters, "
                "digits and hyphens",
            )
        )
    _check_nesting(values, doc)
    if any(p.severity == "error" for p in values.problems):
        return None, values.problems
    goal = Goal(
        id=goal_id,
        path=doc.path,
        title=values["title"],
        gap=values["gap"] or "",
        objective=values["objective"] or "",
        measure=values["measure"] or "",
        target_date=values["target_date"],
        status=values["status"] or "in-progress",
        private=not marked_public(doc),
        body=doc.body,
        body_line=doc.body_line,
        disciplines=disciplines,
        behaviours=behaviours,
    )
    if overdue(goal, today):
        values.report(
            "W008",
            "target_date",
            f"the target date {values['target_date'].isoformat()} has passed and the goal "
            f"is still {goal.status}",
            "if you reached it, write status: achieved (or status: dropped if you gave it "
            "up); if not, move target_date to a later date",
        )
    return goal, values.problems


def validate_review(
    doc: Document, goal_ids: frozenset[str], start_month: int = 4
) -> tuple[Review | None, list[Problem]]:
    if doc.fields is None:
        return None, []
    values = Fields(doc, REVIEW)
    goals = _ids(values, "goals", goal_ids, "goal")
    if values["year"] is not None and (wrong := year_name_problem(values["year"], start_month)):
        values.report("V002", "year", *wrong)
    _check_nesting(values, doc)
    if any(p.severity == "error" for p in values.problems):
        return None, values.problems
    return Review(
        slug=slugify(stem_of(doc.path)),
        path=doc.path,
        date=values["date"],
        title=values["title"] or "",
        reviewer=values["reviewer"] or "",
        goals=goals,
        actions=_texts(values["actions"]),
        private=not marked_public(doc),
        body=doc.body,
        body_line=doc.body_line,
        year=values["year"] or "",
        next_review=values["next_review"],
    ), values.problems


# The sections whose pages sit beside a page that lists them all, named `index`.
LISTED_SECTIONS = ("goals", "reviews")
INDEX_PAGE = "index"


def check_pages(paths: Iterable[str], section: str) -> list[Problem]:
    """Files whose names give the same page (or none) in one section of the site."""
    seen: dict[str, str] = {}
    problems: list[Problem] = []
    for path in sorted(paths):
        slug = slugify(stem_of(path))
        if not slug:
            problems.append(
                problem(
                    "V012",
                    path,
                    1,
                    1,
                    "",
                    "the file name gives no page name",
                    "use letters or digits in the file name",
                )
            )
        elif slug == INDEX_PAGE and section in LISTED_SECTIONS:
            problems.append(
                problem(
                    "V011",
                    path,
                    1,
                    1,
                    "",
                    f"would publish to the same page ({section}/{slug}.html) as the list of "
                    f"the {section}",
                    "rename the file",
                )
            )
        elif slug in seen:
            problems.append(
                problem(
                    "V011",
                    path,
                    1,
                    1,
                    "",
                    f"would publish to the same page ({section}/{slug}/) as {seen[slug]}",
                    "rename one of the two files",
                )
            )
        else:
            seen[slug] = path
    return problems
