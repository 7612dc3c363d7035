"""`pdp build`: pages, links, safety with hostile input, privacy, and output that can be trusted."""

from __future__ import annotations

import filecmp
import html
import io
import os
import posixpath
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import IO

import markupsafe
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2.compiler import CodeGenerator
from markupsafe import Markup

import generator.journal.open
import generator.parallel
import generator.site.build
import generator.site.entry_job
import generator.site.link_check
import generator.site.output
import generator.site.render
import generator.site.theme
from generator.cli import run
from generator.journal.load import find_project
from generator.model import Entry
from generator.site.build import build_site
from generator.site.output import MARKER
from generator.site.render import escape_output
from generator.site.theme import Templates

from ..conftest import REPOSITORY, TODAY
from ..helpers import tree

PRIVATE_MARKERS = (
    "PRIVATE-ENTRY-MARKER-5d1e",
    "PRIVATE-BODY-MARKER-88aa",
    "PRIVATE-TAG-MARKER-0b7c",
    "PRIVATE-SKILL-MARKER-2e4f",
    "PRIVATE-EVIDENCE-MARKER-c3d9",
    "PRIVATE-EVIDENCE-MARKER-e5f0",
    "PRIVATE-SECTION-MARKER-91c2",
)


def pdp(monkeypatch: pytest.MonkeyPatch, cwd: Path, *argv: str) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("PDP_TODAY", TODAY.isoformat())
    out, err = io.StringIO(), io.StringIO()
    return run(list(argv), out, err), out.getvalue(), err.getvalue()


class _Markup(HTMLParser):
    """Collects what could run: script elements, event handlers, and link targets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts = 0
        self.handlers: list[str] = []
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(name)
            if name in ("href", "src") and value is not None:
                self.urls.append((tag, value))


def markup_of(html: bytes) -> _Markup:
    parser = _Markup()
    parser.feed(html.decode("utf-8"))
    return parser


@pytest.fixture
def hostile(project: Callable[[str], Path]) -> Path:
    return project("hostile")


@pytest.fixture(params=["one process", "workers"])
def processes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Builds that make entry pages in this process, or in two worker processes (which
    write them and check their links themselves)."""
    if request.param == "workers":
        monkeypatch.setattr(generator.site.build, "RENDER_MIN_ENTRIES", 1)
        monkeypatch.setattr(generator.parallel, "cores", lambda: 2)
    else:
        monkeypatch.setattr(generator.site.build, "RENDER_MIN_ENTRIES", 10**9)
    return str(request.param)


def test_example_journal_builds_every_page(tmp_path: Path) -> None:
    result = build_site(find_project(REPOSITORY), TODAY, publish=False, output=tmp_path / "s")
    assert result.problems == ()
    files = tree(tmp_path / "s")
    journal = result.checked.journal
    assert journal is not None
    expected = {
        "index.html",
        "catalogue.html",
        "years/index.html",
        "goals/index.html",
        "skills/index.html",
        "tags/index.html",
        "reviews/index.html",
        "static/style.css",
        MARKER,
    }
    expected |= {f"entries/{entry.slug}.html" for entry in journal.entries}
    expected |= {f"goals/{goal.id}.html" for goal in journal.goals}
    expected |= {f"years/{y}.html" for y in ("2024-25", "2025-26", "2026-27", "2027-28")}
    expected |= {f"pack/{y}.html" for y in ("2024-25", "2025-26", "2026-27", "2027-28")}
    assert expected <= set(files)
    assert any(name.startswith("evidence/entries/") for name in files)


def test_links_are_relative_and_pages_carry_noindex(tmp_path: Path) -> None:
    build_site(find_project(REPOSITORY), TODAY, publish=True, output=tmp_path / "s")
    for name, data in tree(tmp_path / "s").items():
        if not name.endswith(".html"):
            continue
        assert b'<meta name="robots" content="noindex, nofollow">' in data, name
        for _, url in markup_of(data).urls:
            assert not url.startswith("/"), (name, url)
            assert (
                url.startswith(("https://", "http://", "mailto:", "#"))
                or ":" not in url.split("/")[0]
            ), (name, url)


