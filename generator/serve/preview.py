"""`pdp serve`: the first build, then the server and the watcher, until the member stops them.

What it has to say (each build's errors or time, where the site is served, that it stopped)
goes to `Notices`: the command line prints it.
"""

from __future__ import annotations

import threading
from typing import Protocol

from .live import Live
from .server import start_server
from .session import EVERYTHING, Rebuilt, Session, follow_changes
from .watch import Watcher


class Notices(Protocol):
    """What a preview tells the member as it goes."""

    def rebuilt(self, rebuilt: Rebuilt) -> None: ...

    def serving(self, url: str, loopback: bool, polling: str) -> None: ...

    def stopped(self) -> None: ...


def preview(session: Session, bind: str, port: int | None, poll: bool, notices: Notices) -> None:
    """Build and serve the site, then rebuild it after every change until interrupted
    (Ctrl-C); the server and the watcher are stopped however it ends."""
    first = session.build(EVERYTHING, jobs=None)  # before any thread: workers may fork
    notices.rebuilt(first)
    live = Live(first.snapshot)
    server = start_server(live, bind, port)
    watcher = None
    stop = threading.Event()
    try:
        watcher = Watcher(session.watches(), poll)
        notices.serving(server.url, server.loopback, watcher.polling)
        follow_changes(session, watcher, live, stop, notices.rebuilt)
    except KeyboardInterrupt:
        notices.stopped()
    finally:
        stop.set()
        if watcher is not None:
            watcher.stop()
        server.stop()
