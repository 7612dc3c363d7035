"""The HTTP side of `pdp serve`: serve a snapshot of the site from memory, with live reload.

Like MkDocs' livereload server it knows nothing of building: `preview` publishes snapshots
and this serves the latest, tells open pages to reload, and shows the journal's errors over
every page. Only what a snapshot holds is served, only to requests that name this server (a
defence against DNS rebinding), and no response shows a path or a traceback. Connections are
capped and silent ones closed, and accept() pauses when the system is short of file
descriptors: no number of connections can make it spin or stop answering.
"""

from __future__ import annotations

import contextlib
import errno
import html
import ipaddress
import mimetypes
import os
import re
import secrets
import selectors
import socket
import socketserver
import stat
import sys
import threading
import time
import unicodedata
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO

from ..defaults import DEFAULT_PORT
from ..errors import UsageError
from ..journal.load import leads_inside

REBUILD_WAIT = 60.0  # seconds a request waits for a rebuild before it gets the last site
PING_SECONDS = 15.0  # an idle event stream's comment: keeps proxies open, finds gone sockets
IDLE_SECONDS = 60.0  # a connection whose next request has not come in this long is closed
SWEEP_SECONDS = 1.0  # how often connections waiting too long for a request are looked for
# Connections for pages, and event streams (one per open tab, long-lived), are capped apart:
# no number of silent or slow connections can take every thread and file descriptor.
MAX_CONNECTIONS = 32
MAX_STREAMS = 64
# Out of file descriptors or memory, accept() fails until some are freed: it is tried again
# after a pause that doubles, not at once (which would take a whole core).
FIRST_PAUSE = 0.01
LONGEST_PAUSE = 1.0
FULL_PAUSE = 0.05  # every connection is answering a request: one will soon be done
_SHORT_OF = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM,
                       getattr(errno, "WSAEMFILE", errno.EMFILE),
                       getattr(errno, "WSAENOBUFS", errno.ENOBUFS)})
STOP_WAIT = 5.0
CHUNK = 64 * 1024
LIVE_SCRIPT = "/_pdp/live.js"
EVENTS = "/_pdp/events"
ALLOWED_METHODS = "GET, HEAD"
COMMON_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
                  "Referrer-Policy": "no-referrer"}
# Types whose text is UTF-8 here, beyond text/*.
_TEXTUAL = frozenset({"application/javascript", "application/json", "image/svg+xml"})
# The built-in table only, so a machine's /etc/mime.types or registry cannot change a type.
_TYPES = mimetypes.MimeTypes()
_BODY_OPENING = re.compile(rb"<body(?:\s[^>]*)?>", re.IGNORECASE)

LIVE_JS = b"""\
// pdp serve: reload this page when the site is rebuilt; swap stylesheets when only they changed.
(() => {
  "use strict";
  const script = document.currentScript;
  const query = new URLSearchParams({
    generation: script ? script.dataset.generation : "",
    instance: script ? script.dataset.instance : "",
  });
  const events = new EventSource("/_pdp/events?" + query);
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("css", (event) => {
    for (const link of document.querySelectorAll('link[rel~="stylesheet"]')) {
      const url = new URL(link.href);
      url.searchParams.set("v", event.data);
      link.href = url.href;
    }
  });
})();
"""

# Explicit colours for both text and background: readable whatever the page's or the
# system's colour scheme; inline, so it shows without JavaScript or the theme's stylesheet.
_OVERLAY_STYLE = ("position:fixed;top:0;left:0;right:0;z-index:2147483647;max-height:50vh;"
                  "overflow:auto;box-sizing:border-box;margin:0;padding:12px 16px;"
                  "background:#fff0f0;color:#3d0000;border-bottom:4px solid #b3001b;"
                  "color-scheme:light;text-align:left;"
                  "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace")
