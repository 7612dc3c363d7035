"""A build after one edit: the pages it takes from the last build are the same files, given a
second name rather than written again, and the theme's templates are not compiled again."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import jinja2
import pytest

import generator.site.build
import generator.site.entry_job
import generator.site.plan
import generator.site.render
from generator.errors import PdpError
from generator.journal.load import find_project
from generator.site.build import build_site
from generator.site.link_check import LinkCheck
from generator.site.page_cache import Previous, page_note

from ..conftest import TODAY
from ..helpers import example, tree

ENTRY = "2025-06-25-conversations-with-operator-comms-teams"
CHANGED = {f"entries/{ENTRY}.html", "pack/2025-26.html"}


def build(root: Path, out: str = "site", cache: bool = True) -> dict[str, bytes]:
    built = build_site(find_project(root), TODAY, False, root / out, cache=cache)
    assert not built.problems, built.problems
    return tree(root / out)


def inodes(folder: Path) -> dict[str, int]:
    return {
        path.relative_to(folder).as_posix(): path.stat().st_ino
        for path in folder.rglob("*.html")
        if path.is_file()
    }


def add_a_thought(root: Path) -> None:
    entry = root / "journal" / "entries" / "2025-26" / f"{ENTRY}.md"
    entry.write_text(entry.read_text("utf-8") + "\nOne more thought.\n", "utf-8")


def test_pages_taken_again_are_the_same_files_and_the_site_is_a_clean_builds(
    tmp_path: Path,
) -> None:
    root = example(tmp_path)
    build(root)
    before = inodes(root / "site")
    add_a_thought(root)
    site = build(root)
    after = inodes(root / "site")
    assert after.keys() == before.keys()
    assert {path for path in after if after[path] != before[path]} == CHANGED
    assert all((root / "site" / path).stat().st_nlink == 1 for path in after)
    assert site == build(root, "clean-site", cache=False)


def test_a_failed_build_after_linking_leaves_the_old_site_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)
    first = build(root)
    add_a_thought(root)

    def failing(env: jinja2.Environment, page: Any) -> bytes:
        if page.path.startswith("pack/"):  # after most pages are linked into the new site
            raise PdpError("the theme's template pack.html failed", "fix it")
        return generator.site.render.render_page(env, page)

    monkeypatch.setattr(generator.site.memo, "render_page", failing)
    with pytest.raises(PdpError):
        build(root)
    assert tree(root / "site") == first
    assert sorted(path.name for path in root.iterdir()) == [
        ".pdp-cache",
        "journal",
        "pdp.toml",
        "site",
    ]


def test_a_file_changed_after_it_was_read_is_never_linked(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    (old / "entries").mkdir(parents=True)
    (old / "entries" / "a.html").write_bytes(b"<p>kept</p>")
    note = page_note(b"key", b"<p>kept</p>")
    assert note is not None
    previous = Previous(old, {"entries/a.html": note})
    assert previous.take("entries/a.html", b"key") is not None
    os.utime(old / "entries" / "a.html", ns=(0, 0))  # as if written again since
    assert not previous.link("entries/a.html", new, set())
    assert not (new / "entries" / "a.html").exists()
    assert previous.take("entries/a.html", b"key") is not None
    assert previous.link("entries/a.html", new, set())
    assert (new / "entries" / "a.html").stat().st_ino == (old / "entries" / "a.html").stat().st_ino
    assert not previous.link("entries/a.html", new, set())  # linked once: taken again first


def test_a_link_the_file_system_refuses_is_a_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)
    build(root)

    def refusing(*args: Any, **kwargs: Any) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", refusing)
    before = inodes(root / "site")
    add_a_thought(root)
    site = build(root)
    assert not set(inodes(root / "site").values()) & set(before.values())
    assert site == build(root, "clean-site", cache=False)


def test_templates_are_compiled_once_and_again_when_they_change(
    tmp_path: Path, compiled: list[str | None]
) -> None:
    generator.site.render.environment.cache_clear()
    root = example(tmp_path)
    first = build(root)
    assert {"entry.html", "pack.html", "base.html"} <= set(compiled)
    compiled.clear()
    generator.site.render.environment.cache_clear()  # as in a new process
    add_a_thought(root)
    site = build(root)
    assert compiled == []
    assert site.keys() == first.keys()
    templates = root / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    shipped = generator.site.theme.shipped_themes() / "default" / "templates" / "pack.html"
    text = shipped.read_text("utf-8")
    (templates / "pack.html").write_text(text.replace("</h1>", "</h1><!-- changed -->"), "utf-8")
    generator.site.render.environment.cache_clear()
    site = build(root)
    assert compiled == ["pack.html"]
    assert b"</h1><!-- changed -->" in site["pack/2025-26.html"]
    assert site == build(root, "clean-site", cache=False)


def test_a_file_with_a_name_outside_the_site_is_written_not_linked(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    (old / "a.html").write_bytes(b"<p>kept</p>")
    os.link(old / "a.html", tmp_path / "mine.html")
    note = page_note(b"key", b"<p>kept</p>")
    assert note is not None
    previous = Previous(old, {"a.html": note})
    assert previous.take("a.html", b"key") == (b"<p>kept</p>", note)
    assert not previous.link("a.html", new, set())
    assert not (new / "a.html").exists()


def note_link_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The pages whose links are checked from now on, in order."""
    checked: list[str] = []
    unresolved = LinkCheck.unresolved

    def noting(self: LinkCheck, path: str, data: bytes) -> list[tuple[str, str]]:
        checked.append(path)
        return unresolved(self, path, data)

    monkeypatch.setattr(LinkCheck, "unresolved", noting)
    return checked


