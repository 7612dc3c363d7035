"""Run a function over chunks of items in worker processes when there are enough items;
or one function in a copy of this process while this one goes on (`Aside`)."""

from __future__ import annotations

import hashlib
import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from types import TracebackType
from typing import TYPE_CHECKING, Generic, NoReturn, TypeVar, cast

from .progress import NO_PROGRESS, Progress

# multiprocessing and concurrent.futures are imported when workers start, not with this
# module: work too small for workers (`pdp check` of a member's journal) never pays for them.
if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

# The last chunks of a stage to finish leave a core idle, and the stage after waits for them:
# small chunks keep every worker busy almost to the end (a second of idle cores less on the
# 10,000-entry benchmark than 4 chunks a worker), for little more than sending each chunk.
CHUNKS_PER_WORKER = 16
# What the chunks of a stage share travels with its first chunks alone, this many for each
# worker: enough that each worker almost always takes one of them first (one that takes none
# asks for it: see `_Chunk`). Sent with every chunk, a large journal's (a build's slugs and
# neighbours: 3 MB at 10,000 entries) was 100 MB through the workers' pipes.
SHARED_CHUNKS_PER_WORKER = 2


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def workers(jobs: int | None, items: int, min_per_worker: int) -> int:
    """How many worker processes `items` items are shared between (below 2: none)."""
    return min(jobs or cores(), items // max(min_per_worker, 1))


class WorkerPool:
    """Worker processes that the stages of a build share, started when the first stage
    needs them: a process forked while this one is still small copies little of its
    memory (one forked from a large heap copies every page that it, or its allocator,
    writes to), and is started once."""

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = jobs
        self._executor: ProcessPoolExecutor | None = None

    @property
    def started(self) -> bool:
        return self._executor is not None

    def executor(self, count: int) -> ProcessPoolExecutor:
        """The pool, started if it is not yet: with as many processes as any stage may
        want (`jobs`, default one per core), not only as many as the first one does."""
        if self._executor is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            count = max(count, self.jobs or cores())
            # Forking is far cheaper than starting fresh interpreters, where the platform
            # has it.
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            self._executor = ProcessPoolExecutor(count, mp_context=context)
        return self._executor

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def map_chunks(
    function: Callable[[S, Sequence[T]], list[R]],
    shared: S,
    items: Sequence[T],
    jobs: int | None,
    min_per_worker: int,
    pool: WorkerPool | None = None,
    progress: Progress = NO_PROGRESS,
) -> list[R]:
    """`function(shared, chunk)` over chunks of `items`, results in order. A worker gives
    the same `shared` to each chunk it takes: `function` must not change it. `progress`
    advances by each chunk's items as this process takes its results.

    Sequential unless each of at least two workers gets `min_per_worker` items: below that,
    starting workers costs more than it saves. Either way the result is the same. The
    workers are `pool`'s, or started for this call alone.
    """
    found: list[R] = []
    with in_background(function, shared, items, jobs, min_per_worker, pool) as results:
        for chunk in results.chunks():
            found.extend(chunk)
            progress.advance(len(chunk))
    return found


class Results(Generic[R]):
    """The results of work in the background, in order: those ready now, or all of them."""

    def __init__(
        self,
        futures: list[_Chunk[R]],
        later: Callable[[], list[R]] | None = None,
        first: Sequence[R] = (),
    ) -> None:
        self._futures = futures  # emptied as they are taken
        self._later = later  # sequential: the work itself, done when the results are asked
        self._current: Iterator[R] = iter(first)  # done in this process before the workers

    def ready(self) -> Iterator[R]:
        """The results whose chunks are finished, without waiting (none when sequential)."""
        return self._take(wait=False)

    def rest(self) -> Iterator[R]:
        """All the results not yet taken, waiting for each chunk in turn."""
        if self._later is not None:
            self._current, self._later = iter(self._later()), None
        return self._take(wait=True)

    def chunks(self) -> Iterator[list[R]]:
        """All the results not yet taken, a chunk at a time, waiting for each in turn."""
        current, self._current = list(self._current), iter(())
        if current:
            yield current
        if self._later is not None:
            later, self._later = self._later, None
            yield later()
        while self._futures:
            yield self._next()

    def _take(self, wait: bool) -> Iterator[R]:
        while True:
            yield from self._current
            if not self._futures or not (wait or self._futures[0].future.done()):
                return
            # Each chunk's results are dropped once taken.
            self._current = iter(self._next())

    def _next(self) -> list[R]:
        """The next chunk's results, waiting for them."""
        chunk = self._futures.pop(0)
        if chunk.missing(wait=True):
            chunk.send_again()
            # A worker that did not hold the shared data has most likely answered so for
            # the chunks it took since: they are sent again at once, not one by one.
            for later in self._futures:
                if later.missing(wait=False):
                    later.send_again()
        return chunk.result()


@contextmanager
def in_background(
    function: Callable[[S, Sequence[T]], list[R]],
    shared: S,
    items: Sequence[T],
    jobs: int | None,
    min_per_worker: int,
    pool: WorkerPool | None = None,
) -> Iterator[Results[R]]:
    """As `map_chunks`, but the workers start at once and the caller collects the results
    after or while doing other work: taking those ready as it goes keeps finished chunks
    from piling up in memory. No chunk is still at work when the block is left."""
    count = workers(jobs, len(items), min_per_worker)
    if count < 2:
        yield Results([], lambda: function(shared, items))
        return
    from concurrent.futures import wait

    own = pool is None
    pool = pool or WorkerPool(count)  # for this call alone: no more workers than it wants
    futures: list[_Chunk[R]] = []
    first: list[R] = []
    try:
        if not pool.started:
            # The first item is done here, before the workers fork: what every item needs
            # first (modules imported, templates compiled: as long as a hundred entries'
            # work) is then done once, in this process, which needs it anyway, and not again
            # in each worker.
            first, items = function(shared, items[:1]), items[1:]
        size = -(-len(items) // (count * CHUNKS_PER_WORKER))
        chunks = [items[start : start + size] for start in range(0, len(items), size)]
        executor = pool.executor(count)
        # Pickled once here, and once in each worker (see `_Held`), not once a chunk.
        shared_data = _SharedData(pickle.dumps(shared, protocol=pickle.HIGHEST_PROTOCOL))
        carried = count * SHARED_CHUNKS_PER_WORKER
        futures = [
            _Chunk(executor, function, shared_data, chunk, carry=index < carried)
            for index, chunk in enumerate(chunks)
        ]
        # The very list: a chunk taken from it is let go of, with its results.
        results = Results(futures, first=first)
        del first  # held by `results` alone, let go of once taken
        yield results
    finally:
        # Left early (an error): what has not started never will, and what has is waited
        # for, so that nothing works on after the caller has moved on. (Each chunk taken
        # is done already.)
        for chunk in futures:
            chunk.future.cancel()
        wait([chunk.future for chunk in futures])
        if own:
            pool.close()


class _SharedData:
    """What the chunks of a stage share, pickled; and a key that tells it from another
    stage's without comparing the bytes."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.key = hashlib.blake2b(data, digest_size=16).digest()


class _Missing:
    """A worker's answer to a chunk that came without the shared data it does not hold."""


class _Chunk(Generic[R]):
    """One chunk at work in the pool; sent again, with the shared data, to a worker that
    did not hold it."""

    def __init__(
        self,
        executor: ProcessPoolExecutor,
        function: Callable[[S, Sequence[T]], list[R]],
        shared: _SharedData,
        chunk: Sequence[T],
        carry: bool,
    ) -> None:
        def send(data: bytes | None) -> Future[list[R] | _Missing]:
            return executor.submit(_call, function, shared.key, data, chunk)

        self._send_with = send
        self._data = shared.data
        self.future = send(shared.data if carry else None)

    def missing(self, wait: bool) -> bool:
        """Whether a worker answered that it did not hold the shared data (without `wait`:
        answered so already)."""
        future = self.future
        if not (wait or future.done()) or future.cancelled() or future.exception() is not None:
            return False
        return isinstance(future.result(), _Missing)

    def send_again(self) -> None:
        """Send the chunk again, with the shared data."""
        self.future = self._send_with(self._data)

    def result(self) -> list[R]:
        done = self.future.result()
        if isinstance(done, _Missing):  # sent without the data, and never sent again
            raise RuntimeError("a chunk came back undone")
        return done


def _call(
    function: Callable[[S, Sequence[T]], list[R]],
    key: bytes,
    data: bytes | None,
    chunk: Sequence[T],
) -> list[R] | _Missing:
    """In a worker: `function` over one chunk, given the shared data as it was before
    pickling; if it came without it, and this worker does not hold it yet, `_Missing`."""
    if data is not None:
        _HELD.hold(key, data)
    elif key != _HELD.key:
        return _Missing()
    return function(cast(S, _HELD.value), chunk)


class _Held:
    """In a worker: the shared data of the last stage it worked for (by its key), unpickled
    once. So that is for the stage's function to read, never to change."""

    def __init__(self) -> None:
        self.key = b""
        self.value: object = None

    def hold(self, key: bytes, data: bytes) -> None:
        if key != self.key:
            self.key, self.value = key, pickle.loads(data)


# One per worker process (each has its own copy): a cache, as `functools.lru_cache` is.
_HELD = _Held()


class Aside(Generic[R]):
    """`function()` begun now in a copy of this process, forked, while this one goes on
    (such as importing what it needs next); its result taken back when asked for, once.

    The copy is made only where processes fork and no other thread runs (a copy of a
    thread's half-done work could hang it); elsewhere, or where no process can be made,
    `result` runs the function here. A copy that fails, or is killed, costs only the time it
    took: the function is then run here, where an error shows as it would have. The result
    must pickle. Once closed (`contextlib.closing`), the copy is no more.
    """

    def __init__(self, function: Callable[[], R]) -> None:
        self._function = function
        self._copy: tuple[int, int] | None = None  # its process id; the pipe end to read
        if hasattr(os, "fork") and threading.active_count() == 1:
            self._copy = _fork(function)

    def result(self) -> R:
        """The function's result: the copy's, or else made here."""
        answer = self._take()
        if answer:
            with suppress(Exception):  # an answer that cannot be read is no answer
                return cast(R, pickle.loads(answer))
        return self._function()

    def _take(self) -> bytes:
        """What the copy wrote, once it has ended (nothing if it failed, or if there is
        no copy)."""
        if self._copy is None:
            return b""
        pid, reading = self._copy
        try:
            with os.fdopen(reading, "rb") as stream:
                answer = stream.read()
            ended = _exit_code(pid)
        except BaseException:  # interrupted (Ctrl-C): the copy must not work on
            _stop(pid)
            raise
        finally:
            self._copy = None
        return answer if ended == 0 else b""

    def close(self) -> None:
        """Stop the copy if its result was never taken (the caller stopped early)."""
        if self._copy is None:
            return
        pid, reading = self._copy
        self._copy = None
        os.close(reading)
        _stop(pid)


def _fork(function: Callable[[], object]) -> tuple[int, int] | None:
    """A copy of this process that runs `function` and writes its result, pickled, to a
    pipe: its process id, and the pipe's end to read; None where none can be made."""
    try:
        reading, writing = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:  # too many processes, too little memory: the work is done here
        os.close(reading)
        os.close(writing)
        return None
    if pid == 0:  # in the copy, which never returns from here
        _answer(function, reading, writing)
    os.close(writing)
    return pid, reading


def _answer(function: Callable[[], object], reading: int, writing: int) -> NoReturn:
    """In a copy: run `function`, write its result, and end, without running anything of
    the process it was copied from (exit handlers, buffered output)."""
    code = 1
    try:
        os.close(reading)
        answer = pickle.dumps(function(), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(writing, "wb") as stream:
            stream.write(answer)
        code = 0
    finally:
        os._exit(code)  # an error ends the copy too: its caller then does the work itself


def _exit_code(pid: int) -> int | None:
    """How the copy ended, once it has; None where it cannot be known (SIGCHLD ignored)."""
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return None
    return os.waitstatus_to_exitcode(status)


def _stop(pid: int) -> None:
    """End the copy, and wait for it: it leaves no process behind."""
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with suppress(ChildProcessError):
        os.waitpid(pid, 0)
