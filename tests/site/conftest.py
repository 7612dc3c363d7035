"""What the browser tests of the site share: one build of the example journal for the member
and one for the reviewer, and one browser, for every test of this folder."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from generator.journal.load import find_project
from generator.site.build import build_site

from ..conftest import REPOSITORY, TODAY
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
