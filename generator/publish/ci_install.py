"""How the CI files that `pdp init` writes install pdp: this version from its tag in the
project's repository, or the requirement the member gives, and never another project."""

from __future__ import annotations

import json
import re
import shlex
import unicodedata

import yaml

from .. import __version__
from ..defaults import DISTRIBUTION, REPOSITORY_URL
from ..errors import UsageError

# A requirement that starts with a name: the name, extras, then a version, `@ URL`, a marker
# or nothing. Paths and URLs do not match (they hold `/` or `:` right after a word).
REQUIREMENT_NAME = re.compile(
    r"([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^]]*\])?\s*(?:[<>=!~@;(]|$)"
)
ARCHIVES = (".tar.gz", ".tgz", ".tar.bz2", ".zip")
# The characters that a shell reads inside double quotes.
SHELL_SPECIAL = frozenset('"$`\\')
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
ONE_LINE_HINT = (
    f'give one pip requirement, on one line, such as --install "{DISTRIBUTION}=={__version__}"; '
    "or leave --install out for this version from its tag"
)


def default_install() -> str:
    """This version of pdp, from its tag in the project's repository."""
    return f"{DISTRIBUTION} @ git+{REPOSITORY_URL}@v{__version__}"


def check_install(spec: str) -> str:
    """The requirement `--install` gave, refused if CI could not use it or it names a
    package that is not pdp."""
    if not spec.strip():
        raise UsageError("--install is empty", ONE_LINE_HINT)
    for character in spec:
        if unicodedata.category(character) in ("Cc", "Zl", "Zp"):
            what = "a line break" if character in LINE_BREAKS else "a control character"
            raise UsageError(
                f"--install holds {what} (U+{ord(character):04X}): the CI step that installs "
                "pdp must be one line",
                ONE_LINE_HINT,
            )
    if spec.strip().startswith("-"):
        raise UsageError(
            f"--install starts with '-', so pip would read '{spec.strip()}' as its own option",
            ONE_LINE_HINT,
        )
    named = _named_package(spec.strip())
    if named is not None and _normalized(named) != DISTRIBUTION:
        raise UsageError(
            f"--install names the package '{named}', which is not this project: "
            f"pdp's package is '{DISTRIBUTION}'",
            f'write --install "{DISTRIBUTION}=={__version__}", or leave --install out for '
            "this version from its tag",
        )
    return spec.strip()


def _named_package(spec: str) -> str | None:
    """The package a requirement or a wheel's file name names; None for other files, folders
    and URLs (a git address, an sdist), whose name pip reads only from what it finds there."""
    file_name = re.split(r"[#?]", spec, maxsplit=1)[0].rsplit("/", 1)[-1]
    if file_name.endswith(".whl"):
        return file_name.split("-", 1)[0]
    if file_name.endswith(ARCHIVES) or spec.startswith((".", "/", "~")):
        return None
    match = REQUIREMENT_NAME.match(spec)
    return match.group(1) if match else None


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def install_command(spec: str) -> str:
    """The CI step that installs pdp, written as a YAML scalar: one shell word for the
    requirement, and the step quoted for YAML only where YAML would read it otherwise."""
    word = shlex.quote(spec) if SHELL_SPECIAL & set(spec) else f'"{spec}"'
    command = f"pip install {word}"
    try:
        plain = yaml.safe_load(f"run: {command}") == {"run": command}
    except yaml.YAMLError:
        plain = False
    return command if plain else json.dumps(command, ensure_ascii=False)
