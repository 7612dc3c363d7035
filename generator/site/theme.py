"""The theme: where its templates and static files come from, and its templates read once.

A project's own theme folder goes over the shipped theme of that name, over the default.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from importlib.util import find_spec
from pathlib import Path

from msgspec import Struct

from ..errors import PdpError
from ..journal.load import leads_inside

THEMES_DIR = "themes"
SHIPPED_THEMES = "generator.themes"  # the package that holds them
DEFAULT_THEME = "default"
TEMPLATES_DIR = "templates"  # of a theme, beside "static"
# Not templates: where Python, and pdp for the shipped templates, keep what they compiled.
PYCACHE = "__pycache__"


class Theme(Struct, frozen=True):
    """Where a theme's templates and static files come from, most specific first."""

    folders: tuple[Path, ...]

    def templates(self) -> list[str]:
        return [
            str(folder / TEMPLATES_DIR)
            for folder in self.folders
            if (folder / TEMPLATES_DIR).is_dir()
        ]

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
        raise PdpError(
            f"the theme file {os.path.relpath(path)} is a link to somewhere outside "
            "its theme folder",
            "copy the file into the theme folder instead of linking to it",
        )


def shipped_themes() -> Path:
    """The themes folder that ships with the package (or the checkout's, when editable),
    where Python finds the package (`importlib.resources` takes 7 ms to import)."""
    spec = find_spec(SHIPPED_THEMES)
    folders = None if spec is None else spec.submodule_search_locations
    if not folders:
        raise PdpError(f"pdp's themes ({SHIPPED_THEMES}) are missing", "install pdp again")
    return Path(folders[0])


def find_theme(project_root: Path, name: str) -> Theme:
    """The project's theme folder over the shipped theme of that name, over the default."""
    candidates = [
        project_root / THEMES_DIR / name,
        shipped_themes() / name,
        shipped_themes() / DEFAULT_THEME,
    ]
    folders: list[Path] = []
    for folder in candidates:
        if folder.is_dir() and folder.resolve() not in {f.resolve() for f in folders}:
            folders.append(folder)
    if not (project_root / THEMES_DIR / name).is_dir() and not (shipped_themes() / name).is_dir():
        raise PdpError(
            f"no theme '{name}'",
            f'create themes/{name}/ in the journal project, or use theme = "default"',
        )
    return Theme(tuple(folders))


class Templates(Struct, frozen=True):
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
                    raise PdpError(
                        f"could not read the theme's template {name}: {err.strerror}",
                        "check the theme folder's permissions",
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
        folders[:] = sorted(name for name in folders if name != PYCACHE)
        for name in sorted(files):
            path = Path(current, name)
            if path.is_file():
                yield path.relative_to(folder).as_posix(), path
