"""The build manifest: what the last build into a folder was made from and what it wrote, so
that a build with nothing changed costs a look at the files' stats and no work.

It is taken before the build reads anything (a file changed during the build then differs
from it) and kept, with the files the build wrote, the warnings it printed and its counts,
in the store's `meta` table once the build succeeded. Every input is noted by path, size,
mtime, inode and a digest of its bytes: the journal folder (entries, goals, reviews and
evidence), the configuration, the theme folders, pdp's own package (code, templates,
catalogue), the libraries that parse and render, and git's files that its dates come from.

The racy-git rule: a file whose mtime is within the filesystem's granularity of when the
manifest was taken, or in the future, could have changed without its stat changing, so it
is checked by its digest, never trusted on its stat alone. A file touched but not changed
has the same digest: its new stat is noted and nothing is made again.

This module imports nothing of the parsers or the renderers: `pdp build` looks here first.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sqlite3
import stat
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

from msgspec import Struct

from .. import __version__, store

MANIFEST_FORMAT = 1
DEFAULT_OUTPUT = "site"  # where `pdp build` writes, in the project
# The coarsest mtime of the filesystems a journal may be kept on (FAT's 2 s): a file changed
# within this of the manifest being taken may keep its stat, so its digest decides.
GRANULARITY_NS = 2_000_000_000
# The row of the meta table of the manifest of the build into a folder, by its path.
ROW_PREFIX = "manifest:"
# What Python compiled (and pdp, for the shipped templates: `theme.PYCACHE`), not read by a
# build; named here too, so that this module imports no more than it must.
_SKIPPED = frozenset({"__pycache__"})
PACKAGE = Path(__file__).resolve().parent.parent  # pdp's code, templates and catalogue

# A file's state: size, mtime_ns, inode and digest; None where there is no file.
FileState = list[Any] | None


# A change to the store, made in the transaction that keeps or forgets a manifest.
class Unsupported(Exception):
    """An input that a stat cannot vouch for (a linked folder, an unreadable file): such a
    project gets no manifest, and every build is a real one."""


class Look(Struct, frozen=True):
    """What `look` found: whether the last build still stands (`fresh`), the inputs as they
    are now (None: no manifest can be kept), and what the last build printed."""

    fresh: bool
    inputs: dict[str, Any] | None
    kept: dict[str, Any] | None = None
    # The input files whose bytes changed since the last build, where nothing else did (no
    # file came or went, and the output folder is as that build left it); else None.
    edited: tuple[str, ...] | None = None

    @property
    def warnings(self) -> list[list[Any]]:  # each a Problem's fields
        return [] if self.kept is None else list(self.kept["warnings"])

    @property
    def build(self) -> int | None:
        """What names the last build (see `keep`), if there is one."""
        build = None if self.kept is None else self.kept.get("build")
        return build if isinstance(build, int) else None

    @property
    def counts(self) -> tuple[int, int]:
        assert self.kept is not None
        return int(self.kept["pages"]), int(self.kept["files"])


def key_of(root: Path, today: str, publish: bool) -> dict[str, Any]:
    """Everything besides the files that a build's output depends on."""
    return {
        "format": MANIFEST_FORMAT,
        "store": store.FORMAT,
        "pdp": __version__,
        "python": sys.version,
        "root": str(root),
        "package": str(PACKAGE),  # pdp as installed elsewhere is other code
        "prefix": [sys.prefix, sys.exec_prefix],
        "today": today,  # pages show ages and what is due relative to the day
        "publish": publish,
    }


def look(cache: Path, output: Path, key: dict[str, Any], files: Sequence[Path]) -> Look:
    """Compare the inputs (the folders the last build noted, and `files`) and the output
    folder with the manifest of the last build into `output`; files touched but unchanged
    are noted afresh."""
    kept = _read(cache, output)
    if kept is None or kept["key"] != key:
        return Look(False, None, kept)
    previous = kept["inputs"]
    sources = Sources(tuple(Path(folder) for folder in previous["folders"]), tuple(files))
    try:
        inputs = take(sources, previous)
    except Unsupported:
        return Look(False, None, kept)
    same = inputs["files"] == previous["files"] or _digests(inputs) == _digests(previous)
    if not same:
        edited = _edited(inputs, previous)
        if edited is not None and _output_files(output) != kept["output"]:
            edited = None
        return Look(False, inputs, kept, edited)
    if _output_files(output) != kept["output"]:
        return Look(False, inputs, kept)
    if inputs["files"] != previous["files"] or _had_racy(previous):
        # Touched, or too recent to trust before: the stats as they are now, trusted next time.
        _write(cache, output, {**kept, "inputs": inputs}, None)
    return Look(True, inputs, kept)


def before_building(found: Look, sources: Sources) -> dict[str, Any] | None:
    """The inputs as a real build starts, for its manifest (None: none can be kept)."""
    if found.inputs is not None and found.inputs["folders"] == [str(f) for f in sources.folders]:
        return found.inputs
    previous = None if found.kept is None else found.kept["inputs"]
    try:
        return take(sources, previous)
    except Unsupported:
        return None


