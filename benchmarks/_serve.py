"""How soon `pdp serve` serves an edited entry: from saving the edit to the page showing it."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from _journals import ROOT, BenchError, Shape, pdp, progress
from _results import Result

EDITS = 10  # edits of one entry while `pdp serve` runs, each timed until the page shows it
SERVE_TIMEOUT = 120.0


def edit_to_served(project: Path, shape: Shape, env: Mapping[str, str]) -> Result:
    """Seconds from saving an edit of one entry to `pdp serve` serving the updated page."""
    progress(f"  timing pdp serve: {EDITS} edits of one entry, each until it is served")
    command = pdp(project, "serve --port 0")
    with subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as server:
        try:
            url = _served_url(server)
            entry = sorted((project / "journal" / "entries").rglob("*.md"))[-1]
            page = f"{url}entries/{entry.stem}.html"
            original = entry.read_bytes()
            try:
                times = tuple(
                    _time_one_edit(entry, original, page, number) for number in range(EDITS + 1)
                )[1:]  # the first warms up
            finally:
                entry.write_bytes(original)
        finally:
            server.terminate()  # pdp serve stops cleanly on SIGTERM, as on Ctrl-C
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
    return Result(shape, "serve: edit one entry -> page served", times, 0)


def _served_url(server: subprocess.Popen[str]) -> str:
    assert server.stdout is not None
    for line in server.stdout:
        if line.startswith("serving "):
            return line.split(" at ", 1)[1].split()[0]
    raise BenchError(f"pdp serve stopped (exit code {server.wait()}) before serving")


def _time_one_edit(entry: Path, original: bytes, page: str, number: int) -> float:
    marker = f"edit-marker-{number}-{time.time_ns()}"
    deadline = time.perf_counter() + SERVE_TIMEOUT
    start = time.perf_counter()
    entry.write_bytes(original + f"\n{marker}\n".encode())
    while time.perf_counter() < deadline:
        with urllib.request.urlopen(page, timeout=SERVE_TIMEOUT) as response:
            if marker.encode() in response.read():
                return time.perf_counter() - start
        time.sleep(0.002)
    raise BenchError(f"the edit was not served within {SERVE_TIMEOUT:.0f} s: {page}")