_OVERLAY = ('<div id="pdp-errors" role="alert" style="{style}">'
            '<h2 style="font:inherit;font-weight:bold;color:inherit;margin:0 0 8px">'
            "The journal has problems: showing the last good site</h2>"
            '<pre style="font:inherit;color:inherit;background:none;border:0;margin:0;'
            'padding:0;white-space:pre-wrap">{lines}</pre></div>')
_ERROR_PAGE = ('<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
               "<title>{phrase}</title>\n</head>\n<body>\n<h1>{phrase}</h1>\n</body>\n</html>\n")


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One complete built site, as served."""

    files: Mapping[str, bytes]  # site path -> content
    copies: Mapping[str, Path] = field(default_factory=dict)  # site path -> file on disk
    roots: tuple[Path, ...] = ()  # every copy must resolve inside one of these, else 404
    errors: tuple[str, ...] = ()  # the journal's problems, shown over every page
    styles_only: bool = False  # differs from the previous snapshot only in stylesheets


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
                lambda: self._closed or not self._rebuilds or self._generation != seen,
                REBUILD_WAIT)
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
                lambda: self._closed or self._generation != generation, timeout)
            if self._closed or self._generation == generation:
                return None
            return self._generation, self._snapshot

    def close(self) -> None:
        """The server is stopping: every waiter wakes, every event stream ends."""
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    def _latest(self) -> tuple[int, Snapshot]:
        """The site as it is now, rebuilding or not (for event streams, which only compare)."""
        with self._condition:
            return self._generation, self._snapshot

    def _styles_only_since(self, generation: int) -> bool:
        with self._condition:
            return self._full_generation <= generation


@dataclass(frozen=True, slots=True)
class _Hosts:
    """The Host header values that name this server; any other may be a rebinding attack."""

    names: frozenset[str]
    port: int
    any_address: bool  # bound beyond loopback: any IP address literal may name it

    def accept(self, value: str) -> bool:
        split = _split_host(value.strip().lower())
        if split is None:
            return False
        name, port = split
        if (80 if port is None else port) != self.port:  # no port in Host means port 80
            return False
        return name in self.names or (self.any_address and _is_address(name))


def _hosts_for(bind: str, port: int) -> _Hosts:
    names = {"127.0.0.1", "localhost", "::1", bind.lower()}
    loopback = is_loopback(bind)
    if not loopback:
        names.add(socket.gethostname().lower())
    return _Hosts(frozenset(names), port, not loopback)


def _split_host(value: str) -> tuple[str, int | None] | None:
    """A Host value's name (IPv6 without brackets) and port; None when malformed."""
    if value.startswith("["):
        name, bracket, rest = value[1:].partition("]")
        if not bracket or not _is_address(name):
            return None
    else:
        name, colon, port_text = value.partition(":")
        rest = colon + port_text
    if not name:
        return None
    if not rest:
        return name, None
    port_text = rest[1:]
    if not rest.startswith(":") or not port_text.isascii() or not port_text.isdigit():
        return None
    return name, int(port_text)


def is_loopback(bind: str) -> bool:
    """Whether an address to serve on is this computer's alone: "localhost", any address of
    127.0.0.0/8 or ::1 (in brackets or not), or one of those IPv4 addresses mapped to IPv6."""
    name = bind.strip().removeprefix("[").removesuffix("]").lower()
    if name == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class _Refused(Exception):
    """A request answered with an error status and the fixed page of that status."""

    def __init__(self, status: HTTPStatus) -> None:
        super().__init__(status.phrase)
        self.status = status


def _split_target(target: str, hosts: _Hosts) -> tuple[str, str]:
    """The path and query of a request target, still percent-encoded."""
    if not target or any(not "!" <= char <= "~" for char in target):
        raise _Refused(HTTPStatus.BAD_REQUEST)
    if target.startswith("/"):
        path, _, rest = target.partition("?")
        return path.partition("#")[0], rest.partition("#")[0]
    parts = urllib.parse.urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _Refused(HTTPStatus.BAD_REQUEST)
    if parts.scheme != "http" or not hosts.accept(parts.netloc):
        raise _Refused(HTTPStatus.FORBIDDEN)  # absolute form: it names the host instead
    return parts.path or "/", parts.query