def test_hostile_input_never_becomes_markup(hostile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for flags in ([], ["--publish"]):
        code, _, err = pdp(monkeypatch, hostile, "build", *flags, "-o", "out")
        assert (code, err) == (0, "")
        for name, data in tree(hostile / "out").items():
            if not name.endswith(".html"):
                continue
            markup = markup_of(data)
            assert markup.scripts == 0, name
            assert markup.handlers == [], name
            for tag, url in markup.urls:
                lowered = url.lower()
                assert not lowered.startswith(("javascript:", "vbscript:")), (name, url)
                assert not lowered.startswith("data:") or (
                    tag == "img" and lowered.startswith("data:image/png")
                ), (name, url)
            assert b"<!--" not in data and b"COMMENT-MARKER-7f3a" not in data, name


@pytest.mark.parametrize("journal", ["hostile", "example"])
def test_pages_are_what_jinja2_alone_renders(
    journal: str, hostile: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Templates compiled to call `escape_output` make every page, byte for byte, as
    Jinja2's own code (with `markupsafe.escape`) makes it."""
    project = find_project(hostile if journal == "hostile" else REPOSITORY)
    built = {}
    try:
        for name, compiler in (
            ("ours", generator.site.render.PageEnvironment.code_generator_class),
            ("jinja2", CodeGenerator),
        ):
            monkeypatch.setattr(
                generator.site.render.PageEnvironment, "code_generator_class", compiler
            )
            generator.site.render.environment.cache_clear()  # templates compiled by `compiler`
            for publish in (False, True):
                output = tmp_path / f"{name}-{publish}"
                assert build_site(project, TODAY, publish, output, cache=False).problems == ()
                built[name, publish] = tree(output)
    finally:  # no later test gets templates compiled by Jinja2's own generator
        generator.site.render.environment.cache_clear()
    for publish in (False, True):
        assert built["ours", publish] == built["jinja2", publish]


def test_templates_compile_to_call_escape_output() -> None:
    env = generator.site.render.environment(Templates((("page.html", b"{{ x }}"),)))
    assert "environment.escape_output(" in str(env.compile("{{ x }}", raw=True))
    assert env.get_template("page.html").render(x="<a href='#'>") == "&lt;a href=&#39;#&#39;&gt;"


class _Shown:
    """Markup of its own, as a template may be given."""

    def __init__(self, html: object) -> None:
        self.html = html

    def __html__(self) -> object:
        return self.html


@given(
    st.one_of(
        st.text(),
        st.builds(Markup, st.text()),
        st.integers(),
        st.none(),
        st.decimals(allow_nan=False),
        st.builds(_Shown, st.text()),
        st.builds(_Shown, st.integers()),
    )
)
@settings(max_examples=1500, deadline=None)
def test_escape_output_is_markupsafe_escape(value: object) -> None:
    assert escape_output(value) == str(markupsafe.escape(value))
    assert type(escape_output(value)) in (str, Markup)


@given(st.text())
def test_escape_without_markupsafe_c_helper_is_the_same(text: str) -> None:
    assert generator.site.render._escape_slowly(text) == generator.site.render._escape_text(text)


# Pages in folders side by side and nested, with links that leave their folder in every way.
_FOLDERS = st.sampled_from(["", "tags", "skills", "pack", "entries", "a/b", "a/c", "a"])
_LINKS = st.lists(
    st.sampled_from(
        [
            "../x.html",
            "../tags/t.html",
            "../../x.html",
            "..//x.html",
            "../?q",
            "../#top",
            "../",
            "..",
            "../a/b/p.html",
            "../b/p.html",
            "x.html",
            "t.html",
            "../entries/e.html",
            "..&#47;x.html",
            "../a&amp;b.html",
            "https://example.org/",
            "http://a.example/x.html",
            "mailto:a@example.org",
            "https:x.html",
            "#top",
        ]
    ),
    max_size=6,
)


@given(st.lists(st.tuples(_FOLDERS, _LINKS), min_size=1, max_size=8))
@settings(max_examples=500)
def test_a_link_check_kept_across_pages_finds_each_page_s_broken_links(
    pages: list[tuple[str, list[str]]],
) -> None:
    existing = frozenset(
        {
            "x.html",
            "tags/t.html",
            "entries/e.html",
            "a/b/p.html",
            "b/p.html",
            "a/x.html",
            "a&b.html",
        }
    )
    check = generator.site.link_check.LinkCheck(existing, {}, {}, None)
    for number, (folder, links) in enumerate(pages):
        path = posixpath.join(folder, f"page-{number}.html")
        data = "".join(f'<a href="{link}">' for link in links).encode()
        targets = {
            (shown, generator.site.link_check._internal_target(folder, shown))
            for shown in map(html.unescape, links)
        }
        assert check.unresolved(path, data) == sorted(
            (shown, target)
            for shown, target in targets
            if target is not None and target not in existing
        )


def test_publish_leaves_out_every_private_thing(
    hostile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert pdp(monkeypatch, hostile, "build", "--publish", "-o", "out")[0] == 0
    published = tree(hostile / "out")
    for name, data in published.items():
        for marker in PRIVATE_MARKERS:
            assert marker.encode() not in data, (name, marker)
    assert "evidence/entries/certificate.txt" in published
    assert not any("secret" in name or "kept-back" in name for name in published)
    entry = published["entries/hostile.html"].decode()
    assert "Still public." in entry
    assert "Private notes" not in entry


def test_own_build_shows_private_things_marked(
    hostile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert pdp(monkeypatch, hostile, "build", "-o", "out")[0] == 0
    files = tree(hostile / "out")
    everything = b"".join(files.values())
    for marker in PRIVATE_MARKERS:
        assert marker.encode() in everything, marker
    secret = files["entries/secret.html"].decode()
    assert "Private: left out of the published portfolio" in secret
    assert '<div class="private-section">' in files["entries/hostile.html"].decode()


def test_links_between_entries_and_to_evidence(
    hostile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert pdp(monkeypatch, hostile, "build", "--publish", "-o", "out")[0] == 0
    page = (hostile / "out/entries/public.html").read_text("utf-8")
    assert '<a href="../evidence/entries/certificate.txt">the certificate</a>' in page
    assert '<a href="../entries/hostile.html#r-what-i-did">the hostile entry</a>' in page


def test_broken_link_fails_the_build_and_keeps_the_old_site(
    hostile: Path, monkeypatch: pytest.MonkeyPatch, processes: str
) -> None:
    assert pdp(monkeypatch, hostile, "build", "-o", "out")[0] == 0
    before = tree(hostile / "out")
    entry = hostile / "journal/entries/public.md"
    entry.write_text(entry.read_text("utf-8") + "\nAlso [notes](notes/missing.pdf).\n", "utf-8")
    code, out, err = pdp(monkeypatch, hostile, "build", "-o", "out")
    assert (code, out) == (1, "")
    assert err == (
        "journal/entries/public.md:11:1: error[B001] body: the link 'notes/missing.pdf' leads "
        "to no page or file of the site\n"
        "    hint: link to another entry's .md file or to a file listed as evidence, or use a "
        "full https:// address\n"
        "pdp: the site was not built; the previous site is unchanged\n"
    )
    assert tree(hostile / "out") == before


def test_journal_errors_stop_the_build(hostile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (hostile / "journal/entries/bad.md").write_text("---\ntitle: x\n---\n", "utf-8")
    code, _, err = pdp(monkeypatch, hostile, "build", "-o", "out")
    assert code == 1
    assert "error[V001] date: 'date' is required" in err
    assert not (hostile / "out").exists()


def assert_full_disk(err: str, where: str) -> None:
    """The message of a build stopped by a full disk, naming a file that matches `where`."""
    assert re.fullmatch(
        r"pdp: error: could not write the site: No space left on device: " + where + r"\n"
        r"  hint: check the output folder's permissions and free space\n",
        err,
    ), err


def test_interrupted_write_keeps_the_old_site(
    hostile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert pdp(monkeypatch, hostile, "build", "-o", "out")[0] == 0
    before = tree(hostile / "out")
    calls = {"count": 0}
    real = generator.site.output._write

    def failing(path: Path, data: bytes) -> None:
        calls["count"] += 1
        if calls["count"] == 5:
            raise OSError(28, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(generator.site.output, "_write", failing)
    # --no-cache: a real build, though nothing changed
    code, _, err = pdp(monkeypatch, hostile, "build", "--no-cache", "-o", "out")
    assert code == 1
    assert_full_disk(err, r"out/[^.]\S*")
    assert tree(hostile / "out") == before
    assert sorted(p.name for p in hostile.iterdir() if p.name.startswith(".out")) == []


def test_failed_write_of_an_entry_page_keeps_the_old_site(
    hostile: Path, monkeypatch: pytest.MonkeyPatch, processes: str
) -> None:
    assert pdp(monkeypatch, hostile, "build", "-o", "out")[0] == 0
    before = tree(hostile / "out")
    real = generator.site.output._write

    def failing(path: Path, data: bytes) -> None:
        if path.name == "public.html":
            raise OSError(28, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(generator.site.output, "_write", failing)
    # --no-cache: a real build, though nothing changed
    code, _, err = pdp(monkeypatch, hostile, "build", "--no-cache", "-o", "out")
    assert code == 1
    assert_full_disk(err, r"out/entries/public\.html")
    assert tree(hostile / "out") == before
    assert sorted(p.name for p in hostile.iterdir() if p.name.startswith(".out")) == []


class _FullDisk(io.BytesIO):
    """A file on a full disk: its write fails, and like a real one names no file."""

    def write(self, data: object) -> int:
        raise OSError(28, "No space left on device")


def test_full_disk_names_the_file_it_could_not_write(
    hostile: Path, monkeypatch: pytest.MonkeyPatch, processes: str
) -> None:
    assert pdp(monkeypatch, hostile, "build", "-o", "out")[0] == 0
    before = tree(hostile / "out")

    def opening(path: Path, mode: str) -> IO[bytes]:
        return _FullDisk() if path.name == "public.html" else open(path, mode)

    monkeypatch.setattr(generator.site.output, "open", opening, raising=False)
    # --no-cache: a real build, though nothing changed
    code, _, err = pdp(monkeypatch, hostile, "build", "--no-cache", "-o", "out")
    assert code == 1
    assert_full_disk(err, r"out/entries/public\.html")
    assert tree(hostile / "out") == before


def test_full_disk_while_copying_names_the_copy(
    hostile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def copying(source: Path, target: Path, follow_symlinks: bool = True) -> None:
        raise OSError(28, "No space left on device", str(source))  # as shutil names it

    monkeypatch.setattr(shutil, "copyfile", copying)
    code, _, err = pdp(monkeypatch, hostile, "build", "-o", "out")
    assert code == 1
    assert_full_disk(err, r"out/(?:static|evidence)/\S+")


# A build that is killed once it has written its first page.
DYING_BUILD = (
    "import os, generator.site.output as o\n"
    "real = o._write\n"
    "def dying(path, data):\n"
    "    real(path, data)\n"
    "    if path.name.endswith('.html'): os._exit(9)\n"
    "o._write = dying\n"
    "from generator.cli import main\nmain()\n"
)


def test_killed_build_keeps_the_old_site(hostile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert pdp(monkeypatch, hostile, "build", "-o", "out")[0] == 0
    before = tree(hostile / "out")
    result = subprocess.run(
        [sys.executable, "-c", DYING_BUILD, "build", "--no-cache", "-o", "out"],
        cwd=hostile,
        check=False,
        capture_output=True,
    )
    assert result.returncode == 9
    assert tree(hostile / "out") == before


def test_builds_are_byte_identical(tmp_path: Path) -> None:
    project = find_project(REPOSITORY)
    build_site(project, TODAY, publish=True, output=tmp_path / "one")
    build_site(project, TODAY, publish=True, output=tmp_path / "two")
    comparison = filecmp.dircmp(tmp_path / "one", tmp_path / "two")
    assert tree(tmp_path / "one") == tree(tmp_path / "two"), comparison.diff_files


def test_refuses_output_that_overlaps_the_journal(
    hostile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (hostile / "themes").mkdir()
    for target in ("journal", "journal/site", "themes", "themes/default", ".", "..", "pdp.toml"):
        code, _, err = pdp(monkeypatch, hostile, "build", "-o", target)
        assert code == 2, target
        assert err.startswith("pdp: error: the output folder"), err


@pytest.mark.parametrize("output", ["out", "out/site"])
def test_output_in_a_loop_of_links_is_refused(
    hostile: Path, monkeypatch: pytest.MonkeyPatch, output: str, link_loops: str
) -> None:
    os.symlink("out", hostile / "out")
    code, _, err = pdp(monkeypatch, hostile, "build", "-o", output)
    assert (code, err) == (
        2,
        f"pdp: error: the output folder {output} leads into a loop of "
        "links that never reaches a folder\n"
        "  hint: replace the link with a folder, or build into another "
        "folder with -o\n",
    )


def test_themes_folder_in_a_loop_of_links_is_no_overlap(
    hostile: Path, monkeypatch: pytest.MonkeyPatch, link_loops: str
) -> None:
    os.symlink("themes", hostile / "themes")
    code, out, _ = pdp(monkeypatch, hostile, "build", "-o", "out")
    assert code == 0, out
    assert (hostile / "out/index.html").is_file()


def test_never_deletes_a_folder_it_did_not_make(
    hostile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = hostile / "out"
    mine.mkdir()
    (mine / "thesis.docx").write_text("years of work")
    code, _, err = pdp(monkeypatch, hostile, "build", "-o", "out")
    assert code == 2
    assert err == (
        "pdp: error: out exists and was not made by pdp; it was left as it is\n"
        "  hint: remove it yourself, or build into another folder with -o\n"
    )
    assert (mine / "thesis.docx").read_text() == "years of work"


def test_theme_files_can_be_replaced_one_by_one(
    hostile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    theme = hostile / "themes/default"
    (theme / "templates").mkdir(parents=True)
    (theme / "static").mkdir()
    (theme / "templates/catalogue.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>My catalogue</h1>{% endblock %}'
    )
    (theme / "static/style.css").write_text("body { color: green; }\n")
    assert pdp(monkeypatch, hostile, "build", "-o", "out")[0] == 0
    assert "<h1>My catalogue</h1>" in (hostile / "out/catalogue.html").read_text()
    assert (hostile / "out/static/style.css").read_text() == "body { color: green; }\n"
    assert "<h1>Am I on track for " in (hostile / "out/index.html").read_text()


def test_a_theme_reads_the_site_as_fields_or_by_name(
    hostile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (hostile / "themes/default/templates").mkdir(parents=True)
    (hostile / "themes/default/templates/catalogue.html").write_text(
        '<p>{{ site.name }}|{{ site["name"] }}|{{ site.role }}|{{ site["target"] }}</p>'
    )
    assert pdp(monkeypatch, hostile, "build", "-o", "out")[0] == 0
    name = "Casey &lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt; Doe"
    role = "Comms &#34; onmouseover=&#34;alert(1)"
    assert (hostile / "out/catalogue.html").read_text() == f"<p>{name}|{name}|{role}|30</p>"


def test_unknown_theme_is_an_error(hostile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = hostile / "pdp.toml"
    config.write_text(config.read_text() + 'theme = "fancy"\n')
    code, _, err = pdp(monkeypatch, hostile, "build", "-o", "out")
    assert code == 1
    assert err.startswith("pdp: error: no theme 'fancy'")


def test_empty_journal_has_a_page_for_each_empty_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pdp.toml").write_text('name = "New Member"\n')
    assert pdp(monkeypatch, tmp_path, "build")[0] == 0
    dashboard = (tmp_path / "site/index.html").read_text()
    assert "No entries done yet this year." in dashboard
    assert "No goals yet." in dashboard
    assert "No entries done in 2026-27 yet." in (tmp_path / "site/years/2026-27.html").read_text()


def test_installed_package_builds_a_journal_anywhere(
    tmp_path: Path, project: Callable[[str], Path]
) -> None:
    """A plain (non-editable) install carries its theme: build with the wheel's package."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path / "wheel"),
            str(REPOSITORY),
        ],
        check=True,
    )
    wheel = next((tmp_path / "wheel").glob("pdp_journal-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "generator/themes/default/templates/base.html",
        "generator/themes/default/static/style.css",
        "generator/data/catalogue.toml",
    } <= names
    zipfile.ZipFile(wheel).extractall(tmp_path / "installed")
    journal = project("small")
    script = (
        "import generator, sys\n"
        "assert generator.__file__.startswith(sys.argv[1]), generator.__file__\n"
        "from generator.cli import main\nsys.argv[1:] = ['build']\nmain()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "installed")],
        cwd=journal,
        env={
            "PYTHONPATH": str(tmp_path / "installed"),
            "PDP_TODAY": TODAY.isoformat(),
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Dashboard" in (journal / "site/index.html").read_text("utf-8")
    assert (journal / "site/static/style.css").is_file()


def test_a_theme_of_ones_own_falls_back_to_the_default(
    hostile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (hostile / "themes/plain/templates").mkdir(parents=True)
    (hostile / "themes/plain/templates/catalogue.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>Plain catalogue</h1>{% endblock %}'
    )
    config = hostile / "pdp.toml"
    config.write_text(config.read_text() + 'theme = "plain"\n')
    assert pdp(monkeypatch, hostile, "build", "-o", "out")[0] == 0
    assert "<h1>Plain catalogue</h1>" in (hostile / "out/catalogue.html").read_text()
    assert (hostile / "out/static/style.css").is_file()


def test_html_has_no_double_ids(tmp_path: Path) -> None:
    build_site(find_project(REPOSITORY), TODAY, publish=False, output=tmp_path / "s")
    for name, data in tree(tmp_path / "s").items():
        if name.endswith(".html"):
            ids = re.findall(rb'\sid="([^"]+)"', data)
            assert len(ids) == len(set(ids)), name


def test_configuration_shapes_the_published_site(
    hostile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (hostile / "journal/entries/plan.md").write_text(
        "---\ntitle: PLANNED-MARKER-77aa\ndate: 2027-02-01\nactivity: conference\n"
        "hours: 7\nstatus: planned\n---\n## Plan\nGo.\n",
        "utf-8",
    )
    assert pdp(monkeypatch, hostile, "build", "--publish", "-o", "out")[0] == 0
    assert b"PLANNED-MARKER-77aa" in b"".join(tree(hostile / "out").values())
    config = hostile / "pdp.toml"
    config.write_text(
        config.read_text() + "publish_planned = false\nsearch_engines = true\nbuild_time = true\n"
    )
    assert pdp(monkeypatch, hostile, "build", "--publish", "-o", "out")[0] == 0
    published = tree(hostile / "out")
    assert b"PLANNED-MARKER-77aa" not in b"".join(published.values())
    assert b"noindex" not in published["index.html"]
    assert re.search(rb"Built \d{4}-\d\d-\d\d \d\d:\d\d UTC\.", published["index.html"])
    assert pdp(monkeypatch, hostile, "build", "-o", "out")[0] == 0
    assert b"PLANNED-MARKER-77aa" in b"".join(tree(hostile / "out").values())


@pytest.mark.parametrize("publish", [False, True])
def test_workers_build_the_same_site_as_one_process(
    tmp_path: Path, publish: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generator.site.build, "RENDER_MIN_ENTRIES", 1)
    monkeypatch.setattr(generator.journal.open, "PARALLEL_MIN_FILES", 1)
    project = find_project(REPOSITORY)
    alone = build_site(project, TODAY, publish, tmp_path / "alone", jobs=1, cache=False)
    shared = build_site(project, TODAY, publish, tmp_path / "shared", jobs=2, cache=False)
    assert (alone.problems, shared.problems) == ((), ())
    assert tree(tmp_path / "shared") == tree(tmp_path / "alone")


_ENTRY_FILES = generator.site.entry_job.entry_files


def _entry_files_leaving_the_job_as_it_was(
    job: generator.site.entry_job.EntryJob, entries: list[Entry]
) -> list[object]:
    """The chunks of a stage share their job: making a chunk's pages must not change it."""
    reflections = job.reflections
    before = (dict(reflections.memory), set(reflections.used), dict(reflections.keys))
    made = _ENTRY_FILES(job, entries)
    after = (dict(reflections.memory), set(reflections.used), dict(reflections.keys))
    assert after == before, "a chunk changed the job it shares with the other chunks"
    return list(made)


def test_a_chunk_of_entries_leaves_its_shared_job_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, processes: str
) -> None:
    root = tmp_path / "project"
    shutil.copytree(REPOSITORY / "journal", root / "journal")
    shutil.copy(REPOSITORY / "pdp.toml", root)
    project = find_project(root)
    build_site(project, TODAY, False, tmp_path / "out")  # fills the cache
    monkeypatch.setattr(generator.site.build, "entry_files", _entry_files_leaving_the_job_as_it_was)
    warm = build_site(project, TODAY, False, tmp_path / "out")
    assert warm.problems == ()


@pytest.mark.parametrize("publish", [False, True])
def test_workers_build_warm_the_same_site_as_one_process_cold(
    tmp_path: Path, publish: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generator.site.build, "RENDER_MIN_ENTRIES", 1)
    monkeypatch.setattr(generator.journal.open, "PARALLEL_MIN_FILES", 1)
    root = tmp_path / "project"
    shutil.copytree(REPOSITORY / "journal", root / "journal")
    shutil.copy(REPOSITORY / "pdp.toml", root)
    project = find_project(root)
    alone = build_site(project, TODAY, publish, tmp_path / "alone", jobs=1, cache=False)
    first = build_site(project, TODAY, publish, tmp_path / "warm", jobs=2)
    warm = build_site(project, TODAY, publish, tmp_path / "warm", jobs=2)  # from the cache
    assert (alone.problems, first.problems, warm.problems) == ((), (), ())
    assert (root / ".pdp-cache").is_dir()
    assert tree(tmp_path / "warm") == tree(tmp_path / "alone")


def test_output_that_is_a_link_is_refused_and_left_as_it_is(
    hostile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert pdp(monkeypatch, hostile, "build", "-o", "real")[0] == 0
    before = tree(hostile / "real")
    os.symlink("real", hostile / "out")
    code, _, err = pdp(monkeypatch, hostile, "build", "-o", "out")
    assert (code, err) == (
        2,
        "pdp: error: the output folder out is a link; it was left as it "
        "is\n  hint: build into the folder it leads to, or into another "
        "folder with -o\n",
    )
    assert os.readlink(hostile / "out") == "real"
    assert tree(hostile / "real") == before
    assert sorted(p.name for p in hostile.iterdir() if p.name.startswith(".out")) == []


def _dead_pid() -> int:
    """The number of a process that has ended."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout)


def test_a_killed_builds_folder_is_removed_by_the_next_and_nothing_else(
    hostile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert pdp(monkeypatch, hostile, "build", "-o", "out")[0] == 0
    killed = subprocess.run(
        [sys.executable, "-c", DYING_BUILD, "build", "--no-cache", "-o", "out"],
        cwd=hostile,
        check=False,
        capture_output=True,
    )
    assert killed.returncode == 9
    left_by_kill = [p for p in hostile.iterdir() if p.name.startswith(".out.new-")]
    assert len(left_by_kill) == 1 and (left_by_kill[0] / MARKER).is_file()
    # What pdp did not make, or may still be making, stays: unmarked, a link, a live process's.
    dead = _dead_pid()
    kept = {
        f".out.old-{dead}",
        f".out.new-{os.getppid()}",
        f".out.new-{dead}x",
        f".other.new-{dead}",
        f".out.new-{dead + 1}",
    }
    (hostile / f".out.old-{dead}").mkdir()  # no marker
    (hostile / f".out.new-{os.getppid()}").mkdir()
    (hostile / f".out.new-{os.getppid()}" / MARKER).write_text("")
    for name in (f".out.new-{dead}x", f".other.new-{dead}"):
        shutil.copytree(hostile / "out", hostile / name)
    marked_elsewhere = hostile / "elsewhere"
    shutil.copytree(hostile / "out", marked_elsewhere)
    os.symlink("elsewhere", hostile / f".out.new-{dead + 1}")
    assert pdp(monkeypatch, hostile, "build", "-o", "out")[0] == 0
    assert {p.name for p in hostile.iterdir() if p.name.startswith((".out", ".other"))} == kept
    assert (marked_elsewhere / MARKER).is_file()


def test_theme_links_that_lead_outside_the_theme_are_never_published(
    hostile: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd.css").write_text("SECRET-OUTSIDE-THE-THEME-4d2a")
    static = hostile / "themes/default/static"
    static.mkdir(parents=True)
    (static / "own.css").write_text("p { margin: 0 }")
    os.symlink("own.css", static / "alias.css")  # inside the theme: copied as the file
    assert pdp(monkeypatch, hostile, "build", "-o", "out")[0] == 0
    assert (hostile / "out/static/alias.css").read_text() == "p { margin: 0 }"
    refused = (
        "pdp: error: the theme file themes/default/static/passwd.css is a link to "
        "somewhere outside its theme folder\n"
        "  hint: copy the file into the theme folder instead of linking to it\n"
    )
    os.symlink(outside / "passwd.css", static / "passwd.css")
    for argv in (
        ["build", "-o", "out2"],
        ["build", "--publish", "-o", "out2"],
        ["pack", "-o", "pack.zip"],
    ):
        assert pdp(monkeypatch, hostile, *argv)[::2] == (1, refused), argv
    (static / "passwd.css").unlink()
    shutil.rmtree(static)
    os.symlink(outside, static)  # the whole static folder
    code, _, err = pdp(monkeypatch, hostile, "build", "--publish", "-o", "out2")
    assert (code, err) == (1, refused)
    assert not (hostile / "out2").exists() and not (hostile / "pack.zip").exists()
    assert b"SECRET-OUTSIDE" not in b"".join(tree(hostile / "out").values())


def test_a_link_changed_during_the_build_is_not_copied(
    hostile: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each copy is checked again as it is copied: a link may change after it was listed."""
    (tmp_path / "passwd.css").write_text("SECRET-OUTSIDE-THE-THEME-4d2a")
    static = hostile / "themes/default/static"
    static.mkdir(parents=True)
    os.symlink(tmp_path / "passwd.css", static / "passwd.css")
    monkeypatch.setattr(generator.site.theme, "_refuse_leaving", lambda path, folder: None)
    code, _, err = pdp(monkeypatch, hostile, "build", "-o", "out")
    assert (code, err) == (
        1,
        "pdp: error: themes/default/static/passwd.css changed while the "
        "site was built: it leads outside the journal and the theme now, "
        "and was not copied\n"
        "  hint: build again, once no other program is changing the "
        "files\n",
    )
    assert not (hostile / "out").exists()
