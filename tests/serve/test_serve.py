"""`pdp serve` end to end: a real server and watcher on a copy of the example journal, real
file changes, and what is then served and announced; and a real browser that reloads."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

from ..conftest import REPOSITORY, TODAY, ipv6_loopback
from ..helpers import example
from ..site_tools import open_browser

WAIT = 20.0  # generous: a shared machine can be slow; this is not a speed test


@dataclass
class Served:
    """A running `pdp serve`, its journal, and what it printed."""

    root: Path
    process: subprocess.Popen[str]
    url: str
    port: int
    errors: list[str]

    def get(self, path: str) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def wait_for(self, path: str, test: Callable[[int, bytes], bool]) -> bytes:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            status, body = self.get(path)
            if test(status, body):
                return body
            time.sleep(0.05)
        raise AssertionError(f"{path} never became as expected; last: {status} {body[:300]!r}")

    def entry(self, index: int) -> Path:
        return sorted((self.root / "journal" / "entries").rglob("*.md"))[index]


def start(root: Path, *options: str, ignore_ctrl_c: bool = False) -> subprocess.Popen[str]:
    env = {**os.environ, "PDP_TODAY": TODAY.isoformat(), "PYTHONUNBUFFERED": "1"}

    def ignoring() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    return subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", *options],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=ignoring if ignore_ctrl_c else None,
    )


def first_line(stream: IO[str] | None) -> str:
    assert stream is not None
    return stream.readline()


def collect(stream: IO[str] | None, lines: list[str]) -> None:
    """Each line as it comes (from a thread, while the test goes on)."""
    assert stream is not None
    for line in stream:
        lines.append(line)


def rest(stream: IO[str] | None) -> str:
    assert stream is not None
    return stream.read()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    root = example(tmp_path)
    process = start(root, "--port", "0")
    line = first_line(process.stdout)
    match = re.fullmatch(
        r"serving the site at (http://127\.0\.0\.1:(\d+)/) \(Ctrl-C to stop\)\n", line
    )
    assert match, (line, rest(process.stderr) if process.poll() is not None else "")
    errors: list[str] = []
    reader = threading.Thread(target=collect, args=(process.stderr, errors), daemon=True)
    reader.start()
    yield Served(root, process, match[1], int(match[2]), errors)
    process.send_signal(signal.SIGINT)
    process.wait(WAIT)


def test_serves_the_site_with_the_reload_script(served: Served) -> None:
    status, body = served.get("/")
    assert status == 200
    assert b"<h1>Am I on track for " in body
    assert b'<script src="/_pdp/live.js"' in body
    assert not (served.root / "site").exists()  # served from memory: nothing written


def test_an_edit_in_place_is_served(served: Served) -> None:
    entry = served.entry(3)
    page = f"/entries/{entry.stem}.html"
    entry.write_text(entry.read_text("utf-8") + "\nEDITED-IN-PLACE-7f3a\n", "utf-8")
    served.wait_for(page, lambda status, body: b"EDITED-IN-PLACE-7f3a" in body)


def test_a_save_by_rename_is_served(served: Served) -> None:
    entry = served.entry(4)
    temporary = entry.with_name(f".{entry.name}.swp")
    temporary.write_text(entry.read_text("utf-8") + "\nSAVED-BY-RENAME-19bc\n", "utf-8")
    os.replace(temporary, entry)
    served.wait_for(
        f"/entries/{entry.stem}.html", lambda status, body: b"SAVED-BY-RENAME-19bc" in body
    )


def test_deleted_and_renamed_entries_lose_their_old_page(served: Served) -> None:
    gone, moved = served.entry(5), served.entry(6)
    assert served.get(f"/entries/{gone.stem}.html")[0] == 200
    gone.unlink()
    served.wait_for(f"/entries/{gone.stem}.html", lambda status, body: status == 404)
    moved.rename(moved.with_name("renamed-while-serving.md"))
    served.wait_for("/entries/renamed-while-serving.html", lambda status, body: status == 200)
    assert served.get(f"/entries/{moved.stem}.html")[0] == 404


def test_a_burst_of_fifty_saves_is_few_rebuilds(served: Served) -> None:
    events = EventStream(served.port)
    entry = served.entry(7)
    text = entry.read_text("utf-8")
    for number in range(50):
        entry.write_text(text + f"\nBURST-{number}\n", "utf-8")
    served.wait_for(f"/entries/{entry.stem}.html", lambda status, body: b"BURST-49" in body)
    time.sleep(1.0)
    reloads = events.close()
    assert 1 <= reloads.count("event: reload") <= 3, reloads


def test_a_half_written_file_is_never_served_half(served: Served) -> None:
    entry = served.entry(8)
    page = f"/entries/{entry.stem}.html"
    before = served.get(page)[1]
    text = entry.read_text("utf-8") + "\nWRITTEN-IN-FULL-44d2\n"
    with open(entry, "w", encoding="utf-8") as stream:
        cut = text.index("\n---", 4) // 2  # inside the front matter
        stream.write(text[:cut])
        stream.flush()
        shown = served.wait_for(page, lambda status, body: b'id="pdp-errors"' in body)
        assert shown.replace(b'id="pdp-errors"', b"") != before
        main = before.split(b"<main")[1].split(b"</main>")[0]
        assert main in shown  # the last good page, under the overlay
        stream.write(text[cut:])
    body = served.wait_for(page, lambda status, body: b"WRITTEN-IN-FULL-44d2" in body)
    assert b'id="pdp-errors"' not in body


def test_errors_show_over_every_page_and_in_the_terminal_until_fixed(served: Served) -> None:
    entry = served.entry(9)
    original = entry.read_text("utf-8")
    entry.write_text(original.replace("hours:", "hours: many\nhourz:", 1), "utf-8")
    relative = entry.relative_to(served.root).as_posix()
    for page in ("/", "/goals/index.html", f"/entries/{entry.stem}.html"):
        body = served.wait_for(page, lambda status, body: b'id="pdp-errors"' in body)
        assert relative.encode() in body
    deadline = time.monotonic() + WAIT
    while not any(relative in line for line in served.errors) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert any(line.startswith(f"{relative}:") for line in served.errors)
    entry.write_text(original, "utf-8")
    served.wait_for("/", lambda status, body: b'id="pdp-errors"' not in body)


def test_a_published_preview_shows_a_private_entrys_problem_only_in_the_terminal(
    tmp_path: Path,
) -> None:
    root = example(tmp_path)
    private = (
        root / "journal" / "entries" / "2025-26" / "2025-10-15-difficult-mentoring-conversation.md"
    )
    process = start(root, "--port", "0", "--publish")
    line = first_line(process.stdout)
    match = re.fullmatch(
        r"serving the published portfolio at http://127\.0\.0\.1:(\d+)/ "
        r"\(Ctrl-C to stop\)\n",
        line,
    )
    assert match, line
    errors: list[str] = []
    threading.Thread(target=collect, args=(process.stderr, errors), daemon=True).start()
    served = Served(root, process, "", int(match[1]), errors)
    try:
        text = private.read_text("utf-8")
        private.write_text(text.replace("hours: 2", 'hours: "my dyslexia"'), "utf-8")
        body = served.wait_for("/", lambda status, body: b'id="pdp-errors"' in body)
        relative = private.relative_to(root).as_posix()
        assert (
            f"{relative}: error[V004] (details in the terminal only: the file may be private)"
        ).encode() in body
        assert b"dyslexia" not in body
        deadline = time.monotonic() + WAIT
        while not any("dyslexia" in line for line in errors) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert any(
            line.startswith(f"{relative}:6:8: error[V004]") and "dyslexia" in line
            for line in errors
        )
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(WAIT)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "kill"])
def test_ctrl_c_stops_cleanly(tmp_path: Path, stop: signal.Signals) -> None:
    root = example(tmp_path)
    # Started as a shell starts a background job: with Ctrl-C ignored.
    process = start(root, "--port", "0", ignore_ctrl_c=True)
    assert first_line(process.stdout).startswith("serving the site at ")
    process.send_signal(stop)
    assert process.wait(WAIT) == 0
    errors = rest(process.stderr)
    assert "Traceback" not in errors
    assert errors.endswith("pdp: stopped\n")


def test_a_busy_port_that_was_asked_for_is_an_error(tmp_path: Path) -> None:
    root = example(tmp_path)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        process = start(root, "--port", str(port))
        assert process.wait(WAIT) == 2
        errors = rest(process.stderr)
    assert f"pdp: error: port {port} is in use\n" in errors
    assert "Traceback" not in errors


def test_another_address_only_with_a_warning(tmp_path: Path) -> None:
    root = example(tmp_path)
    process = start(root, "--port", "0", "--bind", "0.0.0.0")
    try:
        assert first_line(process.stdout).startswith("serving the site at http://0.0.0.0:")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(WAIT)
    assert (
        "pdp: warning: serving on 0.0.0.0: other computers on the network can read your "
        "journal, private parts too\n"
    ) in rest(process.stderr)


@pytest.mark.parametrize(
    ("bind", "url"),
    [
        ("127.0.0.2", "http://127.0.0.2:"),
        ("[::1]", "http://[::1]:"),
        ("localhost", "http://localhost:"),
    ],
)
def test_a_loopback_address_is_served_without_a_warning(
    tmp_path: Path, bind: str, url: str
) -> None:
    root = example(tmp_path)
    process = start(root, "--port", "0", "--bind", bind)
    if bind == "[::1]" and not ipv6_loopback():  # a machine without IPv6: a clear error
        assert process.wait(WAIT) == 2
        assert "pdp: error: cannot serve on ::1: " in rest(process.stderr)
        return
    try:
        assert first_line(process.stdout).startswith(f"serving the site at {url}")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(WAIT)
    errors = rest(process.stderr)
    assert "pdp: warning:" not in errors  # the journal's own warnings may be told
    assert errors.endswith("pdp: stopped\n")


class EventStream:
    """The server's event stream, read in a thread."""

    def __init__(self, port: int) -> None:
        self.socket = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        self.socket.sendall(b"GET /_pdp/events HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % port)
        self.received = b""
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        time.sleep(0.2)

    def _read(self) -> None:
        try:
            while chunk := self.socket.recv(4096):
                self.received += chunk
        except OSError:
            return

    def close(self) -> str:
        self.socket.shutdown(socket.SHUT_RDWR)
        self.socket.close()
        self.thread.join(WAIT)
        return self.received.decode("utf-8", "replace")


@pytest.mark.tools
def test_a_browser_reloads_after_an_edit_and_shows_errors(served: Served) -> None:
    entry = served.entry(12)
    original = entry.read_text("utf-8")
    title = re.search(r'(?m)^title: "?(.*?)"?$', original)
    assert title
    with open_browser() as browser:
        page = browser.new_page()
        page.goto(f"{served.url}entries/{entry.stem}.html")
        assert page.locator("h1").inner_text() == title[1]
        page.evaluate("window.notReloaded = true")
        entry.write_text(original.replace(title[0], 'title: "Retitled while open"', 1), "utf-8")
        page.wait_for_function(
            "document.querySelector('h1')?.innerText === 'Retitled while open'", timeout=WAIT * 1000
        )
        assert page.evaluate("window.notReloaded === undefined")  # a real reload
        entry.write_text(original.replace("hours:", "hours: many\nhourz:", 1), "utf-8")
        page.wait_for_selector("#pdp-errors", state="visible", timeout=WAIT * 1000)
        assert entry.name in page.locator("#pdp-errors").inner_text()
        entry.write_text(original, "utf-8")
        page.wait_for_selector("#pdp-errors", state="detached", timeout=WAIT * 1000)
        assert page.locator("h1").inner_text() == title[1]


@pytest.mark.tools
def test_the_stylesheet_is_swapped_without_a_reload(tmp_path: Path) -> None:
    root = example(tmp_path)
    own = root / "themes" / "default" / "static" / "style.css"
    own.parent.mkdir(parents=True)
    shipped = REPOSITORY / "themes" / "default" / "static" / "style.css"
    own.write_text(shipped.read_text("utf-8"), "utf-8")
    process = start(root, "--port", "0")
    try:
        url = first_line(process.stdout).split(" at ")[1].split()[0]
        with open_browser() as browser:
            page = browser.new_page()
            page.goto(url)
            page.evaluate("window.notReloaded = true")
            own.write_text(own.read_text("utf-8") + "\nh1 { letter-spacing: 7px; }\n", "utf-8")
            page.wait_for_function(
                "getComputedStyle(document.querySelector('h1')).letterSpacing === '7px'",
                timeout=WAIT * 1000,
            )
            assert page.evaluate("window.notReloaded") is True
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(WAIT)


def test_a_theme_folder_made_while_serving_is_watched(served: Served) -> None:
    entry = served.entry(13)
    page = f"/entries/{entry.stem}.html"
    templates = served.root / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    time.sleep(0.5)  # the folder's own event first: from then on, its files are watched
    shipped = REPOSITORY / "themes" / "default" / "templates" / "entry.html"
    (templates / "entry.html").write_text(
        shipped.read_text("utf-8").replace(
            "{% block main %}", "{% block main %}<p>OWN-THEME-5c1e</p>", 1
        ),
        "utf-8",
    )
    served.wait_for(page, lambda status, body: b"OWN-THEME-5c1e" in body)
