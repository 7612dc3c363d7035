"""The preview server: only the snapshot's files, only to requests that name the server, no
path or traceback in any reply; live reload added as served; event streams; stopping."""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from generator.defaults import DEFAULT_PORT
from generator.errors import EXIT_USAGE, UsageError
from generator.serve.server import Live, Server, Snapshot, is_loopback, start_server

from ..conftest import REPOSITORY, ipv6_loopback

WAIT = 5.0  # generous: a shared machine can be slow; this is not a speed test
PAGE = (
    b'<!doctype html>\n<html lang="en">\n<head>\n<title>Entry A</title>\n'
    b'<link rel="stylesheet" href="../static/style.css">\n</head>\n<body class="entry">\n'
    b"<h1>Entry A</h1>\n</body>\n</html>\n"
)
INDEX = b"<!doctype html>\n<html>\n<body>\n<h1>Dashboard</h1>\n</body>\n</html>\n"
YEARS = b"<!doctype html>\n<html>\n<BODY>\n<h1>Years</h1>\n</BODY>\n</html>\n"
BARE = b"<p>No body element</p>\n"
CSV = b"date,title\n2025-06-14,Podcast\n"
JSON = b'{"a": 1}\n'
UNKNOWN = b"\x00\x01binary"
ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
STYLE = b"h1 { color: navy; }\n"
PDF = b"%PDF-1.4 evidence\n"
EVIDENCE_PAGE = b"<html><body><p>Saved web page</p></body></html>"
SECRET = b"outside the roots\n"
COMMON = {
    "Server": "pdp",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# What must never reach a browser in an error: paths asked for, internals.
LEAKS = (b"pdp.toml", b"passwd", b"evil", b"Traceback", b"Python", b"secret", b"..", b"%")


def error_page(phrase: str) -> bytes:
    return (
        f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{phrase}</title>\n</head>\n<body>\n<h1>{phrase}</h1>\n</body>\n"
        f"</html>\n"
    ).encode()


def script_tag(generation: int, instance: str) -> bytes:
    return (
        f'<script src="/_pdp/live.js" data-generation="{generation}" '
        f'data-instance="{instance}"></script>'
    ).encode()


def served_page(page: bytes, generation: int, instance: str) -> bytes:
    """A page as served without errors: the reload script just before the last </body>."""
    at = page.lower().rindex(b"</body>")
    return page[:at] + script_tag(generation, instance) + page[at:]


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        found = [value for key, value in self.headers if key.lower() == name.lower()]
        assert len(found) <= 1, (name, found)
        return found[0] if found else None

    def without_date(self) -> dict[str, str]:
        kept = {key: value for key, value in self.headers if key != "Date"}
        assert len(kept) == len(self.headers) - 1, self.headers  # none repeated, one Date
        return kept


def parse(received: bytes) -> Reply:
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("iso-8859-1").split("\r\n")
    version, status, _ = status_line.split(" ", 2)
    assert version == "HTTP/1.1", status_line
    headers = [(name, value.strip()) for name, _, value in (line.partition(":") for line in lines)]
    assert not any(name.lower().startswith("access-control-") for name, _ in headers), headers
    return Reply(int(status), headers, body)


def exchange(port: int, request: bytes, address: str = "127.0.0.1") -> Reply:
    """Send exactly `request`; the reply is everything until the server closes."""
    with socket.create_connection((address, port), timeout=WAIT) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return parse(received)


def ask(
    port: int,
    target: str,
    method: str = "GET",
    host: str | None = None,
    extra: str = "",
    address: str = "127.0.0.1",
    send_host: bool = True,
) -> Reply:
    """One request with exactly this target; Host is 127.0.0.1:port unless given."""
    host = f"127.0.0.1:{port}" if host is None else host
    lines = [f"{method} {target} HTTP/1.1", "Connection: close"]
    lines += [f"Host: {host}"] if send_host else []
    text = "\r\n".join(lines) + "\r\n" + extra + "\r\n"
    return exchange(port, text.encode("iso-8859-1"), address)


@dataclass
class Site:
    """A running server on a snapshot of a few pages and copies, and its folders."""

    live: Live
    server: Server
    files: dict[str, bytes]
    copies: dict[str, Path]
    roots: tuple[Path, ...]
    journal: Path
    theme: Path

    @property
    def port(self) -> int:
        return self.server.port

    def get(
        self,
        target: str,
        method: str = "GET",
        host: str | None = None,
        extra: str = "",
        send_host: bool = True,
    ) -> Reply:
        return ask(self.port, target, method, host, extra, send_host=send_host)

    def instance(self) -> str:
        found = re.search(rb'data-instance="([^"]*)"', self.get("/").body)
        assert found
        return found[1].decode()

    def snapshot(
        self,
        files: Mapping[str, bytes] | None = None,
        errors: tuple[str, ...] = (),
        styles_only: bool = False,
    ) -> Snapshot:
        return Snapshot(
            self.files if files is None else files, self.copies, self.roots, errors, styles_only
        )


@pytest.fixture
def site(tmp_path: Path, request: pytest.FixtureRequest) -> Site:
    journal, theme, outside = tmp_path / "journal", tmp_path / "theme", tmp_path / "outside"
    for folder in (journal / "evidence", theme / "static", outside):
        folder.mkdir(parents=True)
    (journal / "pdp.toml").write_text('name = "Sam"\n', "utf-8")  # a source: never served
    (journal / ".git").mkdir()
    (journal / ".git" / "config").write_text("[core]\n", "utf-8")
    (journal / "evidence" / "x.pdf").write_bytes(PDF)
    (journal / "evidence" / "page.html").write_bytes(EVIDENCE_PAGE)
    (theme / "static" / "style.css").write_bytes(STYLE)
    (outside / "secret.txt").write_bytes(SECRET)
    (journal / "evidence" / "escape.txt").symlink_to(outside / "secret.txt")
    (journal / "evidence" / "inside.pdf").symlink_to(journal / "evidence" / "x.pdf")
    files = {
        "index.html": INDEX,
        "years/index.html": YEARS,
        "entries/a.html": PAGE,
        "bare.html": BARE,
        "entries.csv": CSV,
        "data/a.json": JSON,
        "data/a.unknownext": UNKNOWN,
        "calendar.ics": ICS,
        # Never in a real snapshot; here to show that such paths are refused anyway.
        ".pdp-site/index.html": INDEX,
        "entries/.a.html": PAGE,
        "x/../index.html": INDEX,
        "/etc/passwd": SECRET,
        "static\\x.css": STYLE,
    }
    copies = {
        "static/style.css": theme / "static" / "style.css",
        "evidence/x.pdf": journal / "evidence" / "x.pdf",
        "evidence/page.html": journal / "evidence" / "page.html",
        "evidence/inside.pdf": journal / "evidence" / "inside.pdf",
        "evidence/escape.txt": journal / "evidence" / "escape.txt",
        "evidence/gone.pdf": journal / "evidence" / "gone.pdf",
        "evidence/folder.pdf": journal / "evidence",
        ".git/config": journal / ".git" / "config",
    }
    roots = (journal, theme)
    live = Live(Snapshot(files, copies, roots))
    server = start_server(live, "127.0.0.1", 0)
    request.addfinalizer(server.stop)
    return Site(live, server, files, copies, roots, journal, theme)


def assert_refused(reply: Reply, status: int, phrase: str) -> None:
    assert reply.status == status
    assert reply.body == error_page(phrase)
    assert reply.without_date() == {
        **COMMON,
        "Content-Type": "text/html; charset=utf-8",
        "Content-Length": str(len(error_page(phrase))),
        "Connection": "close",
    }
    assert not any(leak in reply.body for leak in LEAKS)


# Serving what the snapshot holds


def test_a_file_is_served_from_memory_with_exact_headers(site: Site) -> None:
    reply = site.get("/entries.csv")
    assert reply.status == 200
    assert reply.body == CSV
    assert reply.without_date() == {
        **COMMON,
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Length": str(len(CSV)),
    }


@pytest.mark.parametrize(
    ("target", "kind", "body"),
    [
        ("/data/a.json", "application/json; charset=utf-8", JSON),
        ("/data/a.unknownext", "application/octet-stream", UNKNOWN),
        ("/calendar.ics", "text/calendar; charset=utf-8", ICS),
        ("/static/style.css", "text/css; charset=utf-8", STYLE),
        ("/evidence/x.pdf", "application/pdf", PDF),
        ("/evidence/inside.pdf", "application/pdf", PDF),  # a symlink that stays inside a root
        ("/entries.csv?download=1#top", "text/csv; charset=utf-8", CSV),  # query ignored
        ("/entries/%61.html", "text/html; charset=utf-8", None),  # decoded once
    ],
)
def test_types_and_copies(site: Site, target: str, kind: str, body: bytes | None) -> None:
    reply = site.get(target)
    assert reply.status == 200
    assert reply.header("Content-Type") == kind
    assert reply.header("Content-Length") == str(len(reply.body))
    if body is not None:
        assert reply.body == body


def test_copies_are_read_as_they_are_now(site: Site) -> None:
    (site.theme / "static" / "style.css").write_bytes(b"h1 { color: red; }\n")
    assert site.get("/static/style.css").body == b"h1 { color: red; }\n"


def test_html_gets_the_reload_script_and_the_built_files_stay_as_given(site: Site) -> None:
    instance = site.instance()
    assert re.fullmatch(r"[0-9a-f]{16}", instance)
    reply = site.get("/entries/a.html")
    assert reply.status == 200
    assert reply.body == served_page(PAGE, 1, instance)
    assert reply.without_date() == {
        **COMMON,
        "Content-Type": "text/html; charset=utf-8",
        "Content-Length": str(len(reply.body)),
    }
    assert site.get("/").body == served_page(INDEX, 1, instance)
    assert site.get("/index.html").body == served_page(INDEX, 1, instance)
    assert site.get("/years/").body == served_page(YEARS, 1, instance)  # </BODY> too
    assert site.get("/bare.html").body == BARE + script_tag(1, instance)  # no </body>: appended
    assert site.get("/evidence/page.html").body == served_page(EVIDENCE_PAGE, 1, instance)
    assert site.live.current()[1].files is site.files
    assert site.files["entries/a.html"] == PAGE
    assert site.files["index.html"] == INDEX


def test_each_server_has_its_own_instance(site: Site) -> None:
    other = start_server(Live(site.snapshot()), "127.0.0.1", 0)
    try:
        found = re.search(rb'data-instance="([^"]*)"', ask(other.port, "/").body)
        assert found
        assert found[1].decode() != site.instance()
    finally:
        other.stop()


def test_the_generation_in_the_script_follows_publishing(site: Site) -> None:
    instance = site.instance()
    assert site.live.publish(site.snapshot(files={**site.files, "index.html": YEARS})) == 2
    assert site.get("/").body == served_page(YEARS, 2, instance)


def test_a_folder_without_its_slash_is_redirected(site: Site) -> None:
    for target, location in (("/years", "/years/"), ("/ye%61rs", "/ye%61rs/")):
        reply = site.get(target)
        assert reply.status == 301
        assert reply.body == b""
        assert reply.without_date() == {**COMMON, "Location": location, "Content-Length": "0"}


def test_head_has_the_headers_of_get_and_no_body(site: Site) -> None:
    for target in ("/entries/a.html", "/evidence/x.pdf", "/entries.csv", "/_pdp/live.js"):
        got, head = site.get(target), site.get(target, method="HEAD")
        assert head.status == 200
        assert head.body == b""
        assert head.without_date() == got.without_date()
    head = site.get("/nothing-here", method="HEAD")
    assert head.status == 404
    assert head.body == b""
    assert head.header("Content-Length") == str(len(error_page("Not Found")))


def test_a_kept_alive_connection_serves_one_request_after_another(site: Site) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", site.port, timeout=WAIT)
    try:
        for target, body in (("/entries.csv", CSV), ("/static/style.css", STYLE)):
            connection.request("GET", target)
            response = connection.getresponse()
            assert (response.status, response.read()) == (200, body)
    finally:
        connection.close()


# Refusing everything else


REFUSED = [
    ("/../pdp.toml", 404, "Not Found"),
    ("/%2e%2e/pdp.toml", 404, "Not Found"),
    ("/%2E%2E/pdp.toml", 404, "Not Found"),
    ("/%252e%252e/x", 404, "Not Found"),  # decoded once it is "%2e%2e": no such file
    ("/entries/%2561.html", 404, "Not Found"),
    ("/entries/..%2f..%2fpdp.toml", 404, "Not Found"),
    ("/static%5c..%5cx", 404, "Not Found"),
    ("/static/..%5c..%5cpdp.toml", 404, "Not Found"),
    ("/static%5cx.css", 404, "Not Found"),
    ("/.pdp-site", 404, "Not Found"),
    ("/.pdp-site/index.html", 404, "Not Found"),
    ("/.pdp-site/", 404, "Not Found"),
    ("/x/../index.html", 404, "Not Found"),
    ("/.git/config", 404, "Not Found"),
    ("/entries/.a.html", 404, "Not Found"),
    ("//etc/passwd", 404, "Not Found"),
    ("//evil.example/", 404, "Not Found"),
    ("/entries//a.html", 404, "Not Found"),
    ("/./index.html", 404, "Not Found"),
    ("/static/./style.css", 404, "Not Found"),
    ("/static/../index.html", 404, "Not Found"),
    ("/pdp.toml", 404, "Not Found"),
    ("/journal/pdp.toml", 404, "Not Found"),
    ("/evidence/escape.txt", 404, "Not Found"),  # a copy that is a symlink out of the roots
    ("/evidence/gone.pdf", 404, "Not Found"),
    ("/evidence/folder.pdf", 404, "Not Found"),
    ("/entries/", 404, "Not Found"),  # a folder with no index.html: never a listing
    ("/entries", 404, "Not Found"),
    ("/static/", 404, "Not Found"),
    ("/entries.csv/", 404, "Not Found"),
    ("/_pdp/", 404, "Not Found"),
    ("/entries/a.html%00.txt", 400, "Bad Request"),
    ("/entries/a.html%0d%0aSet-Cookie:%20x=1", 400, "Bad Request"),
    ("/%ff", 400, "Bad Request"),
    ("/%c0%ae%c0%ae/pdp.toml", 400, "Bad Request"),  # overlong UTF-8 for ".."
    ("index.html", 400, "Bad Request"),
    ("*", 400, "Bad Request"),
    ("http://evil.example/index.html", 403, "Forbidden"),
    ("https://evil.example/index.html", 403, "Forbidden"),
    ("http://evil.example@127.0.0.1/index.html", 403, "Forbidden"),
]


@pytest.mark.parametrize(
    ("target", "status", "phrase"), REFUSED, ids=[target for target, _, _ in REFUSED]
)
def test_a_request_for_anything_else_is_refused(
    site: Site, target: str, status: int, phrase: str
) -> None:
    assert_refused(site.get(target), status, phrase)


def test_an_absolute_target_naming_this_server_is_served(site: Site) -> None:
    reply = site.get(f"http://127.0.0.1:{site.port}/entries.csv")
    assert (reply.status, reply.body) == (200, CSV)
    assert_refused(site.get(f"http://localhost:{site.port}//etc/passwd"), 404, "Not Found")


@pytest.mark.parametrize(
    "request_line",
    [
        b"GET / HTTP/9.9",
        b"NONSENSE",
        b"GET / HTTP/1.1 extra",
        b"GET /\x01 HTTP/1.1",
        b"GET /\xc3\xa9 HTTP/1.1",
        b"GET /passwd HTTP/1.x",
    ],
)
def test_a_malformed_request_gets_a_fixed_page(site: Site, request_line: bytes) -> None:
    reply = exchange(site.port, request_line + b"\r\nHost: 127.0.0.1:%d\r\n\r\n" % site.port)
    phrase = "HTTP Version Not Supported" if b"9.9" in request_line else "Bad Request"
    assert_refused(reply, 505 if b"9.9" in request_line else 400, phrase)


@pytest.mark.parametrize(
    "method", ["POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "PROPFIND", "BREW"]
)
def test_only_get_and_head_are_allowed(site: Site, method: str) -> None:
    reply = site.get("/entries.csv", method=method, extra="Content-Length: 0\r\n")
    assert reply.status == 405
    assert reply.body == error_page("Method Not Allowed")
    assert reply.without_date() == {
        **COMMON,
        "Allow": "GET, HEAD",
        "Content-Type": "text/html; charset=utf-8",
        "Content-Length": str(len(error_page("Method Not Allowed"))),
        "Connection": "close",
    }


def test_connect_is_not_allowed_either(site: Site) -> None:
    reply = site.get(f"127.0.0.1:{site.port}", method="CONNECT")
    assert (reply.status, reply.header("Allow")) == (405, "GET, HEAD")


def test_no_reply_allows_other_origins(site: Site) -> None:
    origin = "Origin: http://evil.example\r\nAccess-Control-Request-Method: GET\r\n"
    for method, target in (
        ("OPTIONS", "/entries.csv"),
        ("GET", "/entries.csv"),
        ("GET", "/_pdp/live.js"),
        ("GET", "/nothing"),
    ):
        reply = site.get(target, method=method, extra=origin)  # parse() checks the headers
        assert reply.status in (200, 404, 405)


# Only for requests that name this server


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("127.0.0.1:{port}", 200),
        ("localhost:{port}", 200),
        ("LOCALHOST:{port}", 200),
        ("[::1]:{port}", 200),
        ("evil.example:{port}", 403),
        ("evil.example", 403),
        ("127.0.0.1", 403),
        ("localhost", 403),
        ("127.0.0.1:1", 403),
        ("localhost.:{port}", 403),
        ("192.168.1.20:{port}", 403),  # bound to loopback: no other address names it
        ("127.0.0.1:{port}@evil.example", 403),
        ("[localhost]:{port}", 403),
        ("::1:{port}", 403),
        ("", 403),
        (None, 403),
    ],
)
def test_the_host_must_name_this_server(site: Site, host: str | None, status: int) -> None:
    if host is None:
        reply = site.get("/entries.csv", send_host=False)
    else:
        reply = site.get("/entries.csv", host=host.format(port=site.port))
    if status == 200:
        assert (reply.status, reply.body) == (200, CSV)
    else:
        assert_refused(reply, 403, "Forbidden")


