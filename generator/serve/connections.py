"""The server's open connections: what each is doing, how many there may be, and which to
close when there are too many or one has been silent too long."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass

IDLE_SECONDS = 60.0  # a connection whose next request has not come in this long is closed
# Connections for pages, and event streams (one per open tab, long-lived), are capped apart:
# no number of silent or slow connections can take every thread and file descriptor.
MAX_CONNECTIONS = 32
MAX_STREAMS = 64


@dataclass(slots=True)
class Slot:
    """What one open connection is doing."""

    waiting_since: float | None  # when it began to wait for a request; None while answering
    stream: bool = False


class Connections:
    """The open connections, pages' and event streams' apart, each kind up to its cap.

    Room is made by closing the connection that has waited longest for a request: an idle
    browser connection (which the browser opens again when it needs one) or a silent one.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._slots: dict[socket.socket, Slot] = {}

    def add(self, connection: socket.socket) -> None:
        with self._lock:
            self._slots[connection] = Slot(time.monotonic())

    def remove(self, connection: socket.socket) -> None:
        with self._lock:
            self._slots.pop(connection, None)

    def waiting(self, connection: socket.socket) -> None:
        """The connection waits for its next request."""
        self._mark(connection, time.monotonic())

    def answering(self, connection: socket.socket) -> None:
        self._mark(connection, None)

    def _mark(self, connection: socket.socket, since: float | None) -> None:
        with self._lock:
            slot = self._slots.get(connection)
            if slot is not None:
                slot.waiting_since = since

    def to_stream(self, connection: socket.socket) -> bool:
        """Count the connection as an event stream, if there is room for one more."""
        with self._lock:
            slot = self._slots.get(connection)
            if slot is None or sum(other.stream for other in self._slots.values()) >= MAX_STREAMS:
                return False
            slot.stream = True
            return True

    def make_room(self) -> bool:
        """Whether one more connection can be taken, once the one that has waited longest
        for a request is closed if there are as many as allowed."""
        with self._lock:
            pages = sum(not slot.stream for slot in self._slots.values())
            return pages < MAX_CONNECTIONS or self._close_longest_waiting()

    def close_longest_waiting(self) -> bool:
        """Close the connection that has waited longest for a request; False if none waits."""
        with self._lock:
            return self._close_longest_waiting()

    def close_idle(self) -> None:
        """Close the connections that have waited for a request for over IDLE_SECONDS:
        silent or slow ones cannot keep their place for ever."""
        before = time.monotonic() - IDLE_SECONDS
        with self._lock:
            for connection in [
                connection
                for connection, slot in self._slots.items()
                if slot.waiting_since is not None and slot.waiting_since < before
            ]:
                self._close(connection)

    def close_all(self) -> None:
        with self._lock:
            for connection in list(self._slots):
                self._close(connection)

    def _close_longest_waiting(self) -> bool:
        waiting = {
            connection: slot.waiting_since
            for connection, slot in self._slots.items()
            if slot.waiting_since is not None
        }
        if not waiting:
            return False
        self._close(min(waiting, key=waiting.__getitem__))
        return True

    def _close(self, connection: socket.socket) -> None:
        """End a connection: its thread sees it end, and closes it."""
        del self._slots[connection]
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)
