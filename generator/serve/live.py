"""The site being served: a snapshot of it, swapped whole when a rebuild is done."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

from msgspec import Struct, field

REBUILD_WAIT = 60.0  # seconds a request waits for a rebuild before it gets the last site


class Snapshot(Struct, frozen=True):
    """One complete built site, as served."""

    files: Mapping[str, bytes]  # site path -> content
    copies: Mapping[str, Path] = field(default_factory=dict)  # site path -> file on disk
    roots: tuple[Path, ...] = ()  # every copy must resolve inside one of these, else 404
    errors: tuple[str, ...] = ()  # the journal's errors, shown above every page
    styles_only: bool = False  # differs from the previous snapshot only in stylesheets
    warnings: tuple[str, ...] = ()  # the journal's warnings, listed above every page


class Live:
    """The snapshot being served, shared between the rebuild thread and request threads."""

    def __init__(self, first: Snapshot) -> None:
        self._condition = threading.Condition()
        self._snapshot = first
        self._generation = 1
        self._full_generation = 1  # the last generation that changed more than stylesheets
        self._rebuilds = 0
        self._closed = False

    @property
    def closed(self) -> bool:
        with self._condition:
            return self._closed

    def current(self) -> tuple[int, Snapshot]:
        """The site to serve: a rebuild in progress is waited for, up to REBUILD_WAIT."""
        with self._condition:
            seen = self._generation
            self._condition.wait_for(
                lambda: self._closed or not self._rebuilds or self._generation != seen, REBUILD_WAIT
            )
            return self._generation, self._snapshot

    @contextlib.contextmanager
    def rebuilding(self) -> Iterator[None]:
        """Mark a rebuild in progress, so that requests wait for its site, not a half one."""
        with self._condition:
            self._rebuilds += 1
        try:
            yield
        finally:
            with self._condition:
                self._rebuilds -= 1
                self._condition.notify_all()

    def publish(self, snapshot: Snapshot) -> int:
        """Serve `snapshot` from now on; waiting requests and event streams wake."""
        with self._condition:
            self._snapshot = snapshot
            self._generation += 1
            if not snapshot.styles_only:
                self._full_generation = self._generation
            self._condition.notify_all()
            return self._generation

    def wait_newer(self, generation: int, timeout: float) -> tuple[int, Snapshot] | None:
        """The site once it is no longer `generation`; None on timeout or when closed."""
        with self._condition:
            self._condition.wait_for(
                lambda: self._closed or self._generation != generation, timeout
            )
            if self._closed or self._generation == generation:
                return None
            return self._generation, self._snapshot

    def close(self) -> None:
        """The server is stopping: every waiter wakes, every event stream ends."""
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    def latest(self) -> tuple[int, Snapshot]:
        """The site as it is now, rebuilding or not (for event streams, which only compare)."""
        with self._condition:
            return self._generation, self._snapshot

    def styles_only_since(self, generation: int) -> bool:
        """Whether every site since `generation` changed only stylesheets."""
        with self._condition:
            return self._full_generation <= generation
