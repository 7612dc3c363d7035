"""Git integration: a pre-commit hook, and a copy of what is staged for it to check."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import PdpError, UsageError
from ..journal.git import git

HOOK_MARKER = "# pdp: check the staged journal"


def install_hook(project_root: Path) -> Path:
    """Write the pre-commit hook; never replace a hook that pdp did not write."""
    hooks = Path(git(project_root, "rev-parse", "--git-path", "hooks").strip())
    hook = (project_root / hooks if not hooks.is_absolute() else hooks) / "pre-commit"
    if hook.exists() and HOOK_MARKER not in hook.read_text("utf-8", errors="replace"):
        raise UsageError(
            f"{hook} exists and was not written by pdp; it was left as it is",
            "add the line 'pdp check --staged' to it yourself, or use "
            "pre-commit (see .pre-commit-config.yaml)",
        )
    hook.parent.mkdir(parents=True, exist_ok=True)
    # git runs hooks from the top of the working tree: -C names the project's folder.
    script = (
        f"#!/bin/sh\n{HOOK_MARKER} before each commit (pdp hook install).\n"
        f"exec {shlex.quote(sys.executable)} -m generator "
        f"-C {shlex.quote(_from_top(project_root))} check --staged\n"
    )
    hook.write_bytes(os.fsencode(script))  # paths as the file system names them
    hook.chmod(0o755)
    return hook


def _from_top(project_root: Path) -> str:
    """The project's folder as git runs hooks from, the top of the working tree: relative,
    so that the repository may move, and led by ./ so that it never reads as an option."""
    top = Path(git(project_root, "rev-parse", "--show-toplevel").removesuffix("\n"))
    inside = project_root.resolve().relative_to(top.resolve()).as_posix()
    return "." if inside == "." else f"./{inside}"


@contextmanager
def staged_copy(project_root: Path) -> Iterator[Path]:
    """A temporary copy of the repository as staged; yields the project's folder in it."""
    top = Path(git(project_root, "rev-parse", "--show-toplevel").strip())
    inside = project_root.resolve().relative_to(top.resolve())
    with tempfile.TemporaryDirectory(prefix="pdp-staged-") as temporary:
        copy = Path(temporary)
        done = subprocess.run(
            ["git", "-C", str(top), "checkout-index", "--all", f"--prefix={copy}/"],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise PdpError(f"could not read what is staged: {done.stderr.strip()}")
        yield copy / inside
