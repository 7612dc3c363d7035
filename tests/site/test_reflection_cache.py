"""The build cache never changes what is built: with it, without it, damaged, or stale."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

import generator.site.reflection_cache
from generator.journal.load import CACHE_DIR, find_project
from generator.journal.markdown import render
from generator.site.build import build_site
from generator.site.reflection_cache import (
    LinkMap,
    Reflections,
    Rendered,
    reflection_key,
    render_recorded,
)
from generator.store import STORE_FILE

from ..conftest import TODAY
from ..helpers import example, rows, tree

LINKING = """---
title: "Linking to another entry"
date: 2025-05-02
activity: podcast
hours: 1
---

Read [the other one](OTHER.md#what) before this one.
"""


def build(root: Path, out: str, cache: bool = True, publish: bool = False) -> dict[str, bytes]:
    built = build_site(find_project(root), TODAY, publish, root.parent / out, cache=cache)
    assert not built.problems, built.problems
    return tree(root.parent / out)


def test_builds_with_and_without_the_cache_are_identical(tmp_path: Path) -> None:
    root = example(tmp_path)
    build(root, "nothing-kept", cache=False)
    assert not (root / CACHE_DIR).exists()
    for publish in (False, True):
        plain = build(root, "plain", cache=False, publish=publish)
        cold = build(root, "cold", publish=publish)
        warm = build(root, "warm", publish=publish)
        assert cold == plain
        assert warm == plain
    entries = len(list((root / "journal" / "entries").rglob("*.md")))
    # Every entry's reflection, and the published versions of those with a private section.
    assert entries < rows(root) < 2 * entries


def test_a_warm_build_renders_no_reflection_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)
    build(root, "cold")
    rendered: list[str] = []

    def counting(body: str, link_map: LinkMap | None, prefix: str) -> str:
        rendered.append(prefix)
        return render(body, link_map, prefix)

    # The renderer every reflection is rendered with, wherever the build asks for one.
    monkeypatch.setattr(generator.site.reflection_cache, "render", counting)
    build(root, "warm")
    assert rendered == []
    entry = next((root / "journal" / "entries").rglob("*.md"))
    entry.write_text(entry.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    build(root, "edited")
    assert len(rendered) == 1


def test_a_build_without_the_cache_hashes_no_reflection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = example(tmp_path)
    hashed: list[str] = []

    def counting(body: str, anchor_prefix: str) -> str:
        hashed.append(body)
        return reflection_key(body, anchor_prefix)

    monkeypatch.setattr(generator.site.reflection_cache, "reflection_key", counting)
    build(root, "plain", cache=False)
    assert hashed == []
    build(root, "cold")
    assert len(hashed) >= len(list((root / "journal" / "entries").rglob("*.md")))


def test_a_damaged_row_or_file_is_never_trusted(tmp_path: Path) -> None:
    root = example(tmp_path)
    plain = build(root, "plain", cache=False)
    build(root, "cold")
    with sqlite3.connect(root / CACHE_DIR / STORE_FILE) as db:
        db.execute("UPDATE reflections SET html = '<p>TAMPERED</p>'")
    assert build(root, "tampered") == plain
    (root / CACHE_DIR / STORE_FILE).write_bytes(b"this is not a database" * 100)
    assert build(root, "garbage") == plain
    # Found damaged: removed, and made afresh.
    assert (root / CACHE_DIR / STORE_FILE).read_bytes().startswith(b"SQLite format 3\0")
    assert build(root, "afresh") == plain
    assert rows(root) > 0
    shutil.rmtree(root / CACHE_DIR)
    assert build(root, "deleted") == plain


def test_a_kept_reflection_is_not_used_once_its_links_lead_elsewhere(tmp_path: Path) -> None:
    root = example(tmp_path)
    entries = root / "journal" / "entries" / "2025-26"
    other = sorted(entries.glob("*.md"))[0]
    (entries / "2025-05-02-linking.md").write_text(LINKING.replace("OTHER", other.stem), "utf-8")
    first = build(root, "first")
    assert (
        f'href="../entries/{other.stem}.html#what"'.encode()
        in first["entries/2025-05-02-linking.html"]
    )
    other.rename(entries / "renamed-entry.md")
    (entries / "2025-05-02-linking.md").write_text(
        LINKING.replace("OTHER", "renamed-entry"), "utf-8"
    )
    assert build(root, "second") == build(root, "second-plain", cache=False)


def test_rendered_links_are_recorded_and_checked() -> None:
    answers = {"a.md": "../entries/a.html"}
    made = render_recorded("[a](a.md) [b](b.md) [c](https://example.org)", answers.get, "x-")
    assert made.links == (
        ("a.md", "../entries/a.html"),
        ("b.md", None),
        ("https://example.org", None),
    )
    assert made.still_valid(answers.get)
    assert not made.still_valid({"a.md": "../entries/z.html"}.get)
    assert not made.still_valid({**answers, "b.md": "../entries/b.html"}.get)


def test_a_reflection_is_held_only_where_it_may_be_saved_or_used_again(tmp_path: Path) -> None:
    made = Rendered("<p>a</p>\n")
    once = Reflections(None)  # a build without the cache, in a process that builds once
    once.note("k", made, fresh=True, keep=False)
    assert once.memory == once.fresh == {}
    serving = Reflections(None)
    serving.note("k", made, fresh=True, keep=True)
    assert serving.memory == {"k": made}
    cached = Reflections(tmp_path)
    cached.note("k", made, fresh=True, keep=False)
    assert cached.fresh == {"k": made}


def test_the_cache_is_ignored_in_git_and_pruned(tmp_path: Path) -> None:
    cache = Reflections(tmp_path / CACHE_DIR)
    cache.put("k", Rendered("<p>x</p>"))
    cache.save()
    assert (tmp_path / CACHE_DIR / ".gitignore").read_text("utf-8").splitlines()[-1] == "*"
    for _ in range(25):
        Reflections(tmp_path / CACHE_DIR).save()
    again = Reflections(tmp_path / CACHE_DIR)
    again.load(["k"])
    assert again.memory == {}
