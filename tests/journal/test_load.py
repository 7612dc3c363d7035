"""Reading a journal from disk: ignored editor files, size limits, links out of the journal."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from generator.errors import UsageError
from generator.journal.load import (
    Source,
    _read_all,
    find_project,
    is_ignored,
    list_sources,
    read_source,
)
from generator.journal.open import open_journal
from generator.journal.problems import problems_text
from generator.journal.schema import MAX_FILE_BYTES

from ..conftest import TODAY


@pytest.fixture
def small(project: Callable[[str], Path]) -> Path:
    return project("small")


def problems_of(root: Path) -> str:
    checked = open_journal(find_project(root), TODAY)
    return problems_text(checked.problems, str)


@pytest.mark.parametrize(
    "name",
    [
        ".entry.md.swp",
        "entry.md~",
        ".#entry.md",
        "4913",
        "#entry.md#",
        ".hidden.md",
        "entry.md.swo",
    ],
)
def test_editor_files_are_ignored(name: str) -> None:
    assert is_ignored(name)


def test_editor_files_are_not_read(small: Path) -> None:
    folder = small / "journal/entries/2025-26"
    for name in (".#draft.md", "draft.md~", "4913", ".draft.md.swp"):
        (folder / name).write_bytes(b"\xff not even text")
    assert list_sources(find_project(small), "entries") == [
        "journal/entries/2025-26/2025-05-01-webinar.md",
        "journal/entries/2025-26/2025-09-12-working-group.md",
        "journal/entries/2025-26/2026-01-20-mentoring.md",
    ]
    assert problems_of(small) == ""


def test_oversized_file_is_not_read(small: Path) -> None:
    big = small / "journal/entries/2025-26/big.md"
    big.write_bytes(b"---\ntitle: x\n---\n" + b"a" * MAX_FILE_BYTES)
    assert problems_of(small) == (
        f"journal/entries/2025-26/big.md:1:1: error[F003] the file is "
        f"{MAX_FILE_BYTES + 17:,} bytes; a journal file can be at most {MAX_FILE_BYTES:,}\n"
        "    hint: keep large material as evidence files and link them from the entry\n"
    )


def test_entry_linked_from_outside_is_refused(small: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.md"
    outside.write_text("---\ntitle: secret\n---\n")
    os.symlink(outside, small / "journal/entries/2025-26/linked.md")
    assert problems_of(small) == (
        "journal/entries/2025-26/linked.md:1:1: error[F008] this file is a link to somewhere "
        "outside the journal\n"
        "    hint: copy the file into the journal instead of linking to it\n"
    )


def test_entry_linked_from_inside_the_journal_is_read(small: Path) -> None:
    entry = small / "journal/entries/2025-26/2025-05-01-webinar.md"
    kept = small / "journal/kept/webinar.md"
    kept.parent.mkdir()
    entry.rename(kept)
    os.symlink(kept, entry)
    assert problems_of(small) == ""
    source = read_source(find_project(small), "journal/entries/2025-26/2025-05-01-webinar.md")
    assert source == Source("journal/entries/2025-26/2025-05-01-webinar.md", kept.read_bytes())


def test_entries_in_a_loop_of_links_are_refused(small: Path, link_loops: str) -> None:
    folder = small / "journal/entries/2025-26"
    os.symlink("b.md", folder / "a.md")
    os.symlink("a.md", folder / "b.md")
    assert problems_of(small) == "".join(
        f"journal/entries/2025-26/{name}:1:1: error[F008] this file is a link in a loop of "
        "links that never reaches a file\n"
        "    hint: replace the link with the file itself\n"
        for name in ("a.md", "b.md")
    )


def test_evidence_in_a_loop_of_links_is_refused(small: Path, link_loops: str) -> None:
    folder = small / "journal/entries/2025-26"
    os.symlink("round.txt", folder / "about.txt")
    os.symlink("about.txt", folder / "round.txt")
    entry = folder / "2025-05-01-webinar.md"
    entry.write_text(
        entry.read_text().replace(
            "goals: [evaluation]", "goals: [evaluation]\nevidence: [about.txt]"
        )
    )
    assert problems_of(small) == (
        "journal/entries/2025-26/2025-05-01-webinar.md:7:12: error[V010] evidence: evidence "
        "'about.txt' is a link in a loop of links that never reaches a file\n"
        "    hint: replace the link with the file itself\n"
        # The other link of the loop: no entry names it.
        "journal/entries/2025-26/round.txt:1:1: warning[W007] this file is not read: journal "
        "files end in .md or .markdown, and no entry lists it as evidence\n"
        "    hint: if it is an entry, rename it to 'round.md'; if it is evidence, add it to the "
        "evidence list of its entry\n"
    )


def test_evidence_with_control_characters_is_shown_escaped(small: Path) -> None:
    entry = small / "journal/entries/2025-26/2025-05-01-webinar.md"
    entry.write_text(
        entry.read_text().replace(
            "goals: [evaluation]", 'goals: [evaluation]\nevidence: ["a\\0b", "\\e[2J"]\n"\\e[2J": x'
        )
    )
    assert problems_of(small) == (
        "journal/entries/2025-26/2025-05-01-webinar.md:7:12: error[V010] evidence: evidence "
        "'a\\u0000b' holds a null character, which no file name can\n"
        "    hint: remove it from the path\n"
        "journal/entries/2025-26/2025-05-01-webinar.md:7:20: error[V010] evidence: evidence "
        "file '\\u001B[2J' does not exist\n"
        "    hint: keep evidence files in the journal, beside the entry, and give the path "
        "relative to it\n"
        "journal/entries/2025-26/2025-05-01-webinar.md:8:1: warning[W001] \\u001B[2J: unknown "
        "field '\\u001B[2J' is ignored\n"
        "    hint: the entry fields are: title, date, activity, hours, category, goals, "
        "carries_out, skills, tags, disciplines, behaviours, schemes, evidence, private_evidence, "
        "status, private\n"
    )


def _stat_refusing(folder: str) -> Callable[..., os.stat_result]:
    """os.stat as for a user who may not enter `folder` (tests may run as root)."""
    real = os.stat

    def stat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        if f"/{folder}/" in f"{os.fspath(path)}/":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path, *args, **kwargs)

    return stat


def test_evidence_in_a_folder_that_cannot_be_entered_is_refused(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = small / "journal/entries/2025-26/2025-05-01-webinar.md"
    entry.write_text(
        entry.read_text().replace(
            "goals: [evaluation]", "goals: [evaluation]\nevidence: [locked/about.txt]"
        )
    )
    monkeypatch.setattr(os, "stat", _stat_refusing("locked"))
    assert problems_of(small) == (
        "journal/entries/2025-26/2025-05-01-webinar.md:7:12: error[V010] evidence: evidence "
        "'locked/about.txt' cannot be reached\n"
        "    hint: check the permissions of its folders\n"
    )


def test_journal_folder_that_cannot_be_entered_is_refused(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "stat", _stat_refusing("journal"))
    with pytest.raises(UsageError) as caught:
        find_project(small)
    assert (caught.value.message, caught.value.hint) == (
        "journal/ cannot be read: Permission denied",
        "check the permissions of journal/ and the folders above it",
    )


def test_journal_folder_in_a_loop_of_links_is_refused(small: Path, link_loops: str) -> None:
    os.rename(small / "journal", small / "kept")
    os.symlink("journal", small / "journal")
    with pytest.raises(UsageError) as caught:
        find_project(small)
    assert (caught.value.message, caught.value.hint) == (
        "journal/ is a link in a loop of links that never reaches a folder",
        "replace the link with the journal/ folder itself",
    )


def test_evidence_through_a_link_out_of_the_journal_is_refused(small: Path, tmp_path: Path) -> None:
    (tmp_path / "passwords.txt").write_text("secret")
    folder = small / "journal/entries/2025-26"
    os.symlink(tmp_path / "passwords.txt", folder / "certificate.txt")
    os.symlink(tmp_path, folder / "evidence")
    (folder / "real.txt").write_text("certificate")
    entry = folder / "2025-05-01-webinar.md"
    entry.write_text(
        entry.read_text().replace(
            "goals: [evaluation]",
            "goals: [evaluation]\nevidence: [certificate.txt, evidence/passwords.txt, real.txt, "
            "../../../pdp.toml]",
        )
    )
    assert problems_of(small) == "".join(
        f"journal/entries/2025-26/2025-05-01-webinar.md:7:{column}: error[V010] evidence: "
        f"evidence '{name}' is outside the journal\n"
        "    hint: keep evidence files in the journal, beside the entry, and give the path "
        "relative to it\n"
        for column, name in (
            (12, "certificate.txt"),
            (29, "evidence/passwords.txt"),
            (63, "../../../pdp.toml"),
        )
    )


def test_goal_and_review_problems_are_reported(small: Path) -> None:
    (small / "journal/goals/bad goal.md").write_text("---\ntitle: [\n---\n")
    (small / "journal/reviews/undated.md").write_text("---\ntitle: Chat\n---\n")
    assert problems_of(small) == (
        "journal/goals/bad goal.md:3:1: error[F006] front matter is not valid YAML: did not "
        "find expected node content\n"
        "    hint: check indentation and put quotes around values that contain ': ' or start "
        "with a special character (@ ` | > ! % & *)\n"
        "journal/reviews/undated.md:3:1: error[V001] date: 'date' is required\n"
        "    hint: add the line: date: 2025-10-02\n"
    )


def test_a_file_that_grows_while_read_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"x" * 10)
    fd = os.open(path, os.O_RDONLY)
    try:
        with open(path, "ab") as stream:
            stream.write(b"y" * 100_000)
        assert _read_all(fd, 10) == b"x" * 10 + b"y" * 100_000
    finally:
        os.close(fd)


@contextmanager
def _writer_for(pipes: list[Path]) -> Iterator[None]:
    """Opens each pipe for writing, again and again after a few seconds, so that a reader
    waiting for a writer gets one and the test fails where it would otherwise hang."""
    stop = threading.Event()

    def release() -> None:
        while not stop.wait(3):
            for pipe in pipes:
                with contextlib.suppress(OSError):  # no reader: nothing waits on it
                    os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))

    thread = threading.Thread(target=release, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


NOT_REGULAR = (
    "error[F009] this is not a regular file (it is a named pipe, socket or "
    "device), so it is not read\n"
    "    hint: remove it, or replace it with a file of the same name\n"
)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_named_pipes_are_refused_without_waiting_for_a_writer(small: Path) -> None:
    pipes = [small / f"journal/{section}/pipe.md" for section in ("entries", "goals", "reviews")]
    for pipe in pipes:
        os.mkfifo(pipe)
    os.symlink("pipe.md", small / "journal/entries/link.md")  # read through the link
    with _writer_for(pipes):
        found = problems_of(small)
    assert found == "".join(
        f"journal/{path}.md:1:1: {NOT_REGULAR}"
        for path in ("goals/pipe", "entries/link", "entries/pipe", "reviews/pipe")
    )


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no Unix sockets here")
def test_a_socket_is_refused(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(small / "journal/entries")  # a short path: socket paths are limited
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind("socket.md")
        assert problems_of(small) == f"journal/entries/socket.md:1:1: {NOT_REGULAR}"


def with_evidence(small: Path, evidence: str) -> None:
    entry = small / "journal/entries/2025-26/2025-05-01-webinar.md"
    entry.write_text(
        entry.read_text().replace("goals: [evaluation]", f"goals: [evaluation]\n{evidence}")
    )


def evidence_problems(found: str) -> list[str]:
    """Each problem's field and message, without the hint."""
    return [
        line.split("] ", 1)[1] for line in found.splitlines() if not line.startswith("    hint:")
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_evidence_that_is_not_a_regular_file_is_refused(small: Path) -> None:
    pipe = small / "journal/entries/2025-26/recording.mp3"
    os.mkfifo(pipe)
    with_evidence(small, "evidence: [recording.mp3]")
    with _writer_for([pipe]):
        found = problems_of(small)
    assert found == (
        "journal/entries/2025-26/2025-05-01-webinar.md:7:12: error[V010] evidence: evidence "
        "'recording.mp3' is not a regular file (it is a named pipe, socket or device)\n"
        "    hint: replace it with the file itself\n"
    )


def test_journal_markdown_files_are_not_evidence(small: Path) -> None:
    folder = small / "journal/entries/2025-26"
    (folder / "secret.md").write_text(
        "---\ntitle: Secret\ndate: 2025-06-01\nactivity: webinar\nhours: 1\nprivate: true\n"
        "goals: [evaluation]\n---\nI applied it.\n"
    )
    (folder / ".draft.md").write_text("not an entry: hidden")
    os.symlink("secret.md", folder / "slides.pdf")
    (small / "journal/notes").mkdir()
    (small / "journal/notes/ideas.md").write_text("Markdown, but no journal file")
    with_evidence(
        small,
        "evidence: [secret.md, ../../goals/evaluation.md, "
        "../../reviews/2025-10-01-mid-year.md, .draft.md, slides.pdf, "
        "../../notes/ideas.md]\nprivate_evidence: [secret.md]",
    )
    found = problems_of(small)
    never = (
        "is a journal file (an entry, goal or review), which is never evidence: it "
        "would be published whole, front matter and private sections too"
    )
    assert evidence_problems(found) == [
        *(
            f"evidence: evidence '{name}' {never}"
            for name in (
                "secret.md",
                "../../goals/evaluation.md",
                "../../reviews/2025-10-01-mid-year.md",
                ".draft.md",
                "slides.pdf",
            )
        ),
        f"private_evidence: evidence 'secret.md' {never}",
    ]
    assert (
        found.count(
            "    hint: link to it from the reflection instead: a link to an "
            "entry's or goal's .md file leads to its page\n"
        )
        == 6
    )
