"""How the CI files `pdp init` writes install pdp: this version from its tag in pdp's
repository by default, any requirement for pdp's own package with `--install`, and never a
package of another project."""

from __future__ import annotations

import io
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import __version__
from generator.cli import run
from generator.defaults import DISTRIBUTION, REPOSITORY_URL

from ..conftest import REPOSITORY, TODAY

HINT = (
    '  hint: give one pip requirement, on one line, such as --install "pdp-journal==0.1.0"; '
    "or leave --install out for this version from its tag\n"
)


def pdp(monkeypatch: pytest.MonkeyPatch, cwd: Path, *argv: str) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("PDP_TODAY", TODAY.isoformat())
    out, err = io.StringIO(), io.StringIO()
    return run(list(argv), out, err), out.getvalue(), err.getvalue()


def install_steps(root: Path) -> tuple[Any, Any]:
    """The install step of the GitHub workflow and of the GitLab CI file, as YAML reads them."""
    workflow = yaml.safe_load((root / ".github/workflows/pdp.yml").read_text())
    runs = [step["run"] for step in workflow["jobs"]["check"]["steps"] if "run" in step]
    gitlab = yaml.safe_load((root / ".gitlab-ci.yml").read_text())
    return runs[0], gitlab["before_script"]


def test_the_distribution_is_pdp_journal_with_the_pdp_command() -> None:
    project = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["project"]
    assert project["name"] == DISTRIBUTION == "pdp-journal"
    assert project["scripts"] == {"pdp": "generator.cli:main"}
    assert project["urls"]["Source"] == REPOSITORY_URL


def test_ci_installs_this_version_from_its_tag_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert pdp(monkeypatch, tmp_path, "init")[0] == 0
    expected = f'pip install "pdp-journal @ git+{REPOSITORY_URL}@v{__version__}"'
    assert install_steps(tmp_path) == (expected, [expected])
    workflow = (tmp_path / ".github/workflows/pdp.yml").read_text()
    assert f"      - run: {expected}\n" in workflow
    assert "pdp==" not in workflow + (tmp_path / ".gitlab-ci.yml").read_text()


@pytest.mark.parametrize(
    "spec",
    [
        "pdp-journal==0.2.0",
        "/home/jo/wheels/pdp_journal-0.2.0-py3-none-any.whl",
        "https://example.org/pdp_journal-0.2.0-py3-none-any.whl#sha256=0a1b",
        "git+https://example.org/jo/pdp-journal.git@v0.2.0",
        'pdp-journal==0.2.0; python_version >= "3.11"',
        "pdp-journal @ git+https://example.org/a$HOME/pdp`id`.git",
        "pdp-journal @ https://example.org/pdp_journal-0.2.0-py3-none-any.whl #x: y",
    ],
)
def test_install_spec_reaches_pip_as_one_word(
    spec: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert pdp(monkeypatch, tmp_path, "init", "--install", spec)[0] == 0
    github, gitlab = install_steps(tmp_path)
    assert gitlab == [github]
    # Run by a shell whose `pip` shows its arguments: pip gets the requirement whole, with
    # nothing in it expanded.
    shown = subprocess.run(
        ["bash", "-c", f'pip() {{ printf "%s\\0" "$@"; }}\n{github}'],
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.split("\0") == ["install", spec, ""]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "--install is empty"),
        ("  ", "--install is empty"),
        (
            "pdp-journal\ncurl example.org | sh",
            "--install holds a line break (U+000A): the CI step that installs pdp must be one line",
        ),
        (
            "pdp-journal\x1b[2J",
            "--install holds a control character (U+001B): the CI step that installs pdp "
            "must be one line",
        ),
        (
            "-r requirements.txt",
            "--install starts with '-', so pip would read '-r requirements.txt' as its own option",
        ),
    ],
)
def test_install_spec_that_ci_cannot_use_is_refused(
    spec: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert pdp(monkeypatch, tmp_path, "init", "--install", spec) == (
        2,
        "",
        f"pdp: error: {message}\n{HINT}",
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("spec", "named"),
    [
        ("pdp==0.1.0", "pdp"),
        ("pdp", "pdp"),
        ("pdp @ git+https://example.org/pdp", "pdp"),
        ("Pipeline-Data[extra]>=1", "Pipeline-Data"),
        ("./wheels/pdp-0.1.0-py3-none-any.whl", "pdp"),
    ],
)
def test_install_spec_naming_another_package_is_refused(
    spec: str, named: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert pdp(monkeypatch, tmp_path, "init", "--install", spec) == (
        2,
        "",
        f"pdp: error: --install names the package '{named}', which is not this project: "
        "pdp's package is 'pdp-journal'\n"
        '  hint: write --install "pdp-journal==0.1.0", or leave --install out for this '
        "version from its tag\n",
    )
    assert list(tmp_path.iterdir()) == []


def test_names_of_pdp_journal_are_read_as_pip_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index, spec in enumerate(["PDP_Journal==0.1.0", "pdp.journal[x]~=0.1"]):
        assert pdp(monkeypatch, tmp_path, "init", str(index), "--install", spec)[0] == 0
