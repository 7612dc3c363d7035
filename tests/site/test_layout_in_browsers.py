"""Every page of the example journal's two builds, on a phone (360 px) and a desktop (1280 px):
nothing wider than the screen, every entry list's points in view, year names on one line, and
on a phone each summary list's value below its key."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .browsing import Sites, pages_of, tab

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.tools

WIDTHS = (360, 1280)
HEIGHT = 800

# An element may be wider than the screen only inside a scroll container that says so: one a
# keyboard can reach (tabindex 0) and a screen reader names (aria-label or aria-labelledby),
# and that itself fits. Each element is reported once, at the outermost one too wide.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const found = [];
  const too_wide = new Set();
  const says_so = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX)
    && el.tabIndex === 0
    && (el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby'))
    && el.getBoundingClientRect().right <= width + 0.5;
  const scrolls = (el) => {
    for (let up = el.parentElement; up; up = up.parentElement) if (says_so(up)) return true;
    return false;
  };
  const page = document.documentElement.scrollWidth;
  if (page > width) found.push(`the page is ${page} px wide`);
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 0.5) continue;
    if (scrolls(el)) continue;
    too_wide.add(el);
    if (too_wide.has(el.parentElement)) continue;
    const name = el.tagName.toLowerCase() + [...el.classList].map((c) => '.' + c).join('');
    const text = el.textContent.trim().slice(0, 40);
    found.push(`${name} "${text}" reaches ${Math.round(box.right)} px`);
  }
  return found;
}"""

# Each row of a table with a Points column (entry lists among them), its points in view: shown,
# within the screen and not cut off by a box around it. Every entry list must have the column.
POINTS = """() => {
  const width = window.innerWidth;
  const found = [];
  let seen = 0;
  const outside = (inner, outer) => inner.left < outer.left - 0.5
    || inner.right > outer.right + 0.5 || inner.top < outer.top - 0.5
    || inner.bottom > outer.bottom + 0.5;
  const clipped = (cell) => {
    for (let up = cell.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if ((style.overflowX !== 'visible' || style.overflowY !== 'visible')
          && outside(cell.getBoundingClientRect(), up.getBoundingClientRect())) return true;
    }
    return false;
  };
  const check = (cell, row) => {
    const box = cell ? cell.getBoundingClientRect() : null;
    const text = cell ? cell.innerText.trim() : '';
    const what = `points of "${(row.querySelector('a') ?? row).textContent.trim().slice(0, 40)}"`;
    if (!cell || !text || box.width < 1 || box.height < 1
        || !cell.checkVisibility({opacityProperty: true, visibilityProperty: true})) {
      found.push(`${what}: not shown`);
    } else if (box.left < -0.5 || box.right > width + 0.5) {
      found.push(`${what}: off the screen, at ${Math.round(box.left)} to ${Math.round(box.right)}`);
    } else if (clipped(cell)) {
      found.push(`${what}: cut off`);
    } else {
      seen += 1;
    }
  };
  for (const list of document.querySelectorAll('.entries')) {
    if (!(list instanceof HTMLTableElement) || !list.tHead
        || ![...list.tHead.querySelectorAll('th')].some((th) => th.textContent.trim() === 'Points'))
      found.push(`an entry list (${list.tagName.toLowerCase()}) without a Points column`);
  }
  for (const table of document.querySelectorAll('table')) {
    const heads = table.tHead ? [...table.tHead.querySelectorAll('th')] : [];
    const column = heads.findIndex((th) => th.textContent.trim() === 'Points');
    if (column < 0) continue;
    for (const body of table.tBodies) for (const row of body.rows) check(row.cells[column], row);
  }
  return [seen, found];
}"""

# A performance year's name ("2026-27", with a hyphen of any kind) drawn on one line, wherever
# the site writes one; the member's own prose (a reflection) wraps as the browser likes.
YEARS = r"""() => {
  const year = /(?<![\d\u2010\u2011-])\d{4}[\u2010\u2011-]\d{2}(?![\d\u2010\u2011-])/g;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  let seen = 0;
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest('.reflection, svg')) continue;
    for (const match of node.data.matchAll(year)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const boxes = [...range.getClientRects()].filter((box) => box.width > 0);
      if (boxes.length === 0) continue;
      seen += 1;
      if (new Set(boxes.map((box) => Math.round(box.bottom))).size > 1) {
        const tag = node.parentElement.tagName.toLowerCase();
        found.push(`${match[0]} breaks in <${tag}> "${node.data.trim().slice(0, 40)}"`);
      }
    }
  }
  return [seen, found];
}"""