def test_only_the_pages_made_again_have_their_links_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)
    build(root)
    checked = note_link_checks(monkeypatch)
    add_a_thought(root)
    site = build(root)
    assert {path for path in checked if path.endswith(".html")} == CHANGED
    assert site == build(root, "clean-site", cache=False)


MENTORING = "journal/entries/2025-26/2025-10-15-difficult-mentoring-conversation.md"


def retag(root: Path, old: str, new: str) -> None:
    path = root / MENTORING
    path.write_text(path.read_text("utf-8").replace(old, new, 1), "utf-8")


def test_pages_taken_again_are_checked_when_the_site_has_a_new_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)
    build(root)
    checked = note_link_checks(monkeypatch)
    retag(root, "tags: [mentoring, reflection]", "tags: [mentoring, reflection, only-here]")
    site = build(root)
    assert "tags/only-here.html" in site
    assert f"entries/{ENTRY}.html" in checked  # taken again, checked against the new files
    assert site == build(root, "clean-site", cache=False)


def test_a_page_taken_again_is_checked_when_the_site_has_other_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)
    retag(root, "tags: [mentoring, reflection]", "tags: [mentoring, reflection, only-here]")
    entry = root / "journal" / "entries" / "2025-26" / f"{ENTRY}.md"
    entry.write_text(
        entry.read_text("utf-8") + "\nSee [the tag](../tags/only-here.html).\n", "utf-8"
    )
    build(root)
    rendered: list[str] = []

    def noting(env: jinja2.Environment, page: Any) -> bytes:
        rendered.append(page.path)
        return generator.site.render.render_page(env, page)

    monkeypatch.setattr(generator.site.entry_job, "render_page", noting)
    retag(root, "tags: [mentoring, reflection, only-here]", "tags: [mentoring, reflection]")
    built = build_site(find_project(root), TODAY, False, root / "site")
    assert f"entries/{ENTRY}.html" not in rendered  # taken from the last build
    assert [(p.code, p.path, p.message) for p in built.problems] == [
        (
            "B001",
            f"journal/entries/2025-26/{ENTRY}.md",
            "the link '../tags/only-here.html' leads to no page or file of the site",
        )
    ]


def planned_packs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The years whose review pack a build plans (rather than taking it as it was)."""
    years: list[str] = []
    original = generator.site.plan.pack_page

    def counting(journal: Any, year: Any, *args: Any) -> Any:
        years.append(year.name)
        return original(journal, year, *args)

    monkeypatch.setattr(generator.site.build, "pack_page", counting)
    return years


def test_a_pack_whose_year_is_as_it_was_is_taken_without_being_planned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)
    build(root)
    add_a_thought(root)
    years = planned_packs(monkeypatch)
    site = build(root)
    assert years == ["2025-26"]
    assert site == build(root, "clean-site", cache=False)


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        # Every pack lists the goals worked on, with their titles.
        ("journal/goals/media-handling.md", "title: ", "title: Newly "),
        # A review is in the pack of the year it reviews.
        ("journal/reviews/2025-10-08-mid-year-review-2025-26.md", "title: ", "title: Newly "),
        # An entry of 2026-27 that carries out an action agreed in the review of 2025-26.
        (
            "journal/entries/2026-27/2026-09-16-action-learning-set.md",
            "carries_out: [2026-04-15-end-of-year-review-2025-26#4]",
            "carries_out: []",
        ),
        # The configuration: the member's name is in every pack's footer.
        ("pdp.toml", 'name = "Alex Morgan"', 'name = "Alex Morgan-Shah"'),
    ],
)
def test_every_pack_is_made_again_when_what_all_packs_share_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str, old: str, new: str
) -> None:
    root = example(tmp_path)
    build(root)
    file = root / path
    text = file.read_text("utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), "utf-8")
    years = planned_packs(monkeypatch)
    site = build(root)
    assert years == ["2024-25", "2025-26", "2026-27", "2027-28"]
    assert site == build(root, "clean-site", cache=False)
