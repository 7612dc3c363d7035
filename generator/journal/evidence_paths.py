"""Evidence paths as entries give them: the file each leads to in the journal, and what to
tell the member when it leads to no file that can be evidence."""

from __future__ import annotations

import re

_KEEP_EVIDENCE = (
    "keep evidence files in the journal, beside the entry, and give the path relative to it"
)
EVIDENCE_PROBLEMS = {  # by the evidence probe's status: the message and the hint
    "missing": ("evidence file '{}' does not exist", _KEEP_EVIDENCE),
    "directory": ("evidence '{}' is a folder, not a file", _KEEP_EVIDENCE),
    "loop": (
        "evidence '{}' is a link in a loop of links that never reaches a file",
        "replace the link with the file itself",
    ),
    "outside": ("evidence '{}' is outside the journal", _KEEP_EVIDENCE),
    "unreadable": ("evidence '{}' cannot be reached", "check the permissions of its folders"),
    "no name": (
        "evidence '{}' holds a null character, which no file name can",
        "remove it from the path",
    ),
    "not regular": (
        "evidence '{}' is not a regular file (it is a named pipe, socket or device)",
        "replace it with the file itself",
    ),
    "journal file": (
        "evidence '{}' is a journal file (an entry, goal or review), which is "
        "never evidence: it would be published whole, front matter and private "
        "sections too",
        "link to it from the reflection instead: a link to an entry's or goal's "
        ".md file leads to its page",
    ),
}


def resolve_relative(folder: str, reference: str) -> str | None:
    """A project-relative path for a reference from `folder`, or None if it leaves it."""
    if reference.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", reference):
        return None
    parts = [part for part in folder.split("/") if part]
    for part in reference.replace("\\", "/").split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if len(parts) <= 1:  # never above the journal folder
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)