def keep(
    cache: Path,
    output: Path,
    inputs: dict[str, Any] | None,
    key: dict[str, Any],
    warnings: Sequence[Sequence[Any]],
    counts: tuple[int, int],
    also: store.Change | None = None,
) -> None:
    """Keep the manifest of a build that succeeded: its inputs as taken before it, and the
    files it wrote, the warnings it printed and its counts; with `also`, what else is kept
    of the build, in the same transaction."""
    if inputs is None:
        return
    row = {
        "key": key,
        # Names this build, whatever `look` notes afresh: what else is kept of it says so.
        "build": inputs["taken"],
        "inputs": inputs,
        "output": _output_files(output),
        "warnings": [list(item) for item in warnings],
        "pages": counts[0],
        "files": counts[1],
    }
    _write(cache, output, row, also)


def forget(cache: Path, output: Path, also: store.Change | None = None) -> None:
    """Drop the manifest of the builds into `output`: the next build is a real one; with
    `also`, what else is forgotten of them, in the same transaction."""

    def change(db: sqlite3.Connection) -> None:
        if also is not None:
            also(db)
        db.execute("DELETE FROM meta WHERE name = ?", (_row(output),))

    store.Store(cache, by_manifest=True).write(change)


class Sources(Struct, frozen=True):
    """Where a build's inputs are: folders read whole, and single files (that may be
    absent: one that appears changes the build too)."""

    folders: tuple[Path, ...]
    files: tuple[Path, ...]


def input_files(root: Path, config: Path) -> list[Path]:
    """The single files a build of the project at `root` depends on."""
    files = [config, root / "pdp.toml", root / "pyproject.toml", *_git_files(root)]
    return list(dict.fromkeys(files))


def sources_of(root: Path, config: Path, journal: Path, themes: Sequence[Path]) -> Sources:
    """The inputs of a build of the project at `root`: its journal, every theme folder it
    may use, pdp's package and the libraries' folders, and `input_files`."""
    folders = [journal, *themes, PACKAGE, *_library_folders()]
    return Sources(tuple(dict.fromkeys(folders)), tuple(input_files(root, config)))


def take(sources: Sources, previous: dict[str, Any] | None) -> dict[str, Any]:
    """The inputs' states now. A digest is read again unless the file's stat is the one
    noted before and that stat could be trusted (see the racy rule above)."""
    taken = time.time_ns()
    before: dict[str, FileState] = {} if previous is None else previous["files"]
    trust_before = taken if previous is None else int(previous["taken"]) - GRANULARITY_NS
    files: dict[str, FileState] = {}
    for name, status in _states(sources):
        if status is None:
            files[name] = None
            continue
        noted = before.get(name)
        mtime = status.st_mtime_ns
        stat_now = [status.st_size, mtime, status.st_ino]
        if noted is not None and noted[:3] == stat_now and mtime < trust_before and mtime <= taken:
            files[name] = noted
        else:
            files[name] = [*stat_now, _digest(name)]
    return {"taken": taken, "folders": [str(f) for f in sources.folders], "files": files}


def _states(sources: Sources) -> Iterator[tuple[str, os.stat_result | None]]:
    for folder in sources.folders:
        yield from _walk(str(folder))
    for path in sources.files:
        file = str(path)
        try:
            status = os.stat(file)
        except FileNotFoundError:
            yield file, None
            continue
        except OSError as err:
            raise Unsupported(file) from err
        if not stat.S_ISREG(status.st_mode):
            raise Unsupported(file)
        yield file, status


def _walk(folder: str) -> Iterator[tuple[str, os.stat_result | None]]:
    """Every file below `folder` (paths as strings: 10,000 Path objects would cost more than
    the stats); a folder that is not there counts as an absent file."""
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except FileNotFoundError:
        yield folder, None
        return
    except OSError as err:
        raise Unsupported(folder) from err
    for entry in entries:
        if entry.name in _SKIPPED:
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(entry.path)
            continue
        try:
            status = entry.stat()  # a linked file counts as the file it leads to
        except OSError as err:
            raise Unsupported(entry.path) from err
        if not stat.S_ISREG(status.st_mode):
            raise Unsupported(entry.path)  # a linked folder, a pipe: no stat vouches for it
        yield entry.path, status


def _digest(path: str) -> str:
    try:
        with open(path, "rb") as file:
            return hashlib.blake2b(file.read(), digest_size=16).hexdigest()
    except OSError as err:
        raise Unsupported(path) from err


