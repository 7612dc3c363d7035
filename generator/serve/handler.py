"""One connection's requests: GET and HEAD of the snapshot's files, the live-reload script
and its events. Only requests that name this server are answered, only with what the
snapshot holds, and no response shows a path or a traceback."""

from __future__ import annotations

import mimetypes
import os
import stat
import sys
import unicodedata
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from ..journal.load import leads_inside
from .connections import IDLE_SECONDS
from .hosts import Hosts
from .live import Snapshot
from .live_reload import EVENTS, LIVE_JS, LIVE_SCRIPT, event, stale, with_live_reload

if TYPE_CHECKING:
    from .server import HttpServer

PING_SECONDS = 15.0  # an idle event stream's comment: keeps proxies open, finds gone sockets
CHUNK = 64 * 1024
ALLOWED_METHODS = "GET, HEAD"
COMMON_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# Types whose text is UTF-8 here, beyond text/*.
_TEXTUAL = frozenset({"application/javascript", "application/json", "image/svg+xml"})
# The built-in table only, so a machine's /etc/mime.types or registry cannot change a type.
_TYPES = mimetypes.MimeTypes()
# The member's calendar (calendar.ics): a type the built-in table lacks, so a browser offers
# to add it to a calendar instead of saving an unknown file.
_TYPES.add_type("text/calendar", ".ics")
_ERROR_PAGE = (
    '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
    "<title>{phrase}</title>\n</head>\n<body>\n<h1>{phrase}</h1>\n</body>\n</html>\n"
)


class _Refused(Exception):
    """A request answered with an error status and the fixed page of that status."""

    def __init__(self, status: HTTPStatus) -> None:
        super().__init__(status.phrase)
        self.status = status


def _split_target(target: str, hosts: Hosts) -> tuple[str, str]:
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


class Handler(BaseHTTPRequestHandler):
    """One connection: GET and HEAD of the snapshot's files, the reload script and events."""

    protocol_version = "HTTP/1.1"
    sys_version = ""
    timeout = IDLE_SECONDS
    server: HttpServer
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

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The fixed page of the status: never the path, the reason or a traceback."""
        status = HTTPStatus(code)
        body = _error_page(status)
        if len(getattr(self, "requestline", "").split()) != 2:
            # Only a real HTTP/0.9 request ("GET /path") gets a reply without a status line:
            # one that failed before its version was read gets a proper one.
            self.request_version = self.protocol_version
        headers = {
            "Content-Type": "text/html; charset=utf-8",
            "Content-Length": str(len(body)),
            "Connection": "close",
        }
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
            sys.stderr.write(
                f"pdp: internal error while serving a request: {type(error).__name__}: {error}\n"
            )
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
            self._head(
                HTTPStatus.MOVED_PERMANENTLY, {"Location": path + "/", "Content-Length": "0"}
            )
            return
        else:
            raise _Refused(HTTPStatus.NOT_FOUND)
        if kind.startswith("text/html"):
            body = with_live_reload(
                body, generation, self.server.instance, snapshot.errors, snapshot.warnings
            )
        self._send(HTTPStatus.OK, kind, body)

    def _stream_events(self, query: str) -> None:
        """Tell the page that opened this stream about every new site until the server stops."""
        live = self.server.live
        if not _single_header_accepted(
            self.headers.get_all("Origin"), self._same_origin, missing=True
        ):
            raise _Refused(HTTPStatus.FORBIDDEN)
        if self.command != "HEAD" and not self.server.connections.to_stream(self.connection):
            raise _Refused(HTTPStatus.SERVICE_UNAVAILABLE)
        generation, _ = live.latest()
        self.close_connection = True  # the stream ends only with the connection
        self._head(HTTPStatus.OK, {"Content-Type": "text/event-stream", "Connection": "close"})
        if self.command == "HEAD":
            return
        opening = b"retry: 1000\n\n"
        if stale(query, self.server.instance, generation):
            opening += event("reload", generation)
        if not self._write(opening):
            return
        while not live.closed:
            newer = live.wait_newer(generation, PING_SECONDS)
            if newer is None:
                message = b": ping\n\n"
            else:
                styles = newer[1].styles_only and live.styles_only_since(generation)
                generation = newer[0]
                message = event("css" if styles else "reload", generation)
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


def _single_header_accepted(
    values: list[str] | None, accept: Callable[[str], bool], missing: bool = False
) -> bool:
    """Whether a header that must not repeat is there once with an accepted value (or is
    absent, when `missing` is allowed)."""
    if not values:
        return missing
    return len(values) == 1 and accept(values[0])
