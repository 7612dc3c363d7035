"""The HTTP side of `pdp serve`: serve a snapshot of the site from memory, with live reload.

Like MkDocs' livereload server it knows nothing of building: `session` publishes snapshots
and this serves the latest, tells open pages to reload, and shows the journal's problems
above every page. Only what a snapshot holds is served, only to requests that name this server (a
defence against DNS rebinding), and no response shows a path or a traceback. Connections are
capped and silent ones closed, and accept() pauses when the system is short of file
descriptors: no number of connections can make it spin or stop answering.

This module accepts connections and starts and stops the server; `handler` answers them,
`connections` counts them, `hosts` says which names are this server's, `live` holds the
site being served and `live_reload` what a page is served with.
"""

from __future__ import annotations

import contextlib
import errno
import secrets
import selectors
import socket
import socketserver
import sys
import threading
from http.server import ThreadingHTTPServer

from ..defaults import DEFAULT_PORT
from ..errors import UsageError
from .connections import Connections
from .handler import Handler
from .hosts import Hosts, hosts_for, is_loopback
from .live import Live, Snapshot

__all__ = ["Live", "Server", "Snapshot", "is_loopback", "start_server"]

SWEEP_SECONDS = 1.0  # how often connections waiting too long for a request are looked for
# Out of file descriptors or memory, accept() fails until some are freed: it is tried again
# after a pause that doubles, not at once (which would take a whole core).
FIRST_PAUSE = 0.01
LONGEST_PAUSE = 1.0
FULL_PAUSE = 0.05  # every connection is answering a request: one will soon be done
_SHORT_OF = frozenset(
    {
        errno.EMFILE,
        errno.ENFILE,
        errno.ENOBUFS,
        errno.ENOMEM,
        getattr(errno, "WSAEMFILE", errno.EMFILE),
        getattr(errno, "WSAENOBUFS", errno.ENOBUFS),
    }
)
STOP_WAIT = 5.0


