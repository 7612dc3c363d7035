"""The watcher hands over real file changes in batches, one per burst, natively or polling."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.serve.watch import Watch, Watcher, file_system_of, polling_reason

MOUNTS = """\
overlay / overlay rw,relatime 0 0
proc /proc proc rw 0 0
server:/export /home/sam/work nfs4 rw 0 0
C:\\134 /mnt/c 9p rw 0 0
/dev/sda1 /home ext4 rw 0 0
//nas/share /media/my\\040share cifs rw 0 0
"""


@pytest.fixture(params=[False, True], ids=["native", "polling"])
def watched(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Path, Watcher]]:
    folder = tmp_path / "journal"
    folder.mkdir()
    (folder / "a.md").write_text("first\n", "utf-8")
    watcher = Watcher([Watch(folder, True)], poll=request.param)
    time.sleep(0.1 if not request.param else 0.7)  # a polling observer's first snapshot
    yield folder, watcher
    watcher.stop()


def batch(watcher: Watcher, timeout: float = 10.0) -> set[str]:
    stop = threading.Event()
    timer = threading.Timer(timeout, stop.set)
    timer.start()
    try:
        return {path.rsplit("/", 1)[-1] for path in watcher.next_batch(stop)}
    finally:
        timer.cancel()


def test_an_edit_in_place_is_seen(watched: tuple[Path, Watcher]) -> None:
    folder, watcher = watched
    (folder / "a.md").write_text("second\n", "utf-8")
    assert "a.md" in batch(watcher)


def test_a_save_through_a_temporary_file_names_the_file_saved(
    watched: tuple[Path, Watcher],
) -> None:
    folder, watcher = watched
    (folder / ".a.md.swp").write_text("second\n", "utf-8")
    os.replace(folder / ".a.md.swp", folder / "a.md")
    assert "a.md" in batch(watcher)


def test_deleting_renaming_and_creating_are_seen(watched: tuple[Path, Watcher]) -> None:
    folder, watcher = watched
    (folder / "a.md").rename(folder / "b.md")
    assert {"a.md", "b.md"} <= batch(watcher)
    (folder / "b.md").unlink()
    assert "b.md" in batch(watcher)
    (folder / "sub").mkdir()
    (folder / "sub" / "c.md").write_text("new\n", "utf-8")
    found = batch(watcher)
    found |= batch(watcher, 1.5) if "c.md" not in found else set()
    assert "c.md" in found


def test_a_burst_of_saves_is_one_batch(tmp_path: Path) -> None:
    folder = tmp_path / "journal"
    folder.mkdir()
    watcher = Watcher([Watch(folder, True)])
    try:
        for number in range(50):
            (folder / f"entry-{number}.md").write_text(f"entry {number}\n", "utf-8")
        found = batch(watcher)
        assert found == {f"entry-{number}.md" for number in range(50)}
    finally:
        watcher.stop()


def test_a_never_ending_stream_is_still_handed_over(tmp_path: Path) -> None:
    folder = tmp_path / "journal"
    folder.mkdir()
    watcher = Watcher([Watch(folder, True)])
    stop_writing = threading.Event()

    def write_forever() -> None:
        number = 0
        while not stop_writing.is_set():
            (folder / "busy.md").write_text(f"{number}\n", "utf-8")
            number += 1
            time.sleep(0.01)

    writer = threading.Thread(target=write_forever)
    writer.start()
    try:
        assert batch(watcher, timeout=5.0) == {"busy.md"}
    finally:
        stop_writing.set()
        writer.join()
        watcher.stop()


def test_polling_is_used_where_native_events_are_missed() -> None:
    assert file_system_of(Path("/home/sam/work/journal"), MOUNTS) == "nfs4"
    assert file_system_of(Path("/home/sam/other"), MOUNTS) == "ext4"
    assert file_system_of(Path("/mnt/c/Users/sam"), MOUNTS) == "9p"
    assert file_system_of(Path("/media/my share/journal"), MOUNTS) == "cifs"
    assert file_system_of(Path("/srv"), MOUNTS) == "overlay"
    assert polling_reason([Path("/")]) == ""  # this machine's own disk


def test_a_folder_in_a_loop_of_links_needs_no_polling(tmp_path: Path, link_loops: str) -> None:
    os.symlink("themes", tmp_path / "themes")
    assert polling_reason([tmp_path / "themes", tmp_path]) == ""


def test_poll_says_why(tmp_path: Path) -> None:
    watcher = Watcher([Watch(tmp_path, True)], poll=True)
    try:
        assert watcher.polling == "asked for with --poll"
    finally:
        watcher.stop()
    native = Watcher([Watch(tmp_path, True)])
    try:
        assert native.polling == ""
    finally:
        native.stop()
