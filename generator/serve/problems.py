"""The journal's problems as watch mode shows them: in full in the terminal, and on the page
as much as a browser may be shown (a published preview can be read by others: a reviewer at
the screen, another computer with --bind)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..journal.document import parse_document
from ..journal.load import JOURNAL_DIR, Project, read_source
from ..journal.problems import problems_text, visible
from ..journal.validate import marked_public
from ..model import Entry, Goal, Journal, Problem, Review

# What a published preview shows of a problem that may tell private text.
LEFT_OUT = "(details in the terminal only: the file may be private)"


class Privacy:
    """Which problems a published preview may show in full: none that may tell what the
    member marked private.

    A file of the journal is private as its validated item says; a file that did not
    validate, as its front matter says, and private when that cannot be read or says
    anything but a plain false (fail closed).
    """

    def __init__(self, project: Project, journal: Journal | None) -> None:
        self._project = project
        items: tuple[Entry | Goal | Review, ...] = (
            (*journal.entries, *journal.goals, *journal.reviews) if journal else ()
        )
        self._private: dict[str, bool] = {item.path: item.private for item in items}

    def hides(self, problem: Problem) -> bool:
        if problem.field == "private_evidence":  # it names what the published site leaves out
            return True
        if not problem.path.startswith(JOURNAL_DIR + "/"):
            return False  # the configuration
        if problem.path not in self._private:
            self._private[problem.path] = not _marked_public(self._project, problem.path)
        return self._private[problem.path]


def _marked_public(project: Project, path: str) -> bool:
    """Whether a journal file's front matter can be read and leaves `private` out or false."""
    source = read_source(project, path)
    return source.data is not None and marked_public(parse_document(path, source.data))


def for_browser(
    problems: Iterable[Problem], show: Callable[[str], str], privacy: Privacy | None
) -> tuple[str, ...]:
    """The lines a page shows of `problems`: in full, or (with `privacy`, in a published
    preview) only the file and code of each that may tell private text."""
    problems = list(problems)
    if privacy is None:
        return tuple(problems_text(problems, show).splitlines())
    shown = (
        problems_text([problem], show).splitlines()
        if not privacy.hides(problem)
        else [f"{visible(show(problem.path))}: {problem.severity}[{problem.code}] {LEFT_OUT}"]
        for problem in problems
    )
    return tuple(dict.fromkeys(line for lines in shown for line in lines))
