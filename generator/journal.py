"""Open a journal project: load its files, parse them, validate them, in that order."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from .catalogue import parse_catalogue, shipped_catalogue_text
from .codes import problem
from .config import parse_config
from .document import Document, parse_document
from .load import Project, evidence_probe, list_sources, read_config_text, read_source
from .model import Config, Entry, Goal, Journal, Problem, Review
from .validate import Context, check_pages, validate_entry, validate_goal, validate_review

T = TypeVar("T", Entry, Goal, Review)


@dataclass(frozen=True, slots=True)
class Checked:
    """The valid part of a journal, and every problem found in the rest."""

    journal: Journal | None
    problems: tuple[Problem, ...]
    files: int

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")


def open_journal(project: Project, today: date) -> Checked:
    """Read and check everything; the journal is None only if the configuration is broken."""
    config_path = project.relative(project.config_file)
    shipped = parse_catalogue(shipped_catalogue_text())
    config, problems = parse_config(config_path, read_config_text(project), project.table,
                                    shipped)
    if project.also_configured is not None:
        problems.append(problem(
            "W005", project.relative(project.also_configured), 1, 1, "tool.pdp",
            f"[tool.pdp] is ignored because {config_path} is used",
            "keep the configuration in one place"))
    checking = config or Config(name="")
    catalogue = {**shipped, **checking.activities}

    documents = {section: _parse_section(project, section, problems)
                 for section in ("entries", "goals", "reviews")}
    goals = _collect(problems, (validate_goal(doc) for doc in documents["goals"]))
    goal_ids = frozenset(goal.id for goal in goals)
    context = Context(checking, catalogue, goal_ids, today, evidence_probe(project))
    entries = _collect(problems, (validate_entry(doc, context) for doc in documents["entries"]))
    reviews = _collect(problems, (validate_review(doc, goal_ids)
                                  for doc in documents["reviews"]))
    for section, docs in documents.items():
        problems.extend(check_pages((doc.path for doc in docs), section))

    journal = None
    if config is not None:
        journal = Journal(config, catalogue, tuple(sorted(entries, key=_entry_order)),
                          tuple(goals), tuple(sorted(reviews, key=lambda r: (r.date, r.path))))
    files = sum(len(docs) for docs in documents.values()) + 1
    return Checked(journal, tuple(sorted(problems, key=Problem.sort_key)), files)


def _entry_order(entry: Entry) -> tuple[date, str]:
    return entry.date, entry.path


def _parse_section(project: Project, section: str, problems: list[Problem]
                   ) -> list[Document]:
    documents: list[Document] = []
    for path in list_sources(project, section):
        source = read_source(project, path)
        if source.data is None:
            if source.problem is not None:
                problems.append(source.problem)
            continue
        document = parse_document(path, source.data)
        problems.extend(document.problems)
        documents.append(document)
    return documents


def _collect(problems: list[Problem], results: Iterable[tuple[T | None, list[Problem]]]
             ) -> list[T]:
    valid: list[T] = []
    for item, found in results:
        problems.extend(found)
        if item is not None:
            valid.append(item)
    return valid
