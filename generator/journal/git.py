"""Running git: its output, or a clear error where git or the repository is missing."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ..errors import UsageError


def git(folder: Path, *args: str) -> str:
    """Run git in a folder and return its output; a clear error if git or the repo is missing."""
    return os.fsdecode(git_raw(folder, *args))


def git_raw(folder: Path, *args: str) -> bytes:
    """git's output as it is, bytes: file names need not be text in any encoding."""
    try:
        done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, check=False)
    except FileNotFoundError as err:
        raise UsageError("git is not installed", "install git, then try again") from err
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", errors="replace").strip()
        raise UsageError(
            f"git {args[0]} failed: {said or 'no repository?'}",
            "run this inside a git repository (git init)",
        )
    return done.stdout
