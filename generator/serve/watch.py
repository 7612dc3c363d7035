"""Watch folders for changes and hand them over in batches: one batch per burst of saves.

Native file events (inotify and its kin) where they work; polling where they do not (network
drives, some container and WSL mounts, the inotify limit reached), or when asked.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from msgspec import Struct
from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from ..journal.load import leads_to

# A burst of saves ("save all", a formatter) ends when nothing happens for QUIET seconds; a
# stream that never stops is still handed over every MAX_WAIT seconds.
QUIET = 0.05
MAX_WAIT = 1.0
POLL_INTERVAL = 0.5
# File systems whose changes native events miss, as /proc/self/mounts names them.
POLLED_FILE_SYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "9p",
        "drvfs",
        "fuse.sshfs",
        "vboxsf",
        "virtiofs",
        "fuse.gcsfuse",
    }
)
# What a change is made of; opening or reading a file, or a folder's own timestamps, is not.
_EVENTS: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileDeletedEvent,
    FileMovedEvent,
    FileClosedEvent,
    FileAttribEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]


class Watch(Struct, frozen=True):
    folder: Path
    recursive: bool


def file_system_of(path: Path, mounts: str) -> str:
    """The type of the file system holding `path`, from the text of /proc/self/mounts."""
    best, kind = "", ""
    target = str(path)
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind


def polling_reason(folders: Iterable[Path]) -> str:
    """Why native events cannot be trusted for these folders, or "" if they can."""
    try:
        mounts = Path("/proc/self/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    for folder in folders:
        try:
            place = leads_to(folder)
        except OSError:
            place = None
        if place is None:  # not reachable, or a loop of links: nothing in it to watch
            continue
        kind = file_system_of(place, mounts)
        if kind in POLLED_FILE_SYSTEMS:
            return f"{folder.name}/ is on a {kind} file system, whose changes are not reported"
    return ""


class _Collector(FileSystemEventHandler):
    """Gathers changed paths from the observer's thread for the rebuilding thread."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.paths: list[str] = []
        self.last = 0.0

    def on_any_event(self, event: FileSystemEvent) -> None:
        found = [os.fsdecode(event.src_path)]
        if event.dest_path:
            found.append(os.fsdecode(event.dest_path))
        with self.changed:
            self.paths.extend(path.replace(os.sep, "/") for path in found)
            self.last = time.monotonic()
            self.changed.notify_all()


class Watcher:
    """Started on some folders; `next_batch` waits for the next burst of changes."""

    def __init__(self, watches: Sequence[Watch], poll: bool = False) -> None:
        self._collector = _Collector()
        self.polling = ""  # why polling is used, if it is
        folders = [watch.folder for watch in watches]
        reason = "asked for with --poll" if poll else polling_reason(folders)
        self._observer = self._start(watches, reason)

    def watch(self, watches: Sequence[Watch]) -> None:
        """Watch these folders from now on, as they are now (some may have been made or
        replaced since the last call)."""
        self._observer.unschedule_all()
        self._schedule_each(self._observer, watches)

    def _start(self, watches: Sequence[Watch], reason: str) -> BaseObserver:
        if not reason:
            try:
                return self._schedule(Observer(), watches)
            except OSError as err:  # the inotify watch or instance limit, most often
                reason = f"native file events are unavailable ({err.strerror or err})"
        self.polling = reason
        return self._schedule(PollingObserver(timeout=POLL_INTERVAL), watches)

    def _schedule(self, observer: BaseObserver, watches: Sequence[Watch]) -> BaseObserver:
        self._schedule_each(observer, watches)
        observer.daemon = True
        observer.start()
        return observer

    def _schedule_each(self, observer: BaseObserver, watches: Sequence[Watch]) -> None:
        for watch in watches:
            if watch.folder.is_dir():
                observer.schedule(
                    self._collector,
                    str(watch.folder),
                    recursive=watch.recursive,
                    event_filter=_EVENTS,
                )

    def next_batch(self, stop: threading.Event, timeout: float | None = None) -> list[str]:
        """The paths changed in the next burst (after QUIET seconds without a change, or
        MAX_WAIT after its start); an empty list once `stop` is set, or after `timeout`
        seconds without a change."""
        collector = self._collector
        waited_until = None if timeout is None else time.monotonic() + timeout
        with collector.changed:
            while not collector.paths:
                if stop.is_set() or (waited_until and time.monotonic() >= waited_until):
                    return []
                collector.changed.wait(0.2)
            started = time.monotonic()
            while not stop.is_set():
                now = time.monotonic()
                quiet_until = collector.last + QUIET
                if now >= quiet_until or now - started >= MAX_WAIT:
                    break
                collector.changed.wait(min(quiet_until, started + MAX_WAIT) - now)
            paths, collector.paths = collector.paths, []
        return paths

    def stop(self) -> None:
        self._observer.stop()
        self._observer.join(timeout=5)
