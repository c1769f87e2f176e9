"""Ingest's per-response work on more than one core, with the same result as one core.

:func:`map_in_order` applies a function to every element of a list in forked worker
processes (the list is inherited by the fork, never pickled; only results travel back)
and returns the results in the list's order, so a table built from them is the one a
plain loop builds. It falls back to that plain loop when parallel work would not pay
or is not possible: one core, few elements, no ``fork`` start method (Windows, and
macOS by default), or when the caller is itself a daemonic worker (a Dask worker, a
``multiprocessing`` pool worker), which may not start processes.

>>> map_in_order(len, ["a", "bb", "ccc"], workers=1)
[1, 2, 3]
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence

__all__ = ["map_in_order", "worker_count", "chunks", "MIN_PER_WORKER", "CHUNKS_PER_WORKER"]

# Fewest elements per worker process worth a fork (an ingest item costs about 0.3 ms).
MIN_PER_WORKER = 2_000
# Each worker gets this many chunks in turn, so that one slow chunk does not hold up the rest.
CHUNKS_PER_WORKER = 4
# (function, elements) the forked workers read: inherited at the fork, never pickled.
_TASK: tuple[Callable, Sequence] | None = None


def _usable_cores() -> int:
    """Cores this process may run on (its CPU affinity where the system tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def worker_count(workers: int | str, n: int, min_per_worker: int | None = None) -> int:
    """Processes to use for ``n`` elements: ``workers`` (a number, or ``"auto"``: every usable
    core) capped so that each gets at least ``min_per_worker``; 1 when forking is not
    possible here.

    >>> worker_count(1, 10**6), worker_count("auto", 10)
    (1, 1)
    """
    if workers != "auto" and (not isinstance(workers, int) or isinstance(workers, bool) or workers < 1):
        raise ValueError(f"workers must be a positive whole number or 'auto', not {workers!r}.")
    wanted = _usable_cores() if workers == "auto" else workers
    if wanted < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if multiprocessing.current_process().daemon or _TASK is not None:
        return 1  # a daemonic worker may not have children; a worker of ours does not fork again
    return max(1, min(wanted, n // (min_per_worker or MIN_PER_WORKER)))


def chunks(n: int, parts: int) -> list[tuple[int, int]]:
    """``parts`` contiguous (start, stop) ranges covering ``range(n)`` (sizes differ by at most one).

    >>> chunks(7, 3)
    [(0, 3), (3, 5), (5, 7)]
    """
    size, extra = divmod(n, parts)
    bounds, start = [], 0
    for k in range(parts):
        stop = start + size + (k < extra)
        bounds.append((start, stop))
        start = stop
    return [b for b in bounds if b[0] < b[1]]


def _run_chunk(bounds: tuple[int, int]) -> list:
    function, elements = _TASK
    return [function(x) for x in elements[bounds[0]:bounds[1]]]


def map_in_order(function: Callable, elements: Sequence, workers: int | str = "auto",
                 min_per_worker: int | None = None) -> list:
    """``[function(x) for x in elements]``, computed by up to ``workers`` forked processes.

    ``function`` must not rely on changing the elements or any other state of this process
    (a worker's changes stay in the worker); what it returns comes back pickled.

    >>> map_in_order(str.upper, ["a", "b"], workers="auto")
    ['A', 'B']
    """
    global _TASK
    n = worker_count(workers, len(elements), min_per_worker)
    if n == 1:
        return [function(x) for x in elements]
    _TASK = (function, elements)
    try:
        with multiprocessing.get_context("fork").Pool(n) as pool:
            parts = pool.map(_run_chunk, chunks(len(elements), n * CHUNKS_PER_WORKER), chunksize=1)
    finally:
        _TASK = None
    return [result for part in parts for result in part]
