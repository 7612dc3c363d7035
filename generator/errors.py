"""The one exception family: each error knows its exit code and how to show itself."""

from __future__ import annotations

from typing import TextIO

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class PdpError(Exception):
    """A failure the user can act on; the command line prints it and exits."""

    exit_code = EXIT_INVALID

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def show(self, stream: TextIO) -> None:
        stream.write(f"pdp: error: {self.message}\n")
        if self.hint:
            stream.write(f"  hint: {self.hint}\n")


class UsageError(PdpError):
    """The command was called wrongly: a bad option value, or no journal project found."""

    exit_code = EXIT_USAGE