class HttpServer(ThreadingHTTPServer):
    """Accepts connections for the handler; knows the site, its names and open connections."""

    daemon_threads = True
    request_queue_size = 64  # every open tab reconnects at once after a restart
    # Windows' SO_REUSEADDR would let two servers share a port; elsewhere it only skips the
    # wait after a restart, and a port another socket listens on is still refused.
    allow_reuse_address = sys.platform != "win32"
    hosts: Hosts  # once bound: the port may have been 0

    def __init__(self, bind: str, port: int, family: socket.AddressFamily, live: Live) -> None:
        self.address_family = family
        self.bind = bind
        self.live = live
        self.instance = secrets.token_hex(8)
        self.connections = Connections()
        # stop() wakes the accepting loop with a byte here: no polling, no wait for a tick.
        self._wake_reader, self._wake_writer = socket.socketpair()
        super().__init__((bind, port), Handler)
        # accept() never blocks, even when the connection it was woken for has gone.
        self.socket.setblocking(False)

    def server_bind(self) -> None:
        """Bind without http.server's reverse lookup of the address, which can take seconds."""
        socketserver.TCPServer.server_bind(self)
        port = int(self.socket.getsockname()[1])
        self.server_name, self.server_port = self.bind, port
        self.hosts = hosts_for(self.bind, port)

    def process_request(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: object
    ) -> None:
        if isinstance(request, socket.socket):
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: socket.socket | tuple[bytes, socket.socket]) -> None:
        if isinstance(request, socket.socket):
            self.connections.remove(request)
        super().shutdown_request(request)

    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: object
    ) -> None:
        """A connection that broke is no news; anything else is a bug worth printing."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)

    def serve_until_woken(self) -> None:
        """Accept connections, each served in its own thread, until `wake()`."""
        with selectors.DefaultSelector() as either, selectors.DefaultSelector() as woken:
            either.register(self.socket, selectors.EVENT_READ)
            either.register(self._wake_reader, selectors.EVENT_READ)
            woken.register(self._wake_reader, selectors.EVENT_READ)
            pause = 0.0
            while True:
                # A pause waits for wake() alone, so that stopping is never delayed by it.
                ready = woken.select(pause) if pause else either.select(SWEEP_SECONDS)
                if any(key.fileobj is self._wake_reader for key, _ in ready):
                    return
                self.connections.close_idle()
                if ready or pause:
                    pause = self._accept(pause)

    def _accept(self, pause: float) -> float:
        """Take one connection if there is room for it; how long to pause before the next."""
        if not self.connections.make_room():
            return FULL_PAUSE
        try:
            request, client_address = self.get_request()
        except (BlockingIOError, ConnectionAbortedError):  # none waits (any more)
            return 0.0
        except OSError as error:
            if error.errno in _SHORT_OF:  # one connection closed frees what the next needs
                self.connections.close_longest_waiting()
            return min(max(pause * 2, FIRST_PAUSE), LONGEST_PAUSE)
        try:
            self.process_request(request, client_address)
        except Exception:  # as socketserver does: no thread for it, so no answer
            self.handle_error(request, client_address)
            self.shutdown_request(request)
        return 0.0

    def wake(self) -> None:
        with contextlib.suppress(OSError):
            self._wake_writer.send(b"!")

    def server_close(self) -> None:
        super().server_close()
        self._wake_reader.close()
        self._wake_writer.close()

    def close_connections(self) -> None:
        """End kept-alive connections and streams, so that no thread waits on a browser."""
        self.connections.close_all()


class Server:
    """A running server: ThreadingHTTPServer in a daemon thread (daemon_threads=True)."""

    def __init__(self, httpd: HttpServer) -> None:
        self._httpd = httpd
        self.host = httpd.bind
        self.port = httpd.server_port
        self.loopback = is_loopback(httpd.bind)  # else other computers can reach it
        self.url = f"http://{_url_host(self.host)}:{self.port}/"
        self._stopped = False
        self._thread = threading.Thread(
            target=httpd.serve_until_woken, name="pdp-server", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving: event streams end, connections close; returns promptly."""
        if self._stopped:
            return
        self._stopped = True
        self._httpd.live.close()
        self._httpd.wake()
        self._thread.join(STOP_WAIT)
        self._httpd.server_close()  # once the loop is out of its select()
        self._httpd.close_connections()


def start_server(live: Live, bind: str = "127.0.0.1", port: int | None = None) -> Server:
    """Serve `live` on `bind`, listening once this returns.

    With no port, DEFAULT_PORT, or any free port if that one is busy; a port asked for that
    is busy is an error.
    """
    bind = bind.strip().removeprefix("[").removesuffix("]")
    if not bind:
        raise UsageError("no address to serve on", "give an address with --bind, such as 127.0.0.1")
    if port is not None and not 0 <= port <= 65535:
        raise UsageError(f"port {port} is not a port number", "choose one from 0 to 65535")
    try:
        return Server(_listen(live, bind, DEFAULT_PORT if port is None else port))
    except OSError as error:
        if not _in_use(error):
            raise _cannot_bind(bind, error) from error
        if port is not None:
            raise UsageError(
                f"port {port} is in use",
                "choose another with --port, or --port 0 for any free port",
            ) from error
    try:
        return Server(_listen(live, bind, 0))
    except OSError as error:
        raise _cannot_bind(bind, error) from error


def _listen(live: Live, bind: str, port: int) -> HttpServer:
    family = socket.AF_INET6 if ":" in bind else socket.AF_INET
    return HttpServer(bind, port, family, live)


def _in_use(error: OSError) -> bool:
    return error.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", errno.EADDRINUSE))


def _cannot_bind(bind: str, error: OSError) -> UsageError:
    reason = error.strerror or str(error)
    return UsageError(
        f"cannot serve on {bind}: {reason}",
        "give an address of this computer with --bind, such as 127.0.0.1",
    )


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
