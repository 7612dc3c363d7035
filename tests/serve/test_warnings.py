"""Warnings in watch mode: told in the terminal once per change of them, as `pdp check` tells
them, and listed, folded, in the box above every page; a box that pushes the page down."""

from __future__ import annotations

import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from msgspec.structs import replace

from generator.journal.load import find_project
from generator.journal.open import open_journal
from generator.journal.problems import problems_text
from generator.serve.changes import Change
from generator.serve.live_reload import with_live_reload
from generator.serve.session import EVERYTHING, Rebuilt, Session

from ..conftest import TODAY
from ..site_tools import axe_violations, open_browser
from .test_serve import WAIT, collect, first_line, start

if TYPE_CHECKING:
    from playwright.sync_api import Page

NEW = "journal/entries/2026-27/2026-10-01-media-training.md"
NEW_ENTRY = (
    "---\ntitle: Media training\ndate: 2026-10-01\nactivity: podcast\nhours: 1\n"
    "goals: [evaluation]\n---\n"
)
W002 = (
    f"{NEW}:8:1: warning[W002] body: no reflection yet",
    "    hint: write what you did, what you learned and how you applied it",
)
WEBINAR = "journal/entries/2025-26/2025-05-01-webinar.md"
LEFT_OUT = "(details in the terminal only: the file may be private)"


def session(root: Path, publish: bool = False) -> Session:
    return Session(find_project(root), lambda: TODAY, publish, lambda path: path)


def notice(rebuilt: Rebuilt) -> str:
    """What the terminal says of a build that took 12 ms."""
    return replace(rebuilt, seconds=0.0123).notice()


def write(root: Path, relative: str, text: str) -> list[str]:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return [str(path)]


def test_a_warning_is_told_once_and_its_end_too(project: Callable[[str], Path]) -> None:
    root = project("small")
    watching = session(root)
    first = watching.build(EVERYTHING)
    assert (first.problems, first.news, notice(first)) == ((), False, "built in 12 ms\n")
    warned = watching.build({Change.ENTRY}, paths=write(root, NEW, NEW_ENTRY))
    assert (warned.errors, warned.problems, warned.news) == ((), W002, True)
    assert notice(warned) == f"{W002[0]}\n{W002[1]}\nbuilt in 12 ms\n"
    assert warned.snapshot.warnings == W002
    # A reflection edited elsewhere (watch mode's short way): the same warning, not told again.
    webinar = (root / WEBINAR).read_text("utf-8")
    same = watching.build({Change.ENTRY}, paths=write(root, WEBINAR, webinar + "More.\n"))
    assert (same.problems, same.news, notice(same)) == (W002, False, "built in 12 ms\n")
    assert same.snapshot.warnings == W002
    reflected = NEW_ENTRY + "## How I applied it\nI briefed the press office.\n"
    gone = watching.build({Change.ENTRY}, paths=write(root, NEW, reflected))
    assert (gone.problems, gone.news, gone.snapshot.warnings) == ((), True, ())
    assert notice(gone) == "pdp: the journal has no problems now\nbuilt in 12 ms\n"


def test_errors_and_warnings_are_told_together_as_pdp_check_tells_them(
    project: Callable[[str], Path],
) -> None:
    root = project("small")
    watching = session(root)
    watching.build(EVERYTHING)
    write(root, NEW, NEW_ENTRY)
    broken = (root / WEBINAR).read_text("utf-8").replace("hours: 1", "hours: many")
    failed = watching.build({Change.ENTRY}, paths=write(root, WEBINAR, broken))
    checked = problems_text(open_journal(find_project(root), TODAY).problems, lambda p: p)
    assert checked.startswith(f"{WEBINAR}:5:8: error[V004] hours: ")
    assert checked.endswith(f"{W002[0]}\n{W002[1]}\n")
    errors = tuple(checked.splitlines()[:-2])
    assert (failed.errors, failed.problems, failed.news) == (errors, (*errors, *W002), True)
    assert notice(failed) == checked + (
        "pdp: the journal has errors: still serving the last good site\n"
    )
    assert (failed.snapshot.errors, failed.snapshot.warnings) == (errors, W002)
    again = watching.build({Change.ENTRY}, paths=[str(root / WEBINAR)])
    assert notice(again) == "pdp: the journal has errors: still serving the last good site\n"
    fixed = watching.build({Change.ENTRY}, paths=write(root, WEBINAR, broken.replace("many", "1")))
    assert (fixed.errors, fixed.problems, fixed.news) == ((), W002, True)
    assert notice(fixed) == f"{W002[0]}\n{W002[1]}\nbuilt in 12 ms\n"


def test_a_published_preview_shows_a_private_files_warning_by_its_code_alone(
    project: Callable[[str], Path],
) -> None:
    root = project("small")
    write(root, NEW, NEW_ENTRY.replace("hours: 1\n", "hours: 1\nprivate: true\n"))
    rebuilt = session(root, publish=True).build(EVERYTHING)
    assert rebuilt.problems == (W002[0].replace(":8:1:", ":9:1:"), W002[1])  # in full
    assert rebuilt.snapshot.warnings == (f"{NEW}: warning[W002] {LEFT_OUT}",)