def test_two_hosts_or_an_old_request_without_one_are_refused(site: Site) -> None:
    reply = site.get("/entries.csv", extra="Host: evil.example\r\n")
    assert_refused(reply, 403, "Forbidden")
    assert_refused(exchange(site.port, b"GET /entries.csv HTTP/1.0\r\n\r\n"), 403, "Forbidden")


def test_a_foreign_host_is_refused_before_anything_else(site: Site) -> None:
    for method, target in (("POST", "/"), ("GET", "/nothing"), ("GET", "/_pdp/events")):
        reply = site.get(target, method=method, host=f"evil.example:{site.port}")
        assert_refused(reply, 403, "Forbidden")


def test_bound_to_all_addresses_any_address_or_the_machine_name_names_it(site: Site) -> None:
    server = start_server(Live(site.snapshot()), "0.0.0.0", 0)
    try:
        assert server.url == f"http://0.0.0.0:{server.port}/"
        for host in ("0.0.0.0", "192.168.1.20", "[fe80::1]", socket.gethostname(), "localhost"):
            reply = ask(server.port, "/entries.csv", host=f"{host}:{server.port}")
            assert (reply.status, reply.body) == (200, CSV), host
        reply = ask(server.port, "/entries.csv", host=f"evil.example:{server.port}")
        assert_refused(reply, 403, "Forbidden")
    finally:
        server.stop()


