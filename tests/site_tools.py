"""Checks for built HTML pages: the Nu Html Checker, axe-core, and a real Chromium."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args
from urllib.parse import unquote

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

REPOSITORY = Path(__file__).resolve().parent.parent
VNU_JAR = REPOSITORY / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = REPOSITORY / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.flatMap((rule) => rule.nodes.map(
    (node) => `${rule.id}: ${rule.help}: ${node.target.flat().join(' ')}`));
}"""

Tool = Literal["java", "vnu", "axe", "chromium", "playwright"]


def _missing(tool: Tool) -> str | None:
    """What to install for one tool, or None when it is there."""
    npm = "run `npm ci --ignore-scripts` in the repository (`make test` does)"
    match tool:
        case "java":
            found = shutil.which("java") is not None
            hint = "java: install a Java runtime (apt-get install -y default-jre-headless)"
        case "vnu":
            found, hint = VNU_JAR.is_file(), f"{VNU_JAR} (the Nu Html Checker): {npm}"
        case "axe":
            found, hint = AXE_JS.is_file(), f"{AXE_JS} (axe-core): {npm}"
        case "chromium":
            found = os.access(CHROMIUM, os.X_OK)
            hint = f"{CHROMIUM}: install Debian's Chromium (apt-get install -y chromium)"
        case "playwright":
            found = importlib.util.find_spec("playwright") is not None
            hint = "Playwright for Python: pip install -e '.[dev]' (never `playwright install`)"
    return None if found else hint


def require_tools(*tools: Tool) -> None:
    """Fail, naming what to install, unless every tool given (default: all) is there."""
    missing = [hint for tool in tools or get_args(Tool) if (hint := _missing(tool))]
    if missing:
        raise AssertionError("missing test tools:\n  " + "\n  ".join(missing))


def _format_message(message: dict[str, Any]) -> str:
    """One Nu checker message as `file:line:col: message`."""
    path = unquote(str(message.get("url", "?")).removeprefix("file:"))
    line = message.get("firstLine", message.get("lastLine", 0))
    column = message.get("firstColumn", message.get("lastColumn", 0))
    return f"{path}:{line}:{column}: {message.get('message', message)}"


def validate_html(files: list[Path]) -> list[str]:
    """Check the files with one run of the Nu Html Checker; return its errors."""
    require_tools("java", "vnu")
    if not files:
        return []
    absent = [str(file) for file in files if not file.is_file()]
    if absent:  # The checker itself passes a missing file in silence under --errors-only.
        raise FileNotFoundError(", ".join(absent))
    # A UTF-8 locale, or Java cannot open paths that are not ASCII (and passes them too).
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        encoding="utf-8",
        timeout=600,
        check=False,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    )
    try:
        messages: list[dict[str, Any]] = json.loads(result.stderr)["messages"]
    except (ValueError, KeyError) as error:
        raise AssertionError(f"vnu.jar exited {result.returncode}: {result.stderr}") from error
    return [_format_message(message) for message in messages]


@contextmanager
def open_browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright's sync API; closed afterwards."""
    require_tools("playwright", "chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


def axe_violations(page: Page) -> list[str]:
    """Run axe-core's WCAG 2.x A and AA rules on the page: `rule id: help: target` per node."""
    require_tools("axe")
    page.add_script_tag(path=AXE_JS)
    violations: list[str] = page.evaluate(AXE_RUN, AXE_TAGS)
    return violations