def _site_path(path: str) -> str:
    """The site file that a request path names, decoded once; refused if it could escape."""
    try:
        decoded = urllib.parse.unquote(path, errors="strict")
    except UnicodeDecodeError as error:
        raise _Refused(HTTPStatus.BAD_REQUEST) from error
    if any(unicodedata.category(char) == "Cc" for char in decoded):
        raise _Refused(HTTPStatus.BAD_REQUEST)
    segments = decoded[1:].split("/")
    inner = segments[:-1] if segments[-1] == "" else segments  # a trailing slash is a folder
    if any(not segment or segment.startswith(".") or "\\" in segment for segment in inner):
        raise _Refused(HTTPStatus.NOT_FOUND)
    joined = "/".join(segments)
    return joined + "index.html" if joined.endswith("/") or not joined else joined


def _content_type(path: str) -> str:
    kind, encoding = _TYPES.guess_type(path)
    if kind is None or encoding is not None:
        return "application/octet-stream"
    if kind.startswith("text/") or kind in _TEXTUAL:
        return kind + "; charset=utf-8"
    return kind


def _with_live_reload(page: bytes, generation: int, instance: str,
                     errors: Sequence[str]) -> bytes:
    """The page as served: the errors over it after <body>, the reload script before </body>."""
    if errors:
        opening = _BODY_OPENING.search(page)
        at = opening.end() if opening else 0
        page = page[:at] + _overlay(errors) + page[at:]
    script = (f'<script src="{LIVE_SCRIPT}" data-generation="{generation}" '
              f'data-instance="{instance}"></script>').encode()
    closing = page.lower().rfind(b"</body>")
    at = closing if closing != -1 else len(page)
    return page[:at] + script + page[at:]


def _overlay(errors: Sequence[str]) -> bytes:
    lines = html.escape("\n".join(errors))
    return _OVERLAY.format(style=_OVERLAY_STYLE, lines=lines).encode()


def _error_page(status: HTTPStatus) -> bytes:
    return _ERROR_PAGE.format(phrase=status.phrase).encode()


def _open_copy(copy: Path, roots: Sequence[Path]) -> tuple[BinaryIO, int]:
    """A copied file opened for reading with its size, if it is a regular file inside a root
    once every symlink is followed (checked before opening: a FIFO would block); refused
    otherwise."""
    resolved = leads_inside(copy, roots)
    if resolved is None:
        raise _Refused(HTTPStatus.NOT_FOUND)
    try:
        file = resolved.open("rb")
    except OSError as error:
        raise _Refused(HTTPStatus.NOT_FOUND) from error
    status = os.fstat(file.fileno())
    if not stat.S_ISREG(status.st_mode):  # replaced since it was looked at
        file.close()
        raise _Refused(HTTPStatus.NOT_FOUND)
    return file, status.st_size


def _is_folder(snapshot: Snapshot, path: str) -> bool:
    index = path + "/index.html"
    return index in snapshot.files or index in snapshot.copies


def _stale(query: str, instance: str, generation: int) -> bool:
    """Whether the page that opened an event stream shows another server's or an older site.

    A parameter left out is not compared (a client that is not a page); a blank one is.
    """
    asked = urllib.parse.parse_qs(query, keep_blank_values=True)
    instances, generations = asked.get("instance"), asked.get("generation")
    return ((instances is not None and instances != [instance])
            or (generations is not None and generations != [str(generation)]))


def _event(kind: str, generation: int) -> bytes:
    return f"event: {kind}\ndata: {generation}\n\n".encode()