def _digests(inputs: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    files: dict[str, FileState] = inputs["files"]
    return inputs["folders"], {
        name: None if state is None else state[3] for name, state in files.items()
    }


def _edited(inputs: dict[str, Any], previous: dict[str, Any]) -> tuple[str, ...] | None:
    """The files whose bytes differ, where the same files are there as before."""
    now: dict[str, FileState] = inputs["files"]
    before: dict[str, FileState] = previous["files"]
    if now.keys() != before.keys():
        return None
    edited = []
    for name, state in now.items():
        noted = before[name]
        if (state is None) != (noted is None):
            return None
        if state is not None and noted is not None and state[3] != noted[3]:
            edited.append(name)
    return tuple(edited)


def _had_racy(inputs: dict[str, Any]) -> bool:
    """Whether a file was checked by digest for being too recent when `inputs` was taken."""
    trusted = int(inputs["taken"]) - GRANULARITY_NS
    return any(state is not None and state[1] >= trusted for state in inputs["files"].values())


def _output_files(output: Path) -> dict[str, list[int]] | None:
    """Each file of the output folder by its path in it, with its size, mtime and inode; the
    folder's own inode under ""."""
    try:
        status = output.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(status.st_mode):
        return None
    files: dict[str, list[int]] = {"": [0, status.st_mtime_ns, status.st_ino]}
    # What a killed build left beside it: a real build removes it.
    with suppress(OSError):
        for name in os.listdir(output.parent):
            if name.startswith(f".{output.name}."):
                files[f"../{name}"] = [0, 0, 0]
    start = len(str(output)) + 1
    try:
        for path, state in _walk(str(output)):
            if state is not None:
                name = path[start:].replace(os.sep, "/")
                files[name] = [state.st_size, state.st_mtime_ns, state.st_ino]
    except Unsupported:
        return None
    return files


def _library_folders() -> list[Path]:
    """The folders of the libraries whose upgrade changes what a build makes
    (`store.LIBRARIES`), found without importing them."""
    return [
        folder
        for name in store.LIBRARIES
        for folder in store.library_folders(importlib.util.find_spec(name))
    ]


def _git_files(root: Path) -> list[Path]:
    """git's files that the entries' dates come from: where HEAD is, the branch it names,
    the packed refs; where there is no repository, the places one would appear."""
    files: list[Path] = []
    for folder in (root, *root.parents):
        candidate = folder / ".git"
        if not candidate.exists():
            files.append(candidate)
            continue
        if candidate.is_dir():
            return files + _repository_files(candidate, candidate)
        # A worktree's or a submodule's pointer to its folder of git's files.
        files.append(candidate)
        own = _pointed_to(candidate, "gitdir: ")
        if own is None:
            return files
        # A worktree keeps its HEAD in its own folder, its branches in the shared one.
        common = _pointed_to(own / "commondir", "") or own
        return [*files, own / "commondir", *_repository_files(own, common)]
    return files


def _repository_files(own: Path, common: Path) -> list[Path]:
    """HEAD (in `own`), the branch it names and the packed refs (in `common`)."""
    head = own / "HEAD"
    # Not the index: the dates come from `git log`, which staging does not change.
    files = [head, common / "packed-refs", common / "shallow"]
    try:
        named = head.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return files
    if named.startswith("ref: "):
        files.append(common / named.removeprefix("ref: "))
    return files


def _pointed_to(file: Path, prefix: str) -> Path | None:
    """The folder that a file of git's names after `prefix`, relative to the file's own."""
    try:
        text = file.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not text.startswith(prefix) or not text[len(prefix) :]:
        return None
    return file.parent / text[len(prefix) :]


def _row(output: Path) -> str:
    return ROW_PREFIX + str(output.absolute())


def _read(cache: Path, output: Path) -> dict[str, Any] | None:
    """The manifest kept for `output`, without `store.fingerprint` (which reads all of pdp's
    code): the manifest notes pdp's code among its inputs."""
    row = store.Store(cache, by_manifest=True).read(
        lambda db: db.execute("SELECT value FROM meta WHERE name = ?", (_row(output),)).fetchone()
    )
    if row is None:
        return None
    try:
        kept = json.loads(row[0])
        return kept if _well_formed(kept) else None
    except (ValueError, TypeError):
        return None


def _well_formed(kept: Any) -> bool:
    """Whether a kept manifest has every part, of the right kind (else it is not used)."""
    return (
        isinstance(kept, dict)
        and isinstance(kept.get("key"), dict)
        and isinstance(kept.get("inputs"), dict)
        and isinstance(kept["inputs"].get("files"), dict)
        and isinstance(kept["inputs"].get("taken"), int)
        and isinstance(kept["inputs"].get("folders"), list)
        # A build leaves a folder behind; a check (`cli/check_fast`) writes none: None.
        and (kept.get("output") is None or isinstance(kept["output"], dict))
        and isinstance(kept.get("warnings"), list)
        and isinstance(kept.get("pages"), int)
        and isinstance(kept.get("files"), int)
    )


def _write(cache: Path, output: Path, row: dict[str, Any], also: store.Change | None) -> None:
    text = json.dumps(row, separators=(",", ":"))

    def change(db: sqlite3.Connection) -> None:
        if also is not None:
            also(db)
        db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (_row(output), text))

    store.Store(cache, by_manifest=True).write(change)
