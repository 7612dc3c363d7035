"""`pdp check` with nothing changed since the last check: found from a manifest kept as a
build's is (`site/manifest`), before the parsers are imported, and answered with the problems
that check found.

A check writes no folder: its manifest is kept as a build's would be for a folder that no
command makes (`PLACE`), noted as absent, and its key names the command. The problems are
kept whole, errors and warnings, and printed again as the options of this check ask
(`--strict`, `--format`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct
from msgspec.structs import astuple

from ..journal.project import CACHE_DIR
from ..site import manifest
from .context import InProject

if TYPE_CHECKING:
    from ..journal.problems import ShownProblem
    from ..model import Problem

# The folder in the cache folder that a check's manifest is kept for, as a build's is for
# the site it writes: never made (the cache folder holds the store alone), so a check's
# manifest is never a build's.
PLACE = "check"


class Looked(Struct, frozen=True):
    """What a check found before it started: the last check's manifest, if it still stands,
    and the inputs as the check starts, for its own manifest (None: none can be kept)."""

    key: dict[str, Any]
    found: manifest.Look
    inputs: dict[str, Any] | None

    @property
    def fresh(self) -> bool:
        return self.found.fresh

    def problems(self) -> tuple[ShownProblem, ...]:
        """The problems the last check found, in the order it printed them."""
        from ..journal.problems import KeptProblem

        return tuple(KeptProblem(*fields) for fields in self.found.warnings)

    @property
    def files(self) -> int:
        return self.found.counts[0]


def look_before_checking(run: InProject) -> Looked | None:
    """Whether the last check of the files as they are still stands (None: this check keeps
    no manifest, being without the cache)."""
    if run.cache() is None:
        return None
    project = run.project
    key = {**manifest.key_of(project.root, run.today.isoformat(), False), "command": "check"}
    files = manifest.input_files(project.root, project.config_file)
    found = manifest.look(_cache(run), _place(run), key, files)
    if found.fresh:
        return Looked(key, found, found.inputs)
    sources = manifest.sources_of(project.root, project.config_file, project.journal, ())
    return Looked(key, found, manifest.before_building(found, sources))


def keep_check(run: InProject, looked: Looked, problems: Sequence[Problem], files: int) -> None:
    """Note what a check was made from and what it found, for the next one."""
    fields = [astuple(problem) for problem in problems]
    manifest.keep(_cache(run), _place(run), looked.inputs, looked.key, fields, (files, 0))


def _cache(run: InProject) -> Path:
    return run.project.root / CACHE_DIR


def _place(run: InProject) -> Path:
    return _cache(run) / PLACE