# The errors of the journal over every page


def test_errors_show_escaped_over_every_page_until_a_good_site(site: Site) -> None:
    instance = site.instance()
    errors = (
        "journal/entries/a.md:3:8: error[V007] title: <script>alert(1)</script>",
        "journal/goals/b.md:1:1: error[V001] goals: 'x' & \"y\"",
    )
    site.live.publish(site.snapshot(errors=errors))
    escaped = (
        b"journal/entries/a.md:3:8: error[V007] title: &lt;script&gt;alert(1)"
        b"&lt;/script&gt;\njournal/goals/b.md:1:1: error[V001] goals: &#x27;x&#x27; "
        b"&amp; &quot;y&quot;"
    )
    for target, page, opening in (
        ("/entries/a.html", PAGE, b'<body class="entry">'),
        ("/", INDEX, b"<body>"),
        ("/years/", YEARS, b"<BODY>"),
    ):
        reply = site.get(target)
        assert reply.status == 200
        assert reply.header("Content-Length") == str(len(reply.body))
        assert b"<script>alert(1)" not in reply.body
        overlay = re.search(
            rb'<div id="pdp-errors" role="alert" style="([^"]*)">.*?</div>', reply.body, re.DOTALL
        )
        assert overlay
        assert reply.body[overlay.start() - len(opening) : overlay.start()] == opening
        assert b"position:static" in overlay[1]  # in flow: it covers nothing of the page
        assert b"fixed" not in overlay[1] and b"absolute" not in overlay[1]
        assert b"monospace" in overlay[1]
        assert b">The journal has problems: showing the last good site</h2>" in overlay[0]
        assert re.search(rb"<pre[^>]*>" + re.escape(escaped) + rb"</pre>", overlay[0])
        without = reply.body[: overlay.start()] + reply.body[overlay.end() :]
        assert without == served_page(page, 2, instance)
    bare = site.get("/bare.html").body
    assert bare.startswith(b'<div id="pdp-errors"')
    assert bare.endswith(BARE + script_tag(2, instance))
    assert site.get("/entries.csv").body == CSV
    site.live.publish(site.snapshot())
    assert site.get("/entries/a.html").body == served_page(PAGE, 3, instance)


