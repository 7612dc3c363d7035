"""Render planned pages through the theme's Jinja2 templates, and check every internal link.

Pure apart from reading theme files: pages in, a mapping of output path -> bytes out.
"""

from __future__ import annotations

import functools
import hashlib
import html
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
from jinja2.compiler import CodeGenerator, Frame

from ..errors import PdpError
from ..journal.codes import problem
from ..journal.load import leads_inside
from ..journal.markdown import PLAIN_TEXT
from ..model import Problem
from .formats import figure, long_date, percent
from .plan import Page

THEMES_DIR = "themes"


@dataclass(frozen=True, slots=True)
class Theme:
    """Where a theme's templates and static files come from, most specific first."""

    folders: tuple[Path, ...]

    def templates(self) -> list[str]:
        return [str(folder / "templates") for folder in self.folders
                if (folder / "templates").is_dir()]

    def static_files(self) -> dict[str, Path]:
        """Static files by output path; a file in an earlier folder replaces a later one.

        A link that leads out of its theme's folder stops the build: what it leads to (any
        file of the computer) was never part of the theme, and the site may be public.
        """
        files: dict[str, Path] = {}
        for folder in reversed(self.folders):
            static = folder / "static"
            for path in sorted(static.rglob("*")) if static.is_dir() else ():
                if path.is_file() and not path.name.startswith("."):
                    _refuse_leaving(path, folder)
                    files["static/" + path.relative_to(static).as_posix()] = path
        return files


def _refuse_leaving(path: Path, folder: Path) -> None:
    """An error unless `path`, once its links are followed, is a file inside `folder`."""
    if leads_inside(path, (folder,)) is None:
        raise PdpError(f"the theme file {os.path.relpath(path)} is a link to somewhere outside "
                       "its theme folder",
                       "copy the file into the theme folder instead of linking to it")


def shipped_themes() -> Path:
    """The themes folder that ships with the package (or the checkout's, when editable)."""
    return Path(str(resources.files("generator.themes")))


def find_theme(project_root: Path, name: str) -> Theme:
    """The project's theme folder over the shipped theme of that name, over the default."""
    candidates = [project_root / THEMES_DIR / name, shipped_themes() / name,
                  shipped_themes() / "default"]
    folders: list[Path] = []
    for folder in candidates:
        if folder.is_dir() and folder.resolve() not in {f.resolve() for f in folders}:
            folders.append(folder)
    if not (project_root / THEMES_DIR / name).is_dir() and not (shipped_themes() / name).is_dir():
        raise PdpError(f"no theme '{name}'",
                       f"create themes/{name}/ in the journal project, or use theme = "
                       "\"default\"")
    return Theme(tuple(folders))


@dataclass(frozen=True, slots=True)
class Templates:
    """A theme's templates as read once, by name (where two folders have one, the more
    specific folder's): a build renders every page from this very copy, so that a template
    saved during the build cannot make pages that do not match what the build noted."""

    files: tuple[tuple[str, bytes], ...]

    def load(self, name: str) -> tuple[str, str, Callable[[], bool]] | None:
        data = dict(self.files).get(name)
        if data is None:
            return None
        return data.decode("utf-8"), name, lambda: True

    def digest(self) -> bytes:
        """A digest of every name and text (each length-prefixed: no two sets share one)."""
        digest = hashlib.blake2b(digest_size=20)
        for name, data in self.files:
            encoded = name.encode("utf-8", "surrogateescape")
            digest.update(b"%d:%b%d:%b" % (len(encoded), encoded, len(data), data))
        return digest.digest()


def read_templates(theme: Theme) -> Templates:
    """Every file in the theme's template folders, following linked sub-folders as Jinja2
    would (each real folder once)."""
    found: dict[str, bytes] = {}
    for folder in theme.templates():
        for name, path in _files_under(Path(folder)):
            if name not in found:
                try:
                    found[name] = path.read_bytes()
                except OSError as err:
                    raise PdpError(f"could not read the theme's template {name}: "
                                   f"{err.strerror}", "check the theme folder's permissions"
                                   ) from err
    return Templates(tuple(sorted(found.items())))


def _files_under(folder: Path) -> Iterator[tuple[str, Path]]:
    seen: set[str] = set()
    for current, folders, files in os.walk(folder, followlinks=True):
        real = os.path.realpath(current)
        if real in seen:  # a loop of links
            folders.clear()
            continue
        seen.add(real)
        folders.sort()
        for name in sorted(files):
            path = Path(current, name)
            if path.is_file():
                yield path.relative_to(folder).as_posix(), path


def _escape_slowly(text: str, /) -> str:
    return str(markupsafe.escape(text))


