"""Did-you-mean hints for misspelt ids, fields and keys."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, options: Iterable[str]) -> str | None:
    """The option most like `word`, if any is close enough to be a likely typo."""
    choices = list(options)
    matches = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not matches:
        lowered = {option.lower(): option for option in choices}
        matches = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
        matches = [lowered[match] for match in matches]
    return matches[0] if matches else None


def did_you_mean(word: str, options: Iterable[str], otherwise: str = "") -> str:
    """A hint naming the closest option, or `otherwise` when none is close."""
    match = closest(word, options)
    return f"did you mean '{match}'?" if match else otherwise
