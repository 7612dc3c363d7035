"""`pdp init`: a new journal project, with its configuration, folders, examples and CI set-up.

Never touches a folder that already holds a journal, and never replaces a file: a file that
is already there (a .gitignore, say) is left as it is and named in the report.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import jinja2
from msgspec import Struct

from ..errors import UsageError
from ..journal.compute import performance_year
from ..journal.load import CONFIG_FILE, JOURNAL_DIR, PYPROJECT_FILE, has_tool_pdp
from .ci_install import check_install, default_install, install_command

# Template in the package -> where it goes in the new project.
FILES: tuple[tuple[str, str], ...] = (
    ("pdp.toml", CONFIG_FILE),
    ("goal.md", "journal/goals/my-first-goal.md"),
    ("entry.md", "journal/entries/{year}/{today}-my-first-entry.md"),
    ("gitignore", ".gitignore"),
    ("pre-commit-config.yaml", ".pre-commit-config.yaml"),
    ("github-workflow.yml", ".github/workflows/pdp.yml"),
    ("gitlab-ci.yml", ".gitlab-ci.yml"),
)
EMPTY_FOLDERS = ("journal/reviews",)


class Created(Struct, frozen=True):
    written: tuple[str, ...]
    kept: tuple[str, ...]


def init_project(folder: Path, name: str, today: date, install: str | None = None) -> Created:
    """Create a journal project in `folder` (made if missing); its CI installs pdp with the
    pip requirement `install` (default: this version, from its tag in pdp's repository)."""
    spec = default_install() if install is None else check_install(install)
    _refuse_existing(folder)
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "templates/init"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    values = {
        "name": name,
        "today": today.isoformat(),
        "target_date": performance_year(today, 4).end.isoformat(),
        "install_command": install_command(spec),
    }
    year = performance_year(today, 4).name
    written: list[str] = []
    kept: list[str] = []
    for template, target in FILES:
        path = target.format(year=year, today=today.isoformat())
        text = environment.get_template(template).render(values)
        (written if _create(folder / path, text) else kept).append(path)
    for empty in EMPTY_FOLDERS:
        (folder / empty).mkdir(parents=True, exist_ok=True)
        _create(folder / empty / ".gitkeep", "")
    return Created(tuple(written), tuple(kept))


def _refuse_existing(folder: Path) -> None:
    # lexists: a link counts, even one that leads nowhere or round in a loop.
    if (
        os.path.lexists(folder / CONFIG_FILE)
        or os.path.lexists(folder / JOURNAL_DIR)
        or ((folder / PYPROJECT_FILE).is_file() and has_tool_pdp(folder / PYPROJECT_FILE))
    ):
        raise UsageError(
            f"{folder} already holds a journal; nothing was changed",
            "run pdp init in a new or empty folder",
        )


def _create(path: Path, text: str) -> bool:
    """Write a new file; leave an existing one alone and say so (False)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    except FileExistsError:
        return False
    return True
