"""pdp as a member gets it: the package built (wheel and sdist), installed into a fresh
environment, a journal started with it whose CI steps check and publish it, and the README's
"Start your own journal" followed from there to a published site.

These need the package index (the build's setuptools, pdp's dependencies): marked `tools`.
"""

from __future__ import annotations

import os
import queue
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import urllib.request
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
import yaml

from generator import __version__
from generator.defaults import REPOSITORY_URL

from ..conftest import REPOSITORY

pytestmark = pytest.mark.tools

SECTION = "Start your own journal"
SERVING = re.compile(r"serving the site at (http://\S+)")


@dataclass(frozen=True, slots=True)
class Installed:
    """pdp's wheel (made from its sdist), and a fresh environment it is installed in."""

    wheel: Path
    sdist: Path
    bin: Path


def run(
    argv: list[str], cwd: Path = REPOSITORY, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command to the end; fail the test with its output unless it succeeds."""
    done = subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=240
    )
    assert done.returncode == 0, f"{shlex.join(argv)}\n{done.stdout}\n{done.stderr}"
    return done


def new_venv(folder: Path) -> Path:
    """A fresh virtual environment; its bin folder."""
    run([sys.executable, "-m", "venv", str(folder)])
    return folder / "bin"


def fresh_clone(folder: Path) -> Path:
    """The files a clone of this working tree would have (not what earlier builds left)."""
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"])
    for name in listed.stdout.split("\0"):
        source = REPOSITORY / name
        if name and source.is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / name)
    return folder


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fresh_clone(tmp_path_factory.mktemp("source"))


@pytest.fixture(scope="module")
def installed(source: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("distribution")
    tools = new_venv(root / "tools")
    run([str(tools / "python"), "-m", "pip", "install", "--quiet", "build"])
    # The wheel is built from the sdist, so the sdist is known to carry everything too.
    run([str(tools / "python"), "-m", "build", "--outdir", str(root / "dist"), str(source)])
    (wheel,) = (root / "dist").glob("*.whl")
    (sdist,) = (root / "dist").glob("*.tar.gz")
    bin_folder = new_venv(root / "venv")
    run([str(bin_folder / "python"), "-m", "pip", "install", "--quiet", str(wheel)])
    return Installed(wheel, sdist, bin_folder)


def member_env(installed: Installed, home: Path) -> dict[str, str]:
    """A member's shell: the environment with pdp on PATH, git set up, nothing of ours."""
    config = home / "gitconfig"
    config.write_text(
        "[user]\n\tname = Jo Bloggs\n\temail = jo@example.org\n"
        "[commit]\n\tgpgsign = false\n[init]\n\tdefaultBranch = main\n"
    )
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PDP_TODAY")
    }
    env["PATH"] = f"{installed.bin}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}"
    env["GIT_CONFIG_GLOBAL"] = str(config)
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def bash(step: str, cwd: Path, env: Mapping[str, str]) -> None:
    """A CI step as the runner runs it: bash, stopping at the first failure."""
    run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step], cwd, env)


def test_the_wheel_is_pdp_journal_and_carries_the_theme_and_templates(
    installed: Installed,
) -> None:
    assert installed.wheel.name == f"pdp_journal-{__version__}-py3-none-any.whl"
    assert installed.sdist.name == f"pdp_journal-{__version__}.tar.gz"
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
        entry_points = wheel.read(f"pdp_journal-{__version__}.dist-info/entry_points.txt")
    shipped = {
        f"generator/{path.relative_to(REPOSITORY / folder).as_posix()}"
        if folder == "generator"
        else f"generator/themes/{path.relative_to(REPOSITORY / folder).as_posix()}"
        for folder in ("generator", "themes")
        for path in (REPOSITORY / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert shipped <= names, sorted(shipped - names)
    assert "[console_scripts]\npdp = generator.cli:main" in entry_points.decode()


def test_pip_wheel_builds_it_without_warnings(
    installed: Installed, source: Path, tmp_path: Path
) -> None:
    built = run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path), "."], source
    )
    # pip's own notices are its business; the build's (setuptools') must be none.
    assert [line for line in (built.stdout + built.stderr).splitlines() if "Warning" in line] == []
    (wheel,) = tmp_path.glob("*.whl")
    with zipfile.ZipFile(wheel) as direct, zipfile.ZipFile(installed.wheel) as from_sdist:
        assert sorted(direct.namelist()) == sorted(from_sdist.namelist())


def test_make_sets_up_an_editable_install_without_warnings(source: Path, tmp_path: Path) -> None:
    (line,) = (
        line.strip()
        for line in (source / "Makefile").read_text().splitlines()
        if "pip install" in line and "-e '.[dev]'" in line
    )
    bin_folder = new_venv(tmp_path / "venv")
    # The Makefile's own line, into a fresh environment; --no-deps: pdp's build is what speaks.
    command = line.replace("$(BIN)", str(bin_folder)) + " --no-deps"
    done = run(["bash", "-c", command], source)
    assert [line for line in (done.stdout + done.stderr).splitlines() if "Warning" in line] == []
    assert (bin_folder / "pdp").is_file()


