"""The benchmark's journals: their shapes, their generation and reuse, and one-entry edits."""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import NamedTuple

from generate import positive  # the script folder is on the path: the scripts run there

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent  # pdp's commands run here, with -C naming the journal
GENERATE = HERE / "generate.py"
CATALOGUE = ROOT / "generator" / "data" / "catalogue.toml"
STAMP = ".generated.json"
# Each edit goes to the entry this many places after the last one (in path order), a prime:
# edits spread over the years, and every entry is edited once before any is edited again.
EDIT_STRIDE = 7919


class BenchError(Exception):
    """A failure that stops the benchmark."""


class Shape(NamedTuple):
    """A generated journal's size and shape: `entries` entries, 40 to 60 a performance year
    (one member's journal), or shared evenly over `years` years (a team's, read together)."""

    entries: int
    years: int | None = None

    @property
    def label(self) -> str:
        """How the tables name the journal."""
        return f"{self.entries:,}" + (f" over {self.years} years" if self.years else "")

    @property
    def described(self) -> str:
        """The journal in words, for the verdicts."""
        return f"{self.entries:,} entries" + (f" over {self.years} years" if self.years else "")

    @property
    def folder(self) -> str:
        """The name of the journal's folder, without the seed."""
        return f"entries-{self.entries}" + (f"-years-{self.years}" if self.years else "")

    @classmethod
    def parse(cls, text: str) -> Shape:
        """`N` (one member's journal of N entries) or `N/Y` (N entries over Y years)."""
        entries, _, years = text.partition("/")
        return cls(positive(entries), positive(years) if years else None)


def shapes(text: str) -> list[Shape]:
    """An argparse type: a comma-separated list of journal shapes, `N` or `N/Y`."""
    try:
        return [Shape.parse(part.strip()) for part in text.split(",")]
    except argparse.ArgumentTypeError as error:
        raise argparse.ArgumentTypeError(f"{error} (sizes are N or N/Y: 300,10000/5)") from error


def progress(message: str) -> None:
    """Say what is happening, on standard error."""
    print(message, file=sys.stderr)


def pdp(project: Path, command: str) -> list[str]:
    """The command line of a pdp command on a journal project."""
    return [sys.executable, "-m", "generator", "-C", str(project), *command.split()]


def stamp(shape: Shape, seed: int) -> str:
    """What identifies a generated journal: its parameters and the generator's inputs."""
    digest = hashlib.sha256(GENERATE.read_bytes() + CATALOGUE.read_bytes()).hexdigest()
    made = {"entries": shape.entries, "seed": seed, "generator": digest}
    if shape.years:
        made["years"] = shape.years
    return json.dumps(made, indent=2) + "\n"


def journal(workdir: Path, shape: Shape, seed: int) -> Path:
    """The generated journal of that shape, reused if it was made the same way."""
    target = workdir / f"{shape.folder}-seed-{seed}"
    wanted = stamp(shape, seed)
    if (target / STAMP).is_file() and (target / STAMP).read_text("utf-8") == wanted:
        progress(f"reusing {target}")
    else:
        progress(f"generating {target}")
        replace(target, shape, seed, wanted)
    return target


def replace(target: Path, shape: Shape, seed: int, wanted: str) -> None:
    """Generate into a scratch folder, stamp it, then put it in the place of `target`."""
    scratch = target.with_name(target.name + ".partial")
    shutil.rmtree(scratch, ignore_errors=True)
    generate(scratch, shape, seed)
    (scratch / STAMP).write_text(wanted, "utf-8")
    shutil.rmtree(target, ignore_errors=True)
    scratch.rename(target)


def generate(folder: Path, shape: Shape, seed: int) -> None:
    """Run the generator into `folder`."""
    command = [sys.executable, str(GENERATE), str(folder), "--entries", str(shape.entries)]
    if shape.years:
        command += ["--years", str(shape.years)]
    command += ["--seed", str(seed)]
    start = time.perf_counter()
    if subprocess.run(command, check=False).returncode != 0:
        raise BenchError(f"the generator failed: {' '.join(command)}")
    progress(f"  generated in {time.perf_counter() - start:.1f} s")


class Edits:
    """Changes one entry's reflection each time it is called, a different entry each time,
    and puts every edited entry back as it was when the `with` block ends.

    Each edit adds a paragraph of its own to the end of the reflection; no two edits are
    alike (they hold the time), so a build cache kept from an earlier benchmark never
    already knows the edited entry. Between two calls, the journal differs in that one
    entry only: the edits are never undone one by one.
    """

    def __init__(self, project: Path) -> None:
        self.entries = sorted((project / "journal" / "entries").rglob("*.md"))
        self.originals: dict[Path, bytes] = {}
        self.count = 0

    def __enter__(self) -> Edits:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for path, original in self.originals.items():
            path.write_bytes(original)
        self.originals.clear()

    def __call__(self) -> None:
        """Edit the next entry."""
        entry = self.entries[self.count * EDIT_STRIDE % len(self.entries)]
        original = self.originals.setdefault(entry, entry.read_bytes())
        paragraph = f"\nEdited for the benchmark: edit {self.count + 1}, {time.time_ns()}.\n"
        entry.write_bytes(original + paragraph.encode())
        self.count += 1
