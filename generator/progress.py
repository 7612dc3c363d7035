"""How long work tells whoever runs it how far it has got: the stages call a `Progress`.

The stages only count; what is shown, and where, is the caller's (the command line draws a
line on a terminal). The default shows nothing.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """What a stage of long work reports: that it starts, and each part of it done."""

    def stage(self, name: str, total: int) -> None:
        """A stage starts: `name` says what it does, `total` how many parts (0: not counted)."""

    def advance(self, done: int = 1) -> None:
        """`done` more parts of the current stage are done."""


class NoProgress:
    """Progress that goes unshown: the default of every stage."""

    def stage(self, name: str, total: int) -> None:
        pass

    def advance(self, done: int = 1) -> None:
        pass


NO_PROGRESS: Progress = NoProgress()  # holds nothing: one is enough for every caller