# What `markupsafe.escape` escapes a string with (in C), as a plain string; in a MarkupSafe
# without it (before 3.0), the same text through `escape` itself.
_escape_text: Callable[[str], str] = getattr(markupsafe, "_escape_inner", _escape_slowly)


def escape_output(value: object) -> str:
    """The text of `markupsafe.escape(value)`, without making it a `Markup` first.

    Every autoescaped `{{ ... }}` of a template calls this: its result is only ever joined
    into the page, and making a `Markup` of each (as `escape` does, in Python) was a third
    of the time a page took to render.
    """
    if type(value) is str:
        return _escape_text(value)
    html = getattr(value, "__html__", None)
    if html is not None:  # markup already, such as a rendered reflection
        shown = html()
        return shown if isinstance(shown, str) else str(shown)
    return _escape_text(str(value))


class _EscapingCodeGenerator(CodeGenerator):
    """Jinja2's code generator, but each autoescaped output calls `escape_output`.

    `_output_child_pre` is Jinja2's own hook, not a documented one: should a release stop
    calling it, pages still render the same, only slower, and
    `test_templates_compile_to_call_escape_output` fails.
    """

    def _output_child_pre(self, node: jinja2.nodes.Expr, frame: Frame,
                          finalize: CodeGenerator._FinalizeInfo) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("environment.escape_output(")  # `environment`: the template's own
        if finalize.src is not None:
            self.write(finalize.src)


class PageEnvironment(jinja2.Environment):
    """A Jinja2 environment whose templates render the same text, faster."""

    code_generator_class = _EscapingCodeGenerator
    escape_output = staticmethod(escape_output)