# On a phone a summary list's value sits below its key, with the screen's width to itself.
STACKED = """() => {
  const found = [];
  let seen = 0;
  for (const row of document.querySelectorAll('.summary-list > div')) {
    const key = row.querySelector('dt');
    const value = row.querySelector('dd');
    if (!key || !value || key.getBoundingClientRect().height === 0) continue;
    seen += 1;
    if (value.getBoundingClientRect().top < key.getBoundingClientRect().bottom - 0.5)
      found.push(`"${key.textContent.trim().slice(0, 30)}" has its value beside it`);
  }
  return [seen, found];
}"""


@dataclass
class Findings:
    """What the walk over every page at every width found, by page and width."""

    overflow: dict[str, list[str]] = field(default_factory=dict)
    points: dict[str, list[str]] = field(default_factory=dict)
    years: dict[str, list[str]] = field(default_factory=dict)
    points_seen: dict[str, int] = field(default_factory=dict)
    years_seen: int = 0
    stacked: dict[str, list[str]] = field(default_factory=dict)
    stacked_seen: int = 0
    pages: int = 0

    def add(self, page: Page, where: str) -> None:
        """Run the three checks on the page as it is laid out now."""
        if found := page.evaluate(OVERFLOW):
            self.overflow[where] = found
        seen, found = page.evaluate(POINTS)
        self.points_seen[where] = seen
        if found:
            self.points[where] = found
        seen, found = page.evaluate(YEARS)
        self.years_seen += seen
        if found:
            self.years[where] = found
        if page.viewport_size == {"width": WIDTHS[0], "height": HEIGHT}:
            seen, found = page.evaluate(STACKED)
            self.stacked_seen += seen
            if found:
                self.stacked[where] = found


@pytest.fixture(scope="module")
def findings(example_sites: Sites, browser: Browser) -> Findings:
    """Every page of both builds, loaded once and laid out at each width in turn."""
    result = Findings()
    with tab(browser, viewport={"width": WIDTHS[0], "height": HEIGHT}) as page:
        for site in (example_sites.own, example_sites.published):
            for path in pages_of(site):
                page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
                page.goto(path.as_uri())
                result.pages += 1
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": HEIGHT})
                    result.add(page, f"{where(site, path)} at {width} px")
    return result


def where(site: Path, path: Path) -> str:
    return f"{site.name}/{path.relative_to(site).as_posix()}"


def listing(found: dict[str, list[str]], most: int = 30) -> str:
    """What was found, a page a line, at most `most` pages (pytest would cut a dict short)."""
    lines = [f"{page}: {'; '.join(problems[:3])}" for page, problems in found.items()]
    more = f"\n... and {len(lines) - most} more" if len(lines) > most else ""
    return f"{len(lines)} pages:\n" + "\n".join(lines[:most]) + more


def test_every_page_of_both_builds_is_checked(findings: Findings) -> None:
    assert findings.pages > 200
    assert len(findings.points_seen) == findings.pages * len(WIDTHS)


def test_no_page_is_wider_than_a_phone_or_a_desktop(findings: Findings) -> None:
    assert findings.overflow == {}, listing(findings.overflow)


def test_every_entry_lists_points_are_in_view(findings: Findings) -> None:
    assert findings.points == {}, listing(findings.points)
    # The pages that list entries did show them: the check is not passing for want of rows.
    for width in WIDTHS:
        for page in ("own/index.html", "own/years/2025-26.html", "published/years/2025-26.html"):
            assert findings.points_seen[f"{page} at {width} px"] > 0, (page, width)


def test_year_names_never_break(findings: Findings) -> None:
    assert findings.years == {}, listing(findings.years)
    assert findings.years_seen > 300


def test_summary_lists_stack_on_a_phone(findings: Findings) -> None:
    assert findings.stacked == {}, listing(findings.stacked)
    assert findings.stacked_seen > 100


# The custom properties (the colours among them) the stylesheet declares, as the page resolves
# them; read from the file, since a page from disk may not read its stylesheet's rules.
VALUES = """(names) => {
  const style = getComputedStyle(document.documentElement);
  return Object.fromEntries(names.map((name) => [name, style.getPropertyValue(name).trim()]));
}"""


def test_paper_prints_in_the_light_colours_whatever_the_screen_prefers(
    example_sites: Sites, browser: Browser
) -> None:
    css = (example_sites.own / "static" / "style.css").read_text(encoding="utf-8")
    names = sorted(set(re.findall(r"(--[a-z-]+)\s*:", css)))
    dashboard = (example_sites.own / "index.html").as_uri()
    printed = {}
    for scheme in ("light", "dark"):
        with tab(browser, color_scheme=scheme) as page:
            page.goto(dashboard)
            page.emulate_media(media="print")
            printed[scheme] = page.evaluate(VALUES, names)
    assert len(names) > 10
    assert printed["dark"] == printed["light"]
