"""Work shared between worker processes: the same results as in one process, workers shared
between stages, and no work going on after its stage is left."""

from __future__ import annotations

import functools
import gc
import os
import pickle
import signal
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from contextlib import closing
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from generator import parallel
from generator.model import Entry, Problem
from generator.parallel import Aside, WorkerPool, in_background, map_chunks


def _pids(shared: None, chunk: Sequence[int]) -> list[tuple[int, int]]:
    return [(item * 2, os.getpid()) for item in chunk]


def _slow_marks(folder: Path, chunk: Sequence[int]) -> list[int]:
    time.sleep(0.3)
    for item in chunk:
        (folder / str(item)).touch()
    return list(chunk)


class _Counted:
    """A shared argument that notes each time it is unpickled, in a file of its own."""

    def __init__(self, log: Path) -> None:
        self.log = log

    def __reduce__(self) -> tuple[object, tuple[Path]]:
        return _unpickled, (self.log,)


def _unpickled(log: Path) -> _Counted:
    with log.open("a") as stream:
        stream.write(f"{os.getpid()}\n")
    return _Counted(log)


def _logs(shared: _Counted, chunk: Sequence[int]) -> list[int]:
    return list(chunk)


class _Made:
    """A result that can be watched for being let go of."""


def _made(shared: None, chunk: Sequence[int]) -> list[_Made]:
    return [_Made() for _ in chunk]


def test_each_chunk_s_results_are_let_go_of_once_taken() -> None:
    with in_background(_made, None, list(range(40)), 2, 1) as results:
        first = weakref.ref(next(results.rest()))
        taken = sum(1 for _ in results.rest())  # the first chunk's others, then the rest
        gc.collect()
        assert first() is None  # while the stage is still open
    assert taken == 39


def test_each_worker_unpickles_the_shared_argument_once(tmp_path: Path) -> None:
    log = tmp_path / "unpickled"
    items = list(range(40))  # 20 chunks of 2, for 2 workers
    assert map_chunks(_logs, _Counted(log), items, 2, 1) == items
    pids = log.read_text().split()
    assert len(pids) == len(set(pids)) <= 2


@pytest.mark.parametrize("carried", [0, 2])
def test_the_shared_argument_travels_with_the_first_chunks_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, carried: int
) -> None:
    """With the first `carried` chunks for each worker; a worker that takes none of them
    answers so, its chunks are sent again with it, and the results are the same."""
    monkeypatch.setattr(parallel, "SHARED_CHUNKS_PER_WORKER", carried)
    log = tmp_path / "unpickled"
    items = list(range(40))  # 20 chunks of 2, for 2 workers
    submitted: list[tuple[object, ...]] = []
    with WorkerPool(2) as pool:
        executor = pool.executor(2)  # started before the stage, as a build's workers are
        submit = executor.submit

        def noting(function: Callable[..., object], *args: object) -> object:
            submitted.append(args)
            return submit(function, *args)

        monkeypatch.setattr(executor, "submit", noting)
        assert map_chunks(_logs, _Counted(log), items, 2, 1, pool) == items
    carrying = [args for args in submitted if args[2] is not None]
    # The first chunks carried it, and each chunk sent again: then always with it.
    assert len(carrying) == 2 * carried + len(submitted) - 20
    assert carrying[: 2 * carried] == submitted[: 2 * carried]
    if carried == 0:
        assert len(submitted) > 20  # the chunks a worker took first came back
    pids = log.read_text().split()
    assert len(pids) == len(set(pids)) <= 2  # each worker unpickled it once


def test_a_worker_asks_for_shared_data_it_does_not_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "_HELD", parallel._Held())
    data = pickle.dumps(3)
    assert isinstance(parallel._call(_times, b"k", None, [1, 2]), parallel._Missing)
    assert parallel._call(_times, b"k", data, [1, 2]) == [3, 6]
    assert parallel._call(_times, b"k", None, [4]) == [12]  # held since
    assert isinstance(parallel._call(_times, b"other", None, [4]), parallel._Missing)


def _times(shared: int, chunk: Sequence[int]) -> list[int]:
    return [shared * item for item in chunk]


def test_a_shared_pool_gives_the_results_in_order_from_the_same_workers() -> None:
    items = list(range(40))
    with WorkerPool() as pool:
        first = map_chunks(_pids, None, items, 2, 1, pool)
        second = map_chunks(_pids, None, items, 2, 1, pool)
    assert [value for value, _ in first] == [item * 2 for item in items]
    # The first item of the stage that starts the workers is made here, before they fork.
    assert first[0][1] == os.getpid()
    workers = {pid for _, pid in first[1:]} | {pid for _, pid in second}
    assert os.getpid() not in workers
    # Started once, for both stages: new workers for the second would make more than two.
    # (Which of the two takes which chunk is up to the machine: one may take them all.)
    assert len(workers) <= 2


@functools.cache
def _prepared() -> int:
    """Which process first did what every item needs first (as importing a module)."""
    return os.getpid()


def _prepared_in(shared: None, chunk: Sequence[int]) -> list[tuple[int, int]]:
    return [(_prepared(), os.getpid()) for _ in chunk]


def test_what_every_item_needs_first_is_done_once_before_the_workers_fork() -> None:
    made = map_chunks(_prepared_in, None, list(range(40)), 2, 1)
    assert {prepared for prepared, _ in made} == {os.getpid()}
    assert len({pid for _, pid in made} - {os.getpid()}) >= 1  # and the rest by workers