@functools.cache  # one per set of templates and process: templates compile once
def environment(templates: Templates) -> jinja2.Environment:
    """Autoescaping for every template, and an error for any undefined name."""
    env = PageEnvironment(
        loader=jinja2.FunctionLoader(templates.load),
        autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(figure=figure, percent=percent, long_date=long_date)
    return env


@dataclass(slots=True)
class PageMemo:
    """Pages rendered before, by path: a page whose template and context are equal to last
    time's is not rendered again. Only for one theme, as it was: a theme that changes needs a
    new memo."""

    rendered: dict[str, tuple[str, Mapping[str, Any], bytes]] = field(default_factory=dict)

    def render(self, env: jinja2.Environment, page: Page) -> bytes:
        kept = self.rendered.get(page.path)
        if kept is not None and kept[0] == page.template and kept[1] == page.context:
            return kept[2]
        return self.remember(page, render_page(env, page))

    def remember(self, page: Page, data: bytes) -> bytes:
        """Keep what `page` rendered to (elsewhere, such as in a worker process)."""
        self.rendered[page.path] = (page.template, page.context, data)
        return data

    def forget_all_but(self, paths: Iterable[str]) -> None:
        """Drop the pages that are gone, so their views do not stay in memory."""
        for path in self.rendered.keys() - set(paths):
            del self.rendered[path]


def render_page(env: jinja2.Environment, page: Page) -> bytes:
    try:
        html = env.get_template(page.template).render(page.context)
    except jinja2.TemplateError as err:
        raise PdpError(f"the theme's template {page.template} failed: {err}",
                       "fix the template in your theme folder") from err
    except (ArithmeticError, AttributeError, LookupError, RecursionError, TypeError,
            ValueError) as err:  # what a template's own expressions can raise
        raise PdpError(f"the theme's template {page.template} failed: "
                       f"{type(err).__name__}: {err}",
                       "fix the template in your theme folder") from err
    return html.encode("utf-8")


# The pages are our own output: Jinja2 and markdown-it-py always quote attributes with ", so
# every link is found by a split at each href (far faster than an HTML parser, and faster
# than a regular expression), and the rare src by a pattern.
_HREF = b' href="'
_SRC = re.compile(rb' src="([^"]*)"')


def _links(data: bytes) -> list[bytes]:
    """Every href and src value of one of our pages, as written."""
    links = [part.partition(b'"')[0] for part in data.split(_HREF)[1:]]
    if b' src="' in data:
        links.extend(_SRC.findall(data))
    return links


@dataclass(slots=True)
class LinkMemo:
    """What the last link check found sound: while the site has the same files, a page
    whose bytes are the very same object as then needs no check."""

    existing: frozenset[str] = frozenset()
    sound: dict[str, bytes] = field(default_factory=dict)


@dataclass(slots=True)
class LinkCheck:
    """Checks each page's internal links as the page is made, against every file the site
    will have, so pages need not be kept for it. Problems name the journal file a page comes
    from, and each broken link is reported once."""

    existing: frozenset[str]
    sources: Mapping[str, str]  # page -> the journal file it shows
    bodies: Mapping[str, tuple[str, int]]  # journal file -> its body and first body line
    memo: LinkMemo | None  # None: nothing kept for a next check, no page held
    problems: list[Problem] = field(default_factory=list)
    reported: set[str] = field(default_factory=set)
    sound: dict[str, bytes] = field(default_factory=dict)
    # Most links recur on every page of a folder: each link as found, by folder, and the
    # link as written with the file it leads to if that is unknown, else _SOUND.
    verdicts: dict[str, dict[bytes, tuple[str, str]]] = field(default_factory=dict)
    # A link that first leaves its folder ("../") leads to the same file from each folder
    # beside it (years, goals, skills, tags, packs): kept by the folder that holds them all.
    upward: dict[str, dict[bytes, tuple[str, str]]] = field(default_factory=dict)
    # What the last check found sound holds only while the site has the same files.
    before: dict[str, bytes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.memo is not None and self.memo.existing == self.existing:
            self.before = self.memo.sound

    def page(self, path: str, data: bytes) -> None:
        if self.before.get(path) is data:
            self.sound[path] = data
            return
        broken = self.broken_links(path, data)
        if broken:
            self.report(path, broken)
        elif self.memo is not None:
            self.sound[path] = data

    def broken_links(self, path: str, data: bytes) -> list[str]:
        """The links of a page that lead nowhere in the site, each once, in order."""
        return [link for link, _ in self.unresolved(path, data)]

    def unresolved(self, path: str, data: bytes) -> list[tuple[str, str]]:
        """Each link of a page (as written) that leads to no file this check knows of, and
        the file it leads to: each once, in order."""
        folder = posixpath.dirname(path)
        own = self.verdicts.setdefault(folder, {})
        up = self.upward.setdefault(posixpath.dirname(folder), {}) if folder else own
        found: list[tuple[str, str]] = []
        for raw in _links(data):
            if raw.startswith(_WEB):  # most links of a reflection: sound from anywhere
                continue
            verdicts = up if raw.startswith(b"../") else own
            verdict = verdicts.get(raw)
            if verdict is None:
                verdict = verdicts[raw] = self._verdict(folder, raw)
            if verdict is not _SOUND:
                found.append(verdict)
        return sorted(set(found))

    def _verdict(self, folder: str, raw: bytes) -> tuple[str, str]:
        link = html.unescape(raw.decode("utf-8"))
        target = _internal_target(folder, link)
        return _SOUND if target is None or target in self.existing else (link, target)

    def report(self, path: str, broken: Iterable[str]) -> None:
        """Note the broken links of a page (found here, or by `broken_links` elsewhere)."""
        for link in broken:
            if link not in self.reported:
                self.reported.add(link)
                source = self.sources.get(path, "")
                self.problems.append(_broken(source or path, link, self.bodies.get(source)))

    def finish(self) -> list[Problem]:
        """Every problem found; the pages found sound are remembered for the next check."""
        if self.memo is not None:
            self.memo.existing, self.memo.sound = self.existing, self.sound
        return sorted(self.problems, key=Problem.sort_key)


_SOUND = ("", "")  # the verdict on a link to a file of the site, or outside it
_WEB = (b"https://", b"http://", b"mailto:")  # links out of the site


def _internal_target(folder: str, link: str) -> str | None:
    target = link.split("#", 1)[0].split("?", 1)[0]
    if not target or ":" in target or target.startswith("//"):
        return None
    return posixpath.normpath(posixpath.join(folder, target))


def _line_of(link: str, body: tuple[str, int] | None) -> int:
    """The line of the file (whose body and first body line are `body`) where a link is."""
    line = 1
    if body is not None:
        text, first_line = body
        found = text.find(link.split("#", 1)[0])
        if found != -1:
            line = first_line + text.count("\n", 0, found)
    return line


def left_out_links(source: str, links: Iterable[tuple[str, str | None]],
                   body: tuple[str, int] | None) -> list[Problem]:
    """A warning for each link of a published reflection (each address its rendering asked
    about, with the answer) that is shown as its text alone: it leads to something the
    published portfolio leaves out."""
    return [problem("W006", source, _line_of(link, body), 1, "body",
                    f"the link '{link}' leads to something the published portfolio leaves "
                    "out (private, or planned and not published): there it is shown as "
                    "plain text",
                    "link to something published, or keep the link for your own build only")
            for link, answer in links if answer == PLAIN_TEXT]


def _broken(source: str, link: str, body: tuple[str, int] | None) -> Problem:
    line = _line_of(link, body)
    return problem("B001", source, line, 1, "body",
                   f"the link '{link}' leads to no page or file of the site",
                   "link to another entry's .md file or to a file listed as evidence, "
                   "or use a full https:// address")
