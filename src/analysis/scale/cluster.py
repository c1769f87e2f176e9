"""Connecting to a Dask scheduler, or starting a local cluster of worker processes."""

from __future__ import annotations

import contextlib
import os
from typing import Iterator


@contextlib.contextmanager
def dask_client(scheduler: str | None = None, *, n_workers: int | None = None,
                memory_limit: str | float = "2GiB") -> Iterator["distributed.Client"]:  # noqa: F821
    """A ``distributed.Client``: to ``scheduler`` if given, else to a new ``LocalCluster``.

    The local cluster runs ``n_workers`` worker processes (default: the number of cores,
    at most 4) of one thread each, without a dashboard, so nothing reaches the network.
    It is closed when the block ends; a remote scheduler is left running.

    Parameters
    ----------
    scheduler : address such as ``tcp://10.0.0.5:8786``, or None for a local cluster.
    n_workers : worker processes of the local cluster.
    memory_limit : per worker (Dask spills to disk, then pauses, near it).

    Examples
    --------
    >>> with dask_client(n_workers=2) as client:   # doctest: +SKIP
    ...     client.submit(sum, [1, 2]).result()
    3
    """
    from distributed import Client, LocalCluster

    if scheduler:
        client = Client(scheduler)
        try:
            yield client
        finally:
            client.close()
        return
    n = n_workers or min(4, os.cpu_count() or 1)
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                      memory_limit=memory_limit, host="127.0.0.1") as cluster, Client(cluster) as client:
        yield client