def test_sequential_and_parallel_results_are_equal() -> None:
    items = list(range(25))
    sequential = [value for value, _ in map_chunks(_pids, None, items, 1, 1)]
    assert sequential == [value for value, _ in map_chunks(_pids, None, items, 2, 1)]


@pytest.mark.parametrize("shared_pool", [False, True])
def test_no_chunk_works_on_once_its_stage_is_left(tmp_path: Path, shared_pool: bool) -> None:
    items = list(range(16))  # 16 chunks of 1: 2 at work at a time
    with WorkerPool() as pool:
        with (
            pytest.raises(RuntimeError),
            in_background(
                _slow_marks, tmp_path, items, 2, 1, pool if shared_pool else None
            ) as results,
        ):
            next(results.rest())
            raise RuntimeError("the stage fails")
        done = sorted(path.name for path in tmp_path.iterdir())
        time.sleep(0.8)
        assert sorted(path.name for path in tmp_path.iterdir()) == done
    assert len(done) < len(items)


def test_a_shared_pool_has_the_workers_a_later_stage_wants() -> None:
    with WorkerPool(3) as pool:
        map_chunks(_pids, None, list(range(4)), 3, 2, pool)  # this stage wants 2
        later = map_chunks(_slow_pids, None, list(range(30)), 3, 1, pool)  # and this 3
    assert len({pid for _, pid in later}) == 3


def _slow_pids(shared: None, chunk: Sequence[int]) -> list[tuple[int, int]]:
    time.sleep(0.2)  # so that each worker takes a chunk
    return _pids(shared, chunk)


def test_entries_and_problems_cross_processes_whole() -> None:
    # Every field differs from its default, so a field left out of the pickle shows.
    entry = Entry(
        "journal/entries/a.md",
        "a",
        "A",
        date(2026, 5, 1),
        "other",
        "formal",
        Decimal("2.5"),
        ("g1",),
        ("writing",),
        ("t",),
        ("journal/e.pdf",),
        ("journal/p.pdf",),
        "planned",
        True,
        "Body.\n",
        7,
    )
    found = Problem("journal/entries/a.md", 3, 4, "warning", "W003", "body", "message", "hint")
    sent = pickle.loads(pickle.dumps([entry, found], protocol=pickle.HIGHEST_PROTOCOL))
    assert sent == [entry, found]
    assert [type(value) for value in sent] == [Entry, Problem]


# Aside: one function in a copy of this process while this one goes on.

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="only where processes fork")


@pytest.fixture
def one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in `pdp build`, where no other thread runs: not so in a test session whose other
    tests left a server's thread behind."""
    monkeypatch.setattr(threading, "active_count", lambda: 1)


@needs_fork
@pytest.mark.usefixtures("one_thread")
def test_aside_runs_the_function_in_a_copy_and_gives_its_result() -> None:
    with closing(Aside(os.getpid)) as aside:
        copy = aside.result()
    assert copy != os.getpid()


def test_aside_runs_the_function_here_where_another_thread_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    with closing(Aside(os.getpid)) as aside:
        assert aside.result() == os.getpid()


def _mark(folder: Path, name: str, text: str) -> None:
    """Write a file whole at once: whoever sees it sees it all."""
    (folder / f".{name}").write_text(text)
    os.replace(folder / f".{name}", folder / name)


def _only_here(here: int, folder: Path) -> str:
    if os.getpid() != here:
        _mark(folder, "copy", "ran")
        raise RuntimeError("fails in a copy")
    return "made here"


def _ends_in_a_copy(here: int, folder: Path) -> str:
    if os.getpid() != here:
        _mark(folder, "copy", "ran")
        os.kill(os.getpid(), signal.SIGKILL)
    return "made here"


@needs_fork
@pytest.mark.usefixtures("one_thread")
@pytest.mark.parametrize("function", [_only_here, _ends_in_a_copy])
def test_a_copy_that_fails_or_is_killed_leaves_the_work_to_this_process(
    function: Callable[[int, Path], str], tmp_path: Path
) -> None:
    with closing(Aside(functools.partial(function, os.getpid(), tmp_path))) as aside:
        assert aside.result() == "made here"
    assert (tmp_path / "copy").read_text() == "ran"  # a copy was made, and failed


def test_where_no_process_can_be_made_the_work_is_done_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refused() -> int:
        raise BlockingIOError("fork: resource temporarily unavailable")

    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(os, "fork", refused, raising=False)
    with closing(Aside(os.getpid)) as aside:
        assert aside.result() == os.getpid()


def _note_pid_and_wait(folder: Path) -> None:
    _mark(folder, "pid", str(os.getpid()))
    time.sleep(60)


@needs_fork
@pytest.mark.usefixtures("one_thread")
def test_a_copy_whose_result_is_never_asked_for_is_stopped(tmp_path: Path) -> None:
    with closing(Aside(functools.partial(_note_pid_and_wait, tmp_path))):
        deadline = time.monotonic() + 10
        while not (tmp_path / "pid").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        left = time.monotonic()
    assert time.monotonic() - left < 10  # stopped, not waited for to the end of its work
    pid = int((tmp_path / "pid").read_text())
    with pytest.raises(ChildProcessError):  # ended, and waited for: not even a zombie
        os.waitpid(pid, os.WNOHANG)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