class _Handler(BaseHTTPRequestHandler):
    """One connection: GET and HEAD of the snapshot's files, the reload script and events."""

    protocol_version = "HTTP/1.1"
    sys_version = ""
    timeout = IDLE_SECONDS
    server: _HttpServer
    _replying = False  # whether the status line has gone: after it, a failure can only close

    def version_string(self) -> str:
        return "pdp"

    def log_message(self, format: str, *args: object) -> None:
        """Nothing per request: the terminal is for the journal's errors."""

    def handle_one_request(self) -> None:
        """One request in, one response out, for any method; never a traceback."""
        try:
            self.raw_requestline = self.rfile.readline(65537)
            if not self.raw_requestline:
                self.close_connection = True
                return
            if len(self.raw_requestline) > 65536:
                self.requestline, self.request_version, self.command = "", "", ""
                self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
                return
            if self.parse_request():
                self.server.connections.answering(self.connection)
                self._respond()
                self.server.connections.waiting(self.connection)
        except OSError:  # the browser went away, or was idle too long
            self.close_connection = True

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        """The fixed page of the status: never the path, the reason or a traceback."""
        status = HTTPStatus(code)
        body = _error_page(status)
        if len(getattr(self, "requestline", "").split()) != 2:
            # Only a real HTTP/0.9 request ("GET /path") gets a reply without a status line:
            # one that failed before its version was read gets a proper one.
            self.request_version = self.protocol_version
        headers = {"Content-Type": "text/html; charset=utf-8",
                   "Content-Length": str(len(body)), "Connection": "close"}
        if status == HTTPStatus.METHOD_NOT_ALLOWED:
            headers["Allow"] = ALLOWED_METHODS
        self._head(status, headers)
        self._body(body)

    def _respond(self) -> None:
        self._replying = False
        try:
            self._route()
        except _Refused as refused:
            self.send_error(refused.status)
        except OSError:
            self.close_connection = True
        except Exception as error:  # a bug: the browser gets the fixed page, the server goes on
            sys.stderr.write("pdp: internal error while serving a request: "
                             f"{type(error).__name__}: {error}\n")
            if self._replying:
                self.close_connection = True
            else:
                self.send_error(HTTPStatus.INTERNAL_SERVER_ERROR)

    def _route(self) -> None:
        hosts = self.server.hosts
        if not _single_header_accepted(self.headers.get_all("Host"), hosts.accept):
            raise _Refused(HTTPStatus.FORBIDDEN)
        if self.command not in ("GET", "HEAD"):
            raise _Refused(HTTPStatus.METHOD_NOT_ALLOWED)
        # The target as sent: http.server rewrites a leading "//", which is refused here.
        path, query = _split_target(self.requestline.split()[1], hosts)
        wanted = _site_path(path)
        if "/" + wanted == LIVE_SCRIPT:
            self._send(HTTPStatus.OK, "application/javascript; charset=utf-8", LIVE_JS)
        elif "/" + wanted == EVENTS:
            self._stream_events(query)
        else:
            self._send_site_file(wanted, path)

    def _send_site_file(self, wanted: str, path: str) -> None:
        generation, snapshot = self.server.live.current()
        kind = _content_type(wanted)
        if wanted in snapshot.files:
            body = snapshot.files[wanted]
        elif wanted in snapshot.copies:
            file, size = _open_copy(snapshot.copies[wanted], snapshot.roots)
            with file:
                if not kind.startswith("text/html"):
                    self._send_file(kind, file, size)
                    return
                body = file.read()
        elif _is_folder(snapshot, wanted):
            self._head(HTTPStatus.MOVED_PERMANENTLY, {"Location": path + "/",
                                                      "Content-Length": "0"})
            return
        else:
            raise _Refused(HTTPStatus.NOT_FOUND)
        if kind.startswith("text/html"):
            body = _with_live_reload(body, generation, self.server.instance, snapshot.errors)
        self._send(HTTPStatus.OK, kind, body)

    def _stream_events(self, query: str) -> None:
        """Tell the page that opened this stream about every new site until the server stops."""
        live = self.server.live
        if not _single_header_accepted(self.headers.get_all("Origin"), self._same_origin,
                                       missing=True):
            raise _Refused(HTTPStatus.FORBIDDEN)
        if self.command != "HEAD" and not self.server.connections.to_stream(self.connection):
            raise _Refused(HTTPStatus.SERVICE_UNAVAILABLE)
        generation, _ = live._latest()
        self.close_connection = True  # the stream ends only with the connection
        self._head(HTTPStatus.OK, {"Content-Type": "text/event-stream", "Connection": "close"})
        if self.command == "HEAD":
            return
        opening = b"retry: 1000\n\n"
        if _stale(query, self.server.instance, generation):
            opening += _event("reload", generation)
        if not self._write(opening):
            return
        while not live.closed:
            newer = live.wait_newer(generation, PING_SECONDS)
            if newer is None:
                message = b": ping\n\n"
            else:
                styles = newer[1].styles_only and live._styles_only_since(generation)
                generation = newer[0]
                message = _event("css" if styles else "reload", generation)
            if live.closed or not self._write(message):
                return

    def _same_origin(self, origin: str) -> bool:
        scheme, _, host = origin.partition("://")
        return scheme.lower() == "http" and self.server.hosts.accept(host)

    def _send(self, status: HTTPStatus, kind: str, body: bytes) -> None:
        self._head(status, {"Content-Type": kind, "Content-Length": str(len(body))})
        self._body(body)

    def _send_file(self, kind: str, file: BinaryIO, size: int) -> None:
        self._head(HTTPStatus.OK, {"Content-Type": kind, "Content-Length": str(size)})
        remaining = size if self.command != "HEAD" else 0
        while remaining > 0:
            chunk = file.read(min(remaining, CHUNK))
            if not chunk:  # the file shrank while being sent: the length said is wrong
                self.close_connection = True
                return
            self.wfile.write(chunk)
            remaining -= len(chunk)

    def _head(self, status: HTTPStatus, headers: Mapping[str, str]) -> None:
        self._replying = True
        self.send_response(status)
        for name, value in {**COMMON_HEADERS, **headers}.items():
            self.send_header(name, value)
        self.end_headers()

    def _body(self, body: bytes) -> None:
        if self.command != "HEAD":
            self.wfile.write(body)

    def _write(self, data: bytes) -> bool:
        """Whether `data` reached the socket; a browser that has gone is no error."""
        try:
            self.wfile.write(data)
        except OSError:
            return False
        return True