def test_the_ci_steps_pdp_init_writes_check_and_publish(
    installed: Installed, tmp_path: Path
) -> None:
    env = member_env(installed, tmp_path)
    wheel = str(installed.wheel)
    run(["pdp", "init", "journal", "--name", "Jo Bloggs", "--install", wheel], tmp_path, env)
    journal = tmp_path / "journal"
    run(["git", "init", "-q"], journal, env)
    run(["git", "add", "-A"], journal, env)
    run(["git", "commit", "-qm", "My CPD journal"], journal, env)
    workflow = yaml.safe_load((journal / ".github/workflows/pdp.yml").read_text())
    github = [step["run"] for step in workflow["jobs"]["check"]["steps"] if "run" in step]
    assert github == [
        f'pip install "{wheel}"',
        "pdp check --format github",
        "pdp build --publish -o public",
    ]
    for step in github:
        bash(step, journal, env)
    assert (journal / "public/index.html").is_file()
    run(["git", "clean", "-qdfx"], journal, env)
    gitlab = yaml.safe_load((journal / ".gitlab-ci.yml").read_text())
    for job in ("check", "pages"):
        for step in [*gitlab["before_script"], *gitlab[job]["script"]]:
            bash(step, journal, env)
    assert gitlab["pages"]["artifacts"]["paths"] == ["public"]
    assert (journal / "public/index.html").is_file()


def section_commands(readme: str, title: str) -> list[str]:
    """The command lines of the sh blocks in one section of the README, comments left out."""
    commands: list[str] = []
    inside = False
    fence: str | None = None  # the language of the open code block, if one is open
    for line in readme.splitlines():
        if line.startswith("```"):
            fence = line[3:].strip() if fence is None else None
        elif fence is None and line.startswith("## "):
            inside = line == f"## {title}"
        elif inside and fence == "sh" and line.strip() and not line.lstrip().startswith("#"):
            commands.append(line.strip())
    return commands


def test_section_commands_reads_only_that_section() -> None:
    readme = "## A\n```sh\na\n```\n## B\n```sh\n# note\nb 1\n\nb 2\n```\n```json\nc\n```\n## C\n"
    assert section_commands(readme, "B") == ["b 1", "b 2"]


def test_the_readme_start_your_own_journal_works(installed: Installed, tmp_path: Path) -> None:
    commands = section_commands((REPOSITORY / "README.md").read_text(), SECTION)
    # The install line is the project's home; the wheel stands in for it here.
    assert commands[0] == f"pipx install git+{REPOSITORY_URL}"
    env, cwd = member_env(installed, tmp_path), tmp_path
    remote = tmp_path / "remote.git"
    run(["git", "init", "-q", "--bare", str(remote)], tmp_path, env)
    titles = []
    for command in commands[1:]:
        words = shlex.split(command)
        if words[0] == "cd":
            cwd = cwd / words[1]
        elif words[:2] == ["pdp", "new"]:
            titles.append(words[2])
            bash(command, cwd, env)
        elif words[:2] == ["pdp", "serve"]:
            serve_once(command, cwd, env)
        elif words[:4] == ["git", "remote", "add", "origin"]:
            bash(shlex.join([*words[:4], str(remote)]), cwd, env)
        else:
            bash(command, cwd, env)
    assert cwd.name == "my-journal"
    assert run(["git", "log", "--oneline", "main"], remote, env).stdout.count("\n") == 1
    pages = "".join(page.read_text() for page in (cwd / "site").rglob("*.html"))
    assert titles and all(title in pages for title in titles)


def serve_once(command: str, cwd: Path, env: Mapping[str, str]) -> None:
    """Start `pdp serve`, read the page at the address it prints, then stop it as Ctrl-C."""
    server = subprocess.Popen(
        ["bash", "-c", f"exec {command}"],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        address = _first_address(server, timeout=60)
        with urllib.request.urlopen(address, timeout=10) as response:
            assert response.status == 200
            assert b"Jo Bloggs" in response.read()
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    assert server.returncode in (0, 130)


def _first_address(server: subprocess.Popen[str], timeout: float) -> str:
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_forward, args=(server.stdout, lines), daemon=True).start()
    seen: list[str] = []
    for line in _lines_until(lines, timeout):
        seen.append(line)
        found = SERVING.search(line)
        if found:
            return found.group(1)
    raise AssertionError("pdp serve printed no address:\n" + "".join(seen))


def _forward(stream: IO[str] | None, lines: queue.Queue[str]) -> None:
    for line in stream or ():
        lines.put(line)
    lines.put("")


def _lines_until(lines: queue.Queue[str], timeout: float) -> Iterator[str]:
    while True:
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            return
        if not line:
            return
        yield line
