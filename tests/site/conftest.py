"""What the tests of the site share: for the browser tests, one build of the example journal
for the member and one for the reviewer, and one browser, for every test of this folder; for
the tests of builds after a change (or none), the small project and a count of its builds;
and a list of the templates compiled."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import generator.site.build
import generator.site.short_way
from generator.journal.load import find_project
from generator.journal.project import Project
from generator.site.build import build_site
from generator.site.render import PageEnvironment

from ..conftest import REPOSITORY, TODAY
from ..helpers import age
from ..site_tools import open_browser
from .browsing import Sites

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="package")
def example_sites(tmp_path_factory: pytest.TempPathFactory) -> Sites:
    """The example journal built twice: for the member, and published for the reviewer."""
    folder = tmp_path_factory.mktemp("sites")
    project = find_project(REPOSITORY)
    own = build_site(project, TODAY, publish=False, output=folder / "own")
    build_site(project, TODAY, publish=True, output=folder / "published")
    assert own.checked.journal is not None
    return Sites(folder / "own", folder / "published", own.checked.journal)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One Chromium for the folder's tests (Playwright's sync API allows one at a time, so
    a test here opens its pages in it rather than a browser of its own)."""
    with open_browser() as opened:
        yield opened


HOUR_NS = 3600 * 10**9


@pytest.fixture
def small(project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small project, its files an hour old (so that their stats can be trusted)."""
    root = project("small")
    monkeypatch.chdir(root)
    monkeypatch.setenv("PDP_TODAY", "2026-11-28")
    age(root, HOUR_NS)
    return root


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The output folder of each real build, as `build_site` is called, or as the short way
    after edits of reflections alone (`remake_kept`) makes pages."""
    made: list[Path] = []
    real = generator.site.build.build_site
    real_remake = generator.site.short_way.remake_kept

    def counting(*args: object, **kwargs: object) -> generator.site.build.BuildResult:
        result = real(*args, **kwargs)  # type: ignore[arg-type]
        made.append(result.output)
        return result

    def remaking(
        project: Project, cache: Path, output: Path, *args: Any
    ) -> generator.site.short_way.Remade | None:
        remade = real_remake(project, cache, output, *args)
        if remade is not None:
            made.append(output)
        return remade

    monkeypatch.setattr(generator.site.build, "build_site", counting)
    monkeypatch.setattr(generator.site.short_way, "remake_kept", remaking)
    return made


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The name of every template compiled, as it is."""
    names: list[str | None] = []
    compile_ = PageEnvironment.compile

    def counting(self: PageEnvironment, source: Any, name: str | None = None, *args: Any) -> Any:
        names.append(name)
        return compile_(self, source, name, *args)

    monkeypatch.setattr(PageEnvironment, "compile", counting)
    return names