PAGE = b'<!doctype html>\n<html lang="en">\n<body class="x">\n<h1>Title</h1>\n</body>\n</html>\n'
SCRIPT = b'<script src="/_pdp/live.js" data-generation="3" data-instance="i"></script>'
BOX = (
    "display:block;position:static;float:none;max-height:50vh;overflow:auto;"
    "box-sizing:border-box;margin:0 0 16px;padding:12px 16px;color-scheme:light;"
    "text-align:left;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;"
)
PRE = (
    '<pre style="font:inherit;color:inherit;background:none;border:0;margin:0;'
    'padding:0;white-space:pre-wrap">'
)
SUMMARY = '<summary style="cursor:pointer;font-weight:bold">'


def test_warnings_alone_are_listed_folded_above_the_page() -> None:
    warnings = ("a.md:1:1: warning[W001] x: <b> & 'c'", "    hint: h", "b.md:2:1: warning[W002]")
    served = with_live_reload(PAGE, 3, "i", (), warnings)
    box = (
        f'<div id="pdp-warnings" role="status" style="{BOX}background:#fff8e0;color:#3d2e00;'
        f'border-bottom:4px solid #8a6500"><details style="margin:0">{SUMMARY}'
        f"The journal has 2 warnings</summary>{PRE}a.md:1:1: warning[W001] x: &lt;b&gt; "
        "&amp; &#x27;c&#x27;\n    hint: h\nb.md:2:1: warning[W002]</pre></details></div>"
    )
    assert served == PAGE.replace(b'class="x">\n', f'class="x">{box}\n'.encode()).replace(
        b"</body>", SCRIPT + b"</body>"
    )


def test_warnings_are_folded_under_the_errors() -> None:
    served = with_live_reload(PAGE, 3, "i", ("a.md:1:1: error[V001]",), ("b.md:2:1: warning",))
    box = (
        f'<div id="pdp-errors" role="alert" style="{BOX}background:#fff0f0;color:#3d0000;'
        'border-bottom:4px solid #b3001b"><h2 style="font:inherit;font-weight:bold;'
        'color:inherit;margin:0 0 8px">The journal has problems: showing the last good site'
        f'</h2>{PRE}a.md:1:1: error[V001]</pre><details style="margin:8px 0 0">{SUMMARY}'
        f"And 1 warning</summary>{PRE}b.md:2:1: warning</pre></details></div>"
    )
    assert served == PAGE.replace(b'class="x">\n', f'class="x">{box}\n'.encode()).replace(
        b"</body>", SCRIPT + b"</body>"
    )


@pytest.fixture
def small_served(project: Callable[[str], Path]) -> Iterator[tuple[Path, str, list[str]]]:
    """`pdp serve` on the small journal: its root, address and what it says on stderr."""
    root = project("small")
    process = start(root, "--port", "0")
    url = first_line(process.stdout).split(" at ")[1].split()[0]
    said: list[str] = []
    threading.Thread(target=collect, args=(process.stderr, said), daemon=True).start()
    yield root, url, said
    process.send_signal(signal.SIGINT)
    process.wait(WAIT)


def told(said: list[str], count: int) -> list[str]:
    """What the server said once it said `count` lines other than build times; those are
    checked for form and left out (a save can take one build or two)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        lines = [line for line in said if not re.fullmatch(r"built in \d+ ms\n", line)]
        if len(lines) >= count:
            time.sleep(1.0)  # time to say more than it should
            return [line for line in said if not re.fullmatch(r"built in \d+ ms\n", line)]
        time.sleep(0.05)
    raise AssertionError(f"never said {count} lines: {said}")


def test_serve_tells_a_warning_in_the_terminal_once(
    small_served: tuple[Path, str, list[str]],
) -> None:
    root, _, said = small_served
    assert told(said, 1) == ["building the site...\n"]
    write(root, NEW, NEW_ENTRY)
    assert told(said, 3)[1:] == [line + "\n" for line in W002]
    webinar = (root / WEBINAR).read_text("utf-8")
    write(root, WEBINAR, webinar + "More.\n")
    time.sleep(1.0)
    write(root, NEW, NEW_ENTRY + "## How I applied it\nI briefed the press office.\n")
    assert told(said, 4)[3:] == ["pdp: the journal has no problems now\n"]
    assert said[-1].startswith("built in ")


@pytest.mark.tools
def test_the_box_pushes_the_page_down_and_is_accessible(
    small_served: tuple[Path, str, list[str]],
) -> None:
    root, url, said = small_served
    write(root, NEW, NEW_ENTRY)
    told(said, 3)
    with open_browser() as browser:
        page = browser.new_page()
        page.goto(url)
        box = page.locator("#pdp-warnings")
        assert box.inner_text() == "The journal has 1 warning"  # folded: the summary alone
        below(page, "#pdp-warnings")
        assert axe_violations(page) == []
        page.click("#pdp-warnings summary")
        assert W002[0] in box.inner_text()
        broken = (root / WEBINAR).read_text("utf-8").replace("hours: 1", "hours: many")
        write(root, WEBINAR, broken)
        page.wait_for_selector("#pdp-errors", state="visible", timeout=WAIT * 1000)
        assert page.locator("#pdp-errors summary").inner_text() == "And 1 warning"
        below(page, "#pdp-errors")
        assert axe_violations(page) == []


def below(page: Page, box: str) -> None:
    """The page's masthead starts under the box at the top: nothing of it is covered."""
    top = page.locator(box).bounding_box()
    masthead = page.locator("header.masthead").bounding_box()
    assert top is not None and masthead is not None
    assert top["y"] == 0
    assert masthead["y"] >= top["y"] + top["height"]
