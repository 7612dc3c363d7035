"""The page-checking harness itself: each check passes a good page and fails a bad one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from . import site_tools
from .site_tools import axe_violations, open_browser, require_tools, validate_html

# Every test here drives Chromium, the Nu Html Checker or axe-core.
pytestmark = pytest.mark.tools


def html(title: str, body: str) -> str:
    """A whole HTML5 page around the body."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def write(folder: Path, name: str, title: str, body: str) -> Path:
    """Write one page into the folder and return its path."""
    path = folder / name
    path.write_text(html(title, body), encoding="utf-8")
    return path


GOOD_BODY = '<h1>First page</h1>\n<p><a href="second.html">The second page</a></p>'
# Line 10 of the page: an image with no text alternative, then a section never closed.
BAD_BODY = '<h1>Bad page</h1>\n<p><img src="photo.png"></p>\n<section><p>Never closed'


@pytest.fixture
def good(tmp_path: Path) -> Path:
    write(tmp_path, "second.html", "Second", "<h1>Second page</h1>")
    return write(tmp_path, "first.html", "First", GOOD_BODY)


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    return write(tmp_path, "bad.html", "Bad", BAD_BODY)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with open_browser() as browser:
        yield browser


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_require_tools_names_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(site_tools, "VNU_JAR", tmp_path / "vnu.jar")
    require_tools("axe")
    with pytest.raises(AssertionError, match=r"vnu\.jar \(the Nu Html Checker\): run `npm ci"):
        require_tools("vnu")
    monkeypatch.setattr(site_tools, "CHROMIUM", tmp_path / "chromium")
    with pytest.raises(AssertionError, match=r"apt-get install -y chromium"):
        require_tools()


def test_every_tool_is_installed() -> None:
    require_tools()


def test_validate_html_passes_valid_pages(good: Path) -> None:
    assert validate_html([good, good.with_name("second.html")]) == []


def test_validate_html_reports_each_error_with_file_line_and_column(
    good: Path,
    bad: Path,
) -> None:
    assert validate_html([good, bad]) == [
        f"{bad}:10:4: An “img” element must have an “alt” attribute, except under certain"
        " conditions. For details, consult guidance on providing text alternatives for images.",
        f"{bad}:12:1: End tag “main” seen, but there were open elements.",
        f"{bad}:11:1: Unclosed element “section”.",
    ]


def test_validate_html_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        validate_html([tmp_path / "missing.html"])


def test_axe_passes_an_accessible_page(page: Page, good: Path) -> None:
    page.goto(good.as_uri())
    assert axe_violations(page) == []


def test_axe_reports_an_image_without_alt(page: Page, bad: Path) -> None:
    page.goto(bad.as_uri())
    assert "image-alt: Images must have alternative text: img" in axe_violations(page)


def test_browser_follows_a_link_between_local_pages(page: Page, good: Path) -> None:
    page.goto(good.as_uri())
    page.get_by_role("link", name="The second page").click()
    expect(page).to_have_url(good.with_name("second.html").as_uri())
    expect(page.get_by_role("heading", level=1)).to_have_text("Second page")
