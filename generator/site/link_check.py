"""The link check: every internal link of every page leads to a file of the site.

Problems name the journal file a page comes from, at the line of the link where it can be
found. Links of a published reflection that lead to something left out are warned of too.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..journal.codes import problem
from ..journal.markdown import PLAIN_TEXT
from ..model import Problem

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


def links_hold(
    existing: frozenset[str],
    sources: Mapping[str, str],
    bodies: Mapping[str, tuple[str, int]],
    pages: Mapping[str, bytes],
) -> bool:
    """Whether every internal link of these pages leads to a file of the site (as a whole
    build checks them: one that does not is shown by a whole build)."""
    check = LinkCheck(existing, sources, bodies, None)
    for path, data in pages.items():
        check.page(path, data)
    return not check.finish()


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


def left_out_links(
    source: str, links: Iterable[tuple[str, str | None]], body: tuple[str, int] | None
) -> list[Problem]:
    """A warning for each link of a published reflection (each address its rendering asked
    about, with the answer) that is shown as its text alone: it leads to something the
    published portfolio leaves out."""
    return [
        problem(
            "W006",
            source,
            _line_of(link, body),
            1,
            "body",
            f"the link '{link}' leads to something the published portfolio leaves "
            "out (private, or planned and not published): there it is shown as "
            "plain text",
            "link to something published, or keep the link for your own build only",
        )
        for link, answer in links
        if answer == PLAIN_TEXT
    ]


def _broken(source: str, link: str, body: tuple[str, int] | None) -> Problem:
    line = _line_of(link, body)
    return problem(
        "B001",
        source,
        line,
        1,
        "body",
        f"the link '{link}' leads to no page or file of the site",
        "link to another entry's .md file or to a file listed as evidence, "
        "or use a full https:// address",
    )