def _single_header_accepted(values: list[str] | None, accept: Callable[[str], bool],
                            missing: bool = False) -> bool:
    """Whether a header that must not repeat is there once with an accepted value (or is
    absent, when `missing` is allowed)."""
    if not values:
        return missing
    return len(values) == 1 and accept(values[0])


@dataclass(slots=True)
class _Slot:
    """What one open connection is doing."""

    waiting_since: float | None  # when it began to wait for a request; None while answering
    stream: bool = False


class _Connections:
    """The open connections, pages' and event streams' apart, each kind up to its cap.

    Room is made by closing the connection that has waited longest for a request: an idle
    browser connection (which the browser opens again when it needs one) or a silent one.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._slots: dict[socket.socket, _Slot] = {}

    def add(self, connection: socket.socket) -> None:
        with self._lock:
            self._slots[connection] = _Slot(time.monotonic())

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
            if slot is None or sum(other.stream for other in self._slots.values()) \
                    >= MAX_STREAMS:
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

    def close_waiting_since(self, before: float) -> None:
        """Close the connections that have waited for a request since before `before`:
        silent or slow ones cannot keep their place for ever."""
        with self._lock:
            for connection in [connection for connection, slot in self._slots.items()
                               if slot.waiting_since is not None
                               and slot.waiting_since < before]:
                self._close(connection)

    def close_all(self) -> None:
        with self._lock:
            for connection in list(self._slots):
                self._close(connection)

    def _close_longest_waiting(self) -> bool:
        waiting = {connection: slot.waiting_since for connection, slot in self._slots.items()
                   if slot.waiting_since is not None}
        if not waiting:
            return False
        self._close(min(waiting, key=waiting.__getitem__))
        return True

    def _close(self, connection: socket.socket) -> None:
        """End a connection: its thread sees it end, and closes it."""
        del self._slots[connection]
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)


class _HttpServer(ThreadingHTTPServer):
    """Accepts connections for the handler; knows the site, its names and open connections."""

    daemon_threads = True
    request_queue_size = 64  # every open tab reconnects at once after a restart
    # Windows' SO_REUSEADDR would let two servers share a port; elsewhere it only skips the
    # wait after a restart, and a port another socket listens on is still refused.
    allow_reuse_address = sys.platform != "win32"
    hosts: _Hosts  # once bound: the port may have been 0

    def __init__(self, bind: str, port: int, family: socket.AddressFamily, live: Live) -> None:
        self.address_family = family
        self.bind = bind
        self.live = live
        self.instance = secrets.token_hex(8)
        self.connections = _Connections()
        # stop() wakes the accepting loop with a byte here: no polling, no wait for a tick.
        self._wake_reader, self._wake_writer = socket.socketpair()
        super().__init__((bind, port), _Handler)
        # accept() never blocks, even when the connection it was woken for has gone.
        self.socket.setblocking(False)

    def server_bind(self) -> None:
        """Bind without http.server's reverse lookup of the address, which can take seconds."""
        socketserver.TCPServer.server_bind(self)
        port = int(self.socket.getsockname()[1])
        self.server_name, self.server_port = self.bind, port
        self.hosts = _hosts_for(self.bind, port)

    def process_request(self, request: socket.socket | tuple[bytes, socket.socket],
                        client_address: object) -> None:
        if isinstance(request, socket.socket):
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: socket.socket | tuple[bytes, socket.socket]) -> None:
        if isinstance(request, socket.socket):
            self.connections.remove(request)
        super().shutdown_request(request)

    def handle_error(self, request: socket.socket | tuple[bytes, socket.socket],
                     client_address: object) -> None:
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
                self.connections.close_waiting_since(time.monotonic() - IDLE_SECONDS)
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

    def __init__(self, httpd: _HttpServer) -> None:
        self._httpd = httpd
        self.host = httpd.bind
        self.port = httpd.server_port
        self.loopback = is_loopback(httpd.bind)  # else other computers can reach it
        self.url = f"http://{_url_host(self.host)}:{self.port}/"
        self._stopped = False
        self._thread = threading.Thread(target=httpd.serve_until_woken, name="pdp-server",
                                        daemon=True)
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
        raise UsageError("no address to serve on", "give an address with --bind, such as "
                         "127.0.0.1")
    if port is not None and not 0 <= port <= 65535:
        raise UsageError(f"port {port} is not a port number", "choose one from 0 to 65535")
    try:
        return Server(_listen(live, bind, DEFAULT_PORT if port is None else port))
    except OSError as error:
        if not _in_use(error):
            raise _cannot_bind(bind, error) from error
        if port is not None:
            raise UsageError(f"port {port} is in use",
                             "choose another with --port, or --port 0 for any free port"
                             ) from error
    try:
        return Server(_listen(live, bind, 0))
    except OSError as error:
        raise _cannot_bind(bind, error) from error


def _listen(live: Live, bind: str, port: int) -> _HttpServer:
    family = socket.AF_INET6 if ":" in bind else socket.AF_INET
    return _HttpServer(bind, port, family, live)


def _in_use(error: OSError) -> bool:
    return error.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", errno.EADDRINUSE))


def _cannot_bind(bind: str, error: OSError) -> UsageError:
    reason = error.strerror or str(error)
    return UsageError(f"cannot serve on {bind}: {reason}",
                      "give an address of this computer with --bind, such as 127.0.0.1")


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
