"""The batch jobs on a Dask cluster (``DASK_SCHEDULER_ADDRESS``), or in this process.

``tcp://host:8786`` connects to a running scheduler (``dask scheduler`` and ``dask worker
tcp://host:8786`` started on the machines); ``local`` or ``local:N`` starts a
``distributed.LocalCluster`` of N single-threaded worker processes on this machine for
the job's duration. Empty: nothing of Dask is imported or started.

The posting index (postings, candidate blocks, the scorer with its model) is scattered
once to every worker (``broadcast=True``); each task then carries only its partition's
worker profiles, loaded by this process from the database, and returns the compact
candidate lists. Results are gathered in partition order, so the night's lists are the
same as in one process.
"""
from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from training.recommend import Bounds, PostingIndex, RankedPartition, load_partition, rank_partition


def parse_address(address: str) -> tuple[str, int | None]:
    """``("local", N)`` for ``local``/``local:N`` (N defaults to the cores), else ``(address, None)``."""
    address = address.strip()
    if address == "local" or address.startswith("local:"):
        n = address.partition(":")[2]
        if n and not (n.isdigit() and int(n) > 0):
            raise ValueError(f"DASK_SCHEDULER_ADDRESS {address!r}: expected local:N with N ≥ 1")
        return "local", int(n) if n else (os.cpu_count() or 1)
    if not address.startswith(("tcp://", "tls://", "inproc://", "ws://", "wss://")):
        raise ValueError(f"DASK_SCHEDULER_ADDRESS {address!r}: expected tcp://host:port, local or local:N")
    return address, None


@contextmanager
def dask_client(address: str) -> Iterator[Any]:
    """A ``distributed.Client`` for ``address``, or None when it is empty."""
    if not address:
        yield None
        return
    from distributed import Client, LocalCluster  # imported only when a cluster is asked for

    target, workers = parse_address(address)
    if target == "local":
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            yield client
    else:
        with Client(target) as client:
            yield client


def rank_partitions_on(client: Any, sessions: sessionmaker[Session], index: PostingIndex,
                       bounds: Iterable[Bounds], *, on_partition: Callable[[], None] | None = None,
                       in_flight: int | None = None) -> list[RankedPartition]:
    """Rank each partition as a Dask task; at most ``in_flight`` partitions are loaded and
    not yet ranked at once (default twice the workers), so the client's memory stays bounded."""
    shared = client.scatter(index, broadcast=True)
    limit = in_flight or 2 * max(len(client.scheduler_info().get("workers", {})), 1)
    pending: deque = deque()
    out: list[RankedPartition] = []

    def collect() -> None:
        out.append(pending.popleft().result())
        if on_partition:
            on_partition()

    for b in bounds:
        with sessions() as session:
            workers = load_partition(session, b, today=index.today)
        pending.append(client.submit(rank_partition, shared, workers, pure=False))
        while len(pending) >= limit:
            collect()
    while pending:
        collect()
    return out
