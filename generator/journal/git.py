"""Running git: its output, or a clear error where git or the repository is missing; or git
started, to be read later."""

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
        done = subprocess.run(_command(folder, args), capture_output=True, check=False)
    except FileNotFoundError as err:
        raise UsageError("git is not installed", "install git, then try again") from err
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", errors="replace").strip()
        raise UsageError(
            f"git {args[0]} failed: {said or 'no repository?'}",
            "run this inside a git repository (git init)",
        )
    return done.stdout


def start_git(folder: Path, *args: str) -> subprocess.Popen[bytes] | None:
    """git started in a folder, its output to be read from a pipe; None where there is no
    git. It asks nothing of a terminal, and says nothing there."""
    try:
        return subprocess.Popen(
            _command(folder, args),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        return None


def _command(folder: Path, args: tuple[str, ...]) -> list[str]:
    return ["git", "-C", str(folder), *args]
