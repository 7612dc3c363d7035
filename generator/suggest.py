"""Did-you-mean hints for misspelt ids, fields and keys, and for choices written in other words."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

Synonyms = Iterable[tuple[str, Iterable[str]]]
"""Words people write for a choice, by the choice they mean: (choice, (word, ...)), ..."""

_SEPARATORS = re.compile(r"[\s_-]+")


def closest(word: str, options: Iterable[str]) -> str | None:
    """The option most like `word`, if any is close enough to be a likely typo."""
    choices = list(options)
    matches = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not matches:
        lowered = {option.lower(): option for option in choices}
        matches = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
        matches = [lowered[match] for match in matches]
    return matches[0] if matches else None


def normal_word(word: str) -> str:
    """A word in lower case, its spaces, underscores and hyphens one hyphen: 'In progress'
    and 'in_progress' are 'in-progress'."""
    return _SEPARATORS.sub("-", word.strip().lower()).strip("-")


def nearest(word: str, options: Iterable[str], synonyms: Synonyms = ()) -> str | None:
    """The option nearest to `word`: the same but for case and separators, then one that
    `synonyms` give it as a meaning, then the closest in spelling, then the meaning of the
    synonym closest in spelling. Meaning comes before spelling: 'done' is nearer to
    'achieved' than to 'in-progress', which it looks more like."""
    choices = list(options)
    written = normal_word(word)
    same = [choice for choice in choices if normal_word(choice) == written]
    if same:
        return same[0]
    meanings = {normal_word(other): choice for choice, words in synonyms for other in words}
    if written in meanings:
        return meanings[written]
    match = closest(word, choices)
    if match is not None:
        return match
    near = closest(written, meanings)
    return None if near is None else meanings[near]


def did_you_mean(
    word: str, options: Iterable[str], otherwise: str = "", synonyms: Synonyms = ()
) -> str:
    """A hint naming the nearest option (see `nearest`), or `otherwise` when none is near."""
    match = nearest(word, options, synonyms)
    return f"did you mean '{match}'?" if match else otherwise
