"""Git integration: a pre-commit hook, and a copy of what is staged for it to check."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import PdpError, UsageError
from ..journal.git import git
from ..journal.problems import visible

HOOK_MARKER = "# pdp: check the staged journal"
# How a member installs pdp, for the hook's message when it cannot find it.
INSTALL = "pipx install pdp-journal"


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
    hook.write_bytes(os.fsencode(hook_script(_from_top(project_root), sys.executable)))
    hook.chmod(0o755)
    return hook


def hook_script(project: str, python: str) -> str:
    """The hook, in POSIX sh. It looks for pdp at each commit, as environments move and
    come and go: the pdp on PATH, then the Python that installed the hook."""
    return _HOOK.format(
        marker=HOOK_MARKER,
        project=shlex.quote(project),
        python=shlex.quote(python),
        has_pdp=shlex.quote(_HAS_PDP),
        hint=shlex.quote(f"  hint: {NOT_FOUND_HINT}"),
    )


NOT_FOUND_HINT = (
    f"install pdp ({INSTALL}), or run `pdp hook install` again from the environment "
    "that has it; to commit anyway: git commit --no-verify"
)
_HAS_PDP = 'import importlib.util, sys; sys.exit(importlib.util.find_spec("generator.cli") is None)'
# git runs hooks from the top of the working tree: -C names the project's folder. A status of
# 126 or 127 says that a command could not be run at all (not there, or its interpreter gone
# with a moved environment); pdp itself never exits so.
_HOOK = """\
#!/bin/sh
{marker} before each commit (pdp hook install).
project={project}
python={python}
on_path='none on PATH'
status=127
if command -v pdp >/dev/null 2>&1; then
    pdp -C "$project" check --staged
    status=$?
    on_path='the one on PATH cannot run'
fi
case $status in 126 | 127)
    if [ -x "$python" ] && "$python" -c {has_pdp} 2>/dev/null; then
        if [ "$on_path" != 'none on PATH' ]; then
            printf 'pdp: %s: checking with %s instead\\n' "$on_path" "$python" >&2
        fi
        "$python" -m generator -C "$project" check --staged
        status=$?
    fi
    ;;
esac
case $status in 126 | 127)
    printf 'pdp: cannot find pdp to check this commit: %s, and %s is gone or has no pdp\\n' \\
        "$on_path" "$python" >&2
    printf '%s\\n' {hint} >&2
    exit 1
    ;;
esac
exit "$status"
"""


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


def unstaged_notes(
    project_root: Path, copy: Path, paths: Iterable[str], show: Callable[[str], str]
) -> list[str]:
    """For each of `paths` (of the project, with problems) whose working copy is not what
    was checked, the staged copy at `copy`: a note that says so and how to stage it."""
    notes = []
    for path in dict.fromkeys(paths):
        if _read(project_root / path) != _read(copy / path):
            shown = show(path)
            notes.append(
                visible(
                    f"pdp: checked the staged version of {shown}; your working copy "
                    f"differs: stage it with `git add {shlex.quote(shown)}`"
                )
            )
    return notes


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:  # not there (deleted, or never staged), or not a file
        return None
