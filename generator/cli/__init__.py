"""The `pdp` command line: parses arguments, runs a command, prints, and maps errors to exit
codes.

This package is the only part of pdp that catches errors and the only one that writes to the
terminal; nothing imports it.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from typing import TextIO

from .. import __version__
from ..errors import EXIT_INTERNAL, PdpError
from .commands import COMMANDS
from .context import Call, Parser, today

# A large journal stays in memory while many short-lived objects are made: with Python's
# default thresholds the cycle collector walks the long-lived ones again and again (a tenth
# of a large build). Reference counting frees all but cycles, which these still collect.
# Worker processes are forked from this one, and collect alike.
GC_THRESHOLDS = (20_000, 20, 100)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with `only`, of that command alone (the others' options
    cost start-up time a command such as a check with nothing changed notices)."""
    common = Parser(add_help=False)
    common.add_argument(
        "-C",
        dest="directory",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="run on the journal project in DIR",
    )
    common.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show details of internal errors",
    )
    parser = Parser(
        prog="pdp",
        parents=[common],
        description="Check, total and publish a CPD journal kept in Markdown.",
    )
    parser.add_argument("--version", action="version", version=f"pdp {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True
    for name, command in COMMANDS.items():
        if only is not None and name != only:
            continue
        command.options(
            commands.add_parser(
                name, parents=[common] if command.in_project else [], help=command.help
            )
        )
    return parser


def command_named(argv: Sequence[str]) -> str | None:
    """The command the arguments name, if they name one: the first word that is not an
    option nor the folder of -C."""
    folder_next = False
    for token in argv:
        if folder_next:
            folder_next = False
        elif token == "-C":
            folder_next = True
        elif token == "--":
            return None
        elif not token.startswith("-"):
            return token if token in COMMANDS else None
    return None


def run(argv: Sequence[str], out: TextIO, err: TextIO) -> int:
    """Run the command line and return the exit code; never raises."""
    debug = "--debug" in argv
    try:
        args = build_parser(command_named(argv)).parse_args(argv)
        return COMMANDS[args.command].run(Call(args, out, err, today()))
    except PdpError as error:
        error.show(err)
        return error.exit_code
    except KeyboardInterrupt:
        err.write("pdp: interrupted\n")
        return 130
    except Exception:
        if debug:
            import traceback

            traceback.print_exc(file=err)
        err.write(
            "pdp: internal error: this is a bug in pdp, not in your journal; "
            "run again with --debug for details\n"
        )
        return EXIT_INTERNAL


def main() -> None:
    gc.set_threshold(*GC_THRESHOLDS)
    code = run(sys.argv[1:], sys.stdout, sys.stderr)
    # The process ends here. As it does, Python collects cycles among every object it made
    # (the journal, the libraries' modules): about 15 ms of a one-edit build. Frozen, they are
    # freed as they would be, but not searched for cycles that the end frees anyway.
    gc.freeze()
    sys.exit(code)
