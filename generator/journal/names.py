"""Page names from file names: the slug a site gives an entry, a review or a label."""

from __future__ import annotations

import functools
import re
import unicodedata

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=65536)  # pure, and asked for every file at every check
def slugify(name: str) -> str:
    """A page name from a file name: lower-case ASCII letters, digits and hyphens."""
    folded = (
        name
        if name.isascii()
        else unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    )
    return _NOT_SLUG.sub("-", folded.lower()).strip("-")


def stem_of(path: str) -> str:
    """A file's name without its folder and its last suffix."""
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name else name
