"""Helpers for the browser tests of the site: the example's builds, its pages, a fresh tab."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.model import Journal

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


@dataclass(frozen=True)
class Sites:
    """The example journal's two builds, and the journal they were made from."""

    own: Path
    published: Path
    journal: Journal


def pages_of(site: Path) -> list[Path]:
    """Every page of a built site, in order of path."""
    return sorted(site.rglob("*.html"))


@contextmanager
def tab(browser: Browser, **options: Any) -> Iterator[Page]:
    """A page in a context of its own (viewport, colour scheme, scripts), closed afterwards."""
    context = browser.new_context(**options)
    try:
        yield context.new_page()
    finally:
        context.close()