# Live reload: the script and the event stream


def test_the_reload_script(site: Site) -> None:
    reply = site.get("/_pdp/live.js")
    assert reply.status == 200
    assert reply.without_date() == {
        **COMMON,
        "Content-Type": "application/javascript; charset=utf-8",
        "Content-Length": str(len(reply.body)),
    }
    script = reply.body.decode()
    for part in (
        "document.currentScript",
        "dataset.generation",
        "dataset.instance",
        'new EventSource("/_pdp/events?"',
        '"reload", () => location.reload()',
        '"css"',
        'link[rel~="stylesheet"]',
        'searchParams.set("v", event.data)',
    ):
        assert part in script, part


@dataclass
class Stream:
    """An event stream read straight from its socket."""

    port: int
    query: str = ""
    extra: str = ""
    connection: socket.socket = field(init=False)
    buffer: bytes = b""

    def __post_init__(self) -> None:
        self.connection = socket.create_connection(("127.0.0.1", self.port), timeout=WAIT)
        target = "/_pdp/events" + (f"?{self.query}" if self.query else "")
        self.connection.sendall(
            (f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n{self.extra}\r\n").encode()
        )

    def read(self, size: int) -> bytes:
        while len(self.buffer) < size:
            chunk = self.connection.recv(4096)
            if not chunk:
                break
            self.buffer += chunk
        taken, self.buffer = self.buffer[:size], self.buffer[size:]
        return taken

    def head(self) -> Reply:
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.connection.recv(4096)
            assert chunk, self.buffer
            self.buffer += chunk
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        return parse(head + b"\r\n\r\n")

    def opened(self) -> Stream:
        """The stream, checked to have started as every stream starts."""
        reply = self.head()
        assert reply.status == 200
        assert reply.without_date() == {
            **COMMON,
            "Content-Type": "text/event-stream",
            "Connection": "close",
        }
        assert self.read(len(b"retry: 1000\n\n")) == b"retry: 1000\n\n"
        return self

    def expect(self, text: bytes) -> None:
        assert self.read(len(text)) == text

    def ended(self) -> bool:
        """Whether the server closed the stream with nothing more said."""
        return self.read(1) == b""

    def close(self) -> None:
        self.connection.close()


def test_a_new_site_is_announced_as_a_reload_or_a_stylesheet_swap(site: Site) -> None:
    stream = Stream(site.port, f"generation=1&instance={site.instance()}").opened()
    try:
        site.live.publish(site.snapshot(files={**site.files, "index.html": YEARS}))
        stream.expect(b"event: reload\ndata: 2\n\n")
        site.live.publish(site.snapshot(styles_only=True))
        stream.expect(b"event: css\ndata: 3\n\n")
        site.live.publish(site.snapshot())
        stream.expect(b"event: reload\ndata: 4\n\n")
    finally:
        stream.close()


@pytest.mark.parametrize(
    "query",
    [
        "generation=0&instance={instance}",
        "generation=x&instance={instance}",
        "generation=1&instance=0123456789abcdef",
        "generation=1&instance=",
        "generation=1&generation=1&instance={instance}",
    ],
)
def test_a_page_from_an_older_site_or_another_server_reloads_at_once(
    site: Site, query: str
) -> None:
    stream = Stream(site.port, query.format(instance=site.instance())).opened()
    try:
        stream.expect(b"event: reload\ndata: 1\n\n")
    finally:
        stream.close()


def test_a_stream_that_names_no_page_waits_for_a_new_site(site: Site) -> None:
    stream = Stream(site.port).opened()
    try:
        site.live.publish(site.snapshot())
        stream.expect(b"event: reload\ndata: 2\n\n")
    finally:
        stream.close()


def test_twenty_open_tabs_all_reload(site: Site) -> None:
    query = f"generation=1&instance={site.instance()}"
    streams = [Stream(site.port, query) for _ in range(20)]
    try:
        for stream in streams:
            stream.opened()
        site.live.publish(site.snapshot())
        for stream in streams:
            stream.expect(b"event: reload\ndata: 2\n\n")
    finally:
        for stream in streams:
            stream.close()


@pytest.mark.parametrize(
    "origin",
    [
        "http://evil.example",
        "http://evil.example:{port}",
        "null",
        "https://127.0.0.1:{port}",
        "http://127.0.0.1:{port}.evil.example",
    ],
)
def test_events_for_another_origin_are_refused(site: Site, origin: str) -> None:
    reply = site.get("/_pdp/events", extra=f"Origin: {origin.format(port=site.port)}\r\n")
    assert_refused(reply, 403, "Forbidden")


@pytest.mark.parametrize(
    "origin", ["", "Origin: http://127.0.0.1:{port}\r\n", "Origin: http://localhost:{port}\r\n"]
)
def test_events_for_this_origin_are_streamed(site: Site, origin: str) -> None:
    stream = Stream(site.port, extra=origin.format(port=site.port)).opened()
    stream.close()


def test_head_of_the_events_is_only_their_headers(site: Site) -> None:
    reply = site.get("/_pdp/events", method="HEAD")
    assert reply.status == 200
    assert reply.body == b""
    assert reply.header("Content-Type") == "text/event-stream"


# Rebuilding, and the shared state


def ask_meanwhile(site: Site, replies: list[Reply]) -> threading.Thread:
    """Ask for entries.csv from another thread, and check it is still waiting."""
    asking = threading.Thread(target=lambda: replies.append(site.get("/entries.csv")))
    asking.start()
    asking.join(0.4)
    assert asking.is_alive()
    assert replies == []
    return asking


def test_a_request_during_a_rebuild_waits_for_the_new_site(site: Site) -> None:
    replies: list[Reply] = []
    with site.live.rebuilding():
        asking = ask_meanwhile(site, replies)
        site.live.publish(site.snapshot(files={**site.files, "entries.csv": b"new\n"}))
    asking.join(WAIT)
    assert [(reply.status, reply.body) for reply in replies] == [(200, b"new\n")]


def test_a_rebuild_that_ends_without_a_new_site_releases_its_requests(site: Site) -> None:
    replies: list[Reply] = []
    with site.live.rebuilding():
        asking = ask_meanwhile(site, replies)
    asking.join(WAIT)
    assert [(reply.status, reply.body) for reply in replies] == [(200, CSV)]


def test_live_generations_waiting_and_closing() -> None:
    first, second = Snapshot({"a.html": b"a"}), Snapshot({"b.html": b"b"})
    live = Live(first)
    assert live.current() == (1, first)
    assert live.wait_newer(1, 0.05) is None
    assert live.wait_newer(0, 0.05) == (1, first)
    assert live.publish(second) == 2
    assert live.wait_newer(1, 0.05) == (2, second)
    woken: list[object] = []
    waiter = threading.Thread(target=lambda: woken.append(live.wait_newer(2, WAIT * 2)))
    waiter.start()
    time.sleep(0.1)
    assert not live.closed
    live.close()
    waiter.join(WAIT)
    assert woken == [None]
    assert live.closed
    assert live.wait_newer(1, 0.05) is None
    with live.rebuilding():
        assert live.current() == (2, second)  # closed: nobody waits any more


# Failures


class Exploding(dict[str, bytes]):
    """A site whose files cannot be read: a bug in serving, as far as the server knows."""

    def __getitem__(self, key: str) -> bytes:
        raise RuntimeError("/secret/path went wrong")


def test_a_bug_is_a_fixed_page_and_the_server_goes_on(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    site.live.publish(site.snapshot(files=Exploding(site.files)))
    assert_refused(site.get("/entries.csv"), 500, "Internal Server Error")
    assert capsys.readouterr().err == (
        "pdp: internal error while serving a request: RuntimeError: /secret/path went wrong\n"
    )
    assert site.get("/_pdp/live.js").status == 200
    site.live.publish(site.snapshot())
    assert site.get("/entries.csv").body == CSV


def test_a_busy_port_asked_for_is_a_usage_error() -> None:
    for reuse in (False, True):  # another pdp serve holds its port with SO_REUSEADDR
        with socket.socket() as holder:
            holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, reuse)
            holder.bind(("127.0.0.1", 0))
            holder.listen()
            port = holder.getsockname()[1]
            with pytest.raises(UsageError) as raised:
                start_server(Live(Snapshot({})), "127.0.0.1", port)
        assert raised.value.message == f"port {port} is in use"
        assert raised.value.hint == "choose another with --port, or --port 0 for any free port"
        assert raised.value.exit_code == EXIT_USAGE


def test_the_default_port_when_busy_is_any_free_port() -> None:
    with socket.socket() as holder:
        # Reuse as the server does, so a connection of an earlier test lingering on the port
        # does not keep the holder out while letting the server in.
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        with contextlib.suppress(OSError):  # already busy: as good
            holder.bind(("127.0.0.1", DEFAULT_PORT))
            holder.listen()
        server = start_server(Live(Snapshot({"entries.csv": CSV})))
        try:
            assert server.port != DEFAULT_PORT
            assert server.url == f"http://127.0.0.1:{server.port}/"
            assert ask(server.port, "/entries.csv").body == CSV
        finally:
            server.stop()


def test_an_address_that_cannot_be_bound_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as raised:
        start_server(Live(Snapshot({})), "192.0.2.1", 0)  # TEST-NET-1: never this machine's
    assert raised.value.message.startswith("cannot serve on 192.0.2.1: ")
    with pytest.raises(UsageError) as raised:
        start_server(Live(Snapshot({})), "127.0.0.1", 70000)
    assert raised.value.message == "port 70000 is not a port number"


def test_an_ipv6_address_is_served() -> None:
    if not ipv6_loopback():  # a machine without IPv6 gets the usage error instead
        with pytest.raises(UsageError, match=r"^cannot serve on ::1: "):
            start_server(Live(Snapshot({})), "::1", 0)
        return
    server = start_server(Live(Snapshot({"entries.csv": CSV})), "::1", 0)
    try:
        assert (server.host, server.url) == ("::1", f"http://[::1]:{server.port}/")
        for host in ("[::1]", "localhost", "127.0.0.1"):
            reply = ask(server.port, "/entries.csv", host=f"{host}:{server.port}", address="::1")
            assert (reply.status, reply.body) == (200, CSV)
        reply = ask(server.port, "/entries.csv", host=f"[::2]:{server.port}", address="::1")
        assert_refused(reply, 403, "Forbidden")
    finally:
        server.stop()


def test_stop_ends_streams_and_kept_alive_connections_promptly(site: Site) -> None:
    streams = [Stream(site.port).opened() for _ in range(5)]
    idle = socket.create_connection(("127.0.0.1", site.port), timeout=WAIT)
    idle.sendall(b"GET /entries.csv HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % site.port)
    received = b""
    while not received.endswith(CSV):
        received += idle.recv(4096)
    started = time.monotonic()
    site.server.stop()
    assert time.monotonic() - started < WAIT
    assert site.live.closed
    for stream in streams:
        assert stream.ended()
        stream.close()
    assert idle.recv(1) == b""  # kept alive, then closed by stop()
    idle.close()
    with pytest.raises(OSError):
        ask(site.port, "/entries.csv")
    site.server.stop()  # a second time is harmless


# Many connections, few file descriptors

# A server in a child process whose file-descriptor limit leaves room for a dozen
# connections; it prints its port, then its CPU time and the time whenever asked.
LIMITED_SERVER = """\
import resource, sys, time
from generator.serve.server import Live, Snapshot, start_server
resource.setrlimit(resource.RLIMIT_NOFILE, (24, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
server = start_server(Live(Snapshot({"entries.csv": b"date,title\\n"})), "127.0.0.1", 0)
print(server.port, flush=True)
for line in sys.stdin:
    print(time.process_time(), time.monotonic(), flush=True)
"""


def half_open(port: int, count: int) -> list[socket.socket]:
    """Connections that are opened and then say nothing (connecting without waiting: the
    server's queue of connections to accept may be full)."""
    connections = []
    for _ in range(count):
        connection = socket.socket()
        connection.setblocking(False)
        connection.connect_ex(("127.0.0.1", port))
        connections.append(connection)
    return connections


@pytest.mark.skipif(sys.platform == "win32", reason="no file-descriptor limit to lower")
def test_out_of_file_descriptors_the_server_waits_and_still_answers() -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", LIMITED_SERVER],
        cwd=REPOSITORY,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdin is not None and child.stdout is not None
    connections: list[socket.socket] = []

    def times() -> tuple[float, float]:
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write("?\n")
        child.stdin.flush()
        cpu, wall = child.stdout.readline().split()
        return float(cpu), float(wall)

    try:
        port = int(child.stdout.readline())
        connections = half_open(port, 300)
        time.sleep(1.0)  # the server has taken all it can
        cpu, wall = times()
        time.sleep(1.5)
        cpu_after, wall_after = times()
        # A server that retries accept() at once spins at a full core's time.
        assert (cpu_after - cpu) / (wall_after - wall) < 0.25
        reply = exchange(
            port,
            b"GET /entries.csv HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n" % port,
        )
        assert (reply.status, reply.body) == (200, b"date,title\n")
    finally:
        for connection in connections:
            connection.close()
        child.kill()
        child.wait(WAIT)


def closed_by_server(connection: socket.socket, deadline: float) -> bool:
    """Whether the server ends this silent connection before `deadline`."""
    connection.setblocking(True)
    try:
        connection.settimeout(max(0.01, deadline - time.monotonic()))
        return connection.recv(1) == b""
    except TimeoutError:
        return False
    except OSError:  # reset
        return True


def test_silent_connections_beyond_the_cap_make_room_for_a_request(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("generator.serve.connections.MAX_CONNECTIONS", 4)
    silent = [socket.create_connection(("127.0.0.1", site.port), timeout=WAIT) for _ in range(10)]
    try:
        # Each one that came when all places were taken closed the one waiting longest.
        deadline = time.monotonic() + WAIT
        assert [closed_by_server(connection, deadline) for connection in silent[:6]] == [True] * 6
        assert site.get("/entries.csv").body == CSV
    finally:
        for connection in silent:
            connection.close()


def test_connections_that_wait_too_long_for_a_request_are_closed_but_streams_stay(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = Stream(site.port).opened()
    monkeypatch.setattr("generator.serve.connections.IDLE_SECONDS", 0.5)
    silent = socket.create_connection(("127.0.0.1", site.port), timeout=WAIT)
    slow = socket.create_connection(("127.0.0.1", site.port), timeout=WAIT)
    try:
        deadline = time.monotonic() + WAIT
        for byte in b"GET /entries.csv HTTP/1.1\r\n":  # a byte at a time, never the end
            with contextlib.suppress(OSError):
                slow.sendall(bytes([byte]))
            time.sleep(0.1)
        assert closed_by_server(silent, deadline)
        assert closed_by_server(slow, deadline)
        site.live.publish(site.snapshot())
        stream.expect(b"event: reload\ndata: 2\n\n")
    finally:
        for connection in (silent, slow):
            connection.close()
        stream.close()


def test_event_streams_have_a_cap_of_their_own(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("generator.serve.connections.MAX_STREAMS", 3)
    monkeypatch.setattr("generator.serve.connections.MAX_CONNECTIONS", 2)
    streams = [Stream(site.port).opened() for _ in range(3)]
    try:
        assert_refused(site.get("/_pdp/events"), 503, "Service Unavailable")
        assert site.get("/entries.csv").body == CSV
        site.live.publish(site.snapshot())
        for stream in streams:
            stream.expect(b"event: reload\ndata: 2\n\n")
    finally:
        for stream in streams:
            stream.close()


@pytest.mark.parametrize(
    ("bind", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("127.255.255.254", True),
        ("::1", True),
        ("[::1]", True),
        (" localhost ", True),
        ("LOCALHOST", True),
        ("::ffff:127.0.0.1", True),
        ("0.0.0.0", False),
        ("::", False),
        ("[::]", False),
        ("192.168.1.20", False),
        ("128.0.0.1", False),
        ("::2", False),
        ("example.org", False),
        ("", False),
    ],
)
def test_which_addresses_are_this_computers_alone(bind: str, loopback: bool) -> None:
    assert is_loopback(bind) is loopback
