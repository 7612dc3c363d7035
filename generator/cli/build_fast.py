"""`pdp build` with nothing changed since the last build: found from the build manifest
(`site/manifest`) before the parsers and renderers are imported, and answered with what that
build printed, leaving its site as it is."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct
from msgspec.structs import astuple

from ..errors import EXIT_OK
from ..journal.project import CACHE_DIR
from ..site import manifest
from .context import InProject

if TYPE_CHECKING:
    from ..journal.problems import ShownProblem
    from ..site.build import BuildResult
    from ..site.last_build import KeptBuild, YearRows
    from ..site.memo import LastBuild


class Before(Struct, frozen=True):
    """What a build found before it started: the last build's manifest, if it still stands."""

    output: Path
    key: dict[str, Any]
    found: manifest.Look | None  # None: built without the cache, so no manifest either
    inputs: dict[str, Any] | None = None  # as the build starts, for its manifest

    @property
    def fresh(self) -> bool:
        return self.found is not None and self.found.fresh


def look_before_building(run: InProject) -> Before:
    """Whether the last build into the output folder still stands, nothing having changed."""
    project = run.project
    output: Path = run.args.output or project.root / manifest.DEFAULT_OUTPUT
    key = manifest.key_of(project.root, run.today.isoformat(), run.args.publish)
    if run.args.no_cache:
        return Before(output, key, None)
    files = manifest.input_files(project.root, project.config_file)
    found = manifest.look(_cache(run), output, key, files)
    if found.fresh:
        return Before(output, key, found)
    from ..site.theme import THEMES_DIR, shipped_themes

    themes = [project.root / THEMES_DIR, shipped_themes()]
    sources = manifest.sources_of(project.root, project.config_file, project.journal, themes)
    return Before(output, key, found, manifest.before_building(found, sources))


def built_as_before(run: InProject, before: Before) -> int:
    """Print what the last build printed, its site being as it left it."""
    assert before.found is not None
    from ..journal.problems import KeptProblem

    shown = [KeptProblem(*fields) for fields in before.found.warnings]
    pages, files = before.found.counts
    return show_built(run, shown, pages, files, before.output)


def remade_reflections(run: InProject, before: Before) -> int | None:
    """After edits of entries' reflections alone, the short way (`site.short_way`): their
    pages and their years' review packs are made again, in place, from the last build kept
    in the store. None where it does not hold: then the build is a whole one."""
    found = before.found
    if run.args.publish or found is None or not found.edited or found.build is None:
        return None
    if before.inputs is not found.inputs:  # taken afresh, of other folders: not comparable
        return None
    try:
        paths = [run.project.relative(Path(name)) for name in found.edited]
    except ValueError:  # outside the project
        return None
    from ..site.output import replace_pages
    from ..site.short_way import remake_kept

    remade = remake_kept(run.project, _cache(run), before.output, run.today, paths, found.build)
    if remade is None:
        return None
    replace_pages(before.output, remade.files)
    made = BuildToKeep(remade.last, remade.years, remade.other_years)
    _keep(run, before, found.warnings, found.counts, made)
    return built_as_before(run, before)


def keep_manifest(run: InProject, before: Before, built: BuildResult) -> None:
    """Note what a build that succeeded was made from and wrote, for the next one."""
    if before.found is None or built.site is None or built.checked.journal is None:
        return
    if built.checked.journal.config.build_time:  # every build shows its own time
        from ..site.last_build import forgetting

        manifest.forget(_cache(run), built.output, also=forgetting(built.output))
        return
    warnings = [astuple(problem) for problem in built.site.warnings]
    counts = (built.site.pages, built.site.files)
    _keep(run, before, warnings, counts, BuildToKeep(built.last, built.years))


class BuildToKeep(Struct, frozen=True):
    """A build that succeeded, to keep for the next one's short way (None: none can be
    taken from it), with the rows of years' reflections it made and the digests of those
    kept before of the other years."""

    last: LastBuild | KeptBuild | None
    years: YearRows | None
    other_years: Mapping[str, str] | None = None


def _keep(
    run: InProject,
    before: Before,
    warnings: Sequence[Sequence[Any]],
    counts: tuple[int, int],
    made: BuildToKeep,
) -> None:
    """Keep the manifest of a build, and the build itself for the next one's short way."""
    if before.inputs is None:
        return
    from ..site.last_build import forgetting, keeping

    output, build = before.output, before.inputs["taken"]
    last = (
        forgetting(output)
        if made.last is None
        else keeping(output, made.last, build, made.years, made.other_years)
    )
    manifest.keep(_cache(run), output, before.inputs, before.key, warnings, counts, also=last)


def show_built(
    run: InProject, warnings: Sequence[ShownProblem], pages: int, files: int, output: Path
) -> int:
    """What a build that succeeded prints."""
    if warnings:
        from ..journal.problems import problems_text

        run.err.write(problems_text(warnings, run.show))
    kind = (
        "published portfolio (private content left out)"
        if run.args.publish
        else "site (with private content, for you only)"
    )
    run.out.write(f"built the {kind}: {pages} pages, {files} files in {os.path.relpath(output)}\n")
    return EXIT_OK


def _cache(run: InProject) -> Path:
    return run.project.root / CACHE_DIR
