"""Run a function over chunks of items in worker processes when there are enough items."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Generic, TypeVar

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def workers(jobs: int | None, items: int, min_per_worker: int) -> int:
    """How many worker processes `items` items are shared between (below 2: none)."""
    return min(jobs or cores(), items // max(min_per_worker, 1))


def map_chunks(function: Callable[[S, Sequence[T]], list[R]], shared: S, items: Sequence[T],
               jobs: int | None, min_per_worker: int) -> list[R]:
    """`function(shared, chunk)` over chunks of `items`, results in order.

    Sequential unless each of at least two workers gets `min_per_worker` items: below that,
    starting workers costs more than it saves. Either way the result is the same.
    """
    with in_background(function, shared, items, jobs, min_per_worker) as results:
        return list(results.rest())


class Results(Generic[R]):
    """The results of work in the background, in order: those ready now, or all of them."""

    def __init__(self, futures: list[Future[list[R]]],
                 later: Callable[[], list[R]] | None = None) -> None:
        self._futures = futures
        self._later = later  # sequential: the work itself, done when the results are asked
        self._current: Iterator[R] = iter(())

    def ready(self) -> Iterator[R]:
        """The results whose chunks are finished, without waiting (none when sequential)."""
        return self._take(wait=False)

    def rest(self) -> Iterator[R]:
        """All the results not yet taken, waiting for each chunk in turn."""
        if self._later is not None:
            self._current, self._later = iter(self._later()), None
        return self._take(wait=True)

    def _take(self, wait: bool) -> Iterator[R]:
        while True:
            yield from self._current
            if not self._futures or not (wait or self._futures[0].done()):
                return
            # Each chunk's results are dropped once taken.
            self._current = iter(self._futures.pop(0).result())


@contextmanager
def in_background(function: Callable[[S, Sequence[T]], list[R]], shared: S,
                  items: Sequence[T], jobs: int | None, min_per_worker: int
                  ) -> Iterator[Results[R]]:
    """As `map_chunks`, but the workers start at once and the caller collects the results
    after or while doing other work: taking those ready as it goes keeps finished chunks
    from piling up in memory."""
    count = workers(jobs, len(items), min_per_worker)
    if count < 2:
        yield Results([], lambda: function(shared, items))
        return
    size = -(-len(items) // (count * 4))
    chunks = [items[start:start + size] for start in range(0, len(items), size)]
    # Forking is far cheaper than starting fresh interpreters, where the platform has it.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(count, mp_context=context) as pool:
        yield Results([pool.submit(function, shared, chunk) for chunk in chunks])
