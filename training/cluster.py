"""The batch jobs on a Dask cluster (``DASK_SCHEDULER_ADDRESS``), or in this process.

``tcp://host:8786`` connects to a running scheduler (``dask scheduler`` and ``dask worker
tcp://host:8786`` started on the machines); ``local`` or ``local:N`` starts a
``distributed.LocalCluster`` of N single-threaded worker processes on this machine for
the job's duration. Empty: nothing of Dask is imported or started.

The posting index (postings, candidate blocks, the scorer with its model) is scattered
once to every worker (``broadcast=True``). Each task then carries only its partition's
id bounds and the database settings (``DATABASE_URL`` and the PostgreSQL role, as the app
config gives them): the worker reads its partition itself through one engine per worker
process, ranks it and returns the compact candidate lists. No PII key is shipped: profiles
come from unencrypted columns (no name, ID number or phone). Results are
collected in partition order, so the night's lists are the same as in one process.
"""
from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from models.db import make_engine, make_session_factory
from training.recommend import Bounds, CandidateStore, PostingIndex, RankedPartition, load_and_rank


@dataclass(frozen=True)
class DatabaseSettings:
    """How a Dask worker reaches the database: what it needs to build the session factory
    the app builds (``api.db.init_app``)."""

    url: str
    role: str | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> DatabaseSettings:
        url = str(config["DATABASE_URL"])
        # the role rule of api.db.app_role: the application role on PostgreSQL only
        return cls(url, (config.get("DB_APP_ROLE") or None) if url.startswith("postgresql") else None)


_SESSIONS: dict[DatabaseSettings, sessionmaker[Session]] = {}
_SESSIONS_LOCK = threading.Lock()


def worker_sessions(settings: DatabaseSettings) -> sessionmaker[Session]:
    """This process's session factory for ``settings``, made on first use (one engine and
    its pool per worker process, shared by its tasks)."""
    with _SESSIONS_LOCK:
        if settings not in _SESSIONS:
            _SESSIONS[settings] = make_session_factory(make_engine(settings.url, role=settings.role))
        return _SESSIONS[settings]


def close_worker_sessions() -> None:
    """Dispose of this process's engines (run on every worker when the job ends)."""
    with _SESSIONS_LOCK:
        for factory in _SESSIONS.values():
            factory.kw["bind"].dispose()
        _SESSIONS.clear()


def load_and_rank_task(index: PostingIndex, database: DatabaseSettings, bounds: Bounds) -> RankedPartition:
    """The Dask task: read one partition from the database on the worker, rank it."""
    return load_and_rank(worker_sessions(database), index, bounds)


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


def rank_partitions_on(client: Any, database: DatabaseSettings, index: PostingIndex, bounds: Iterable[Bounds],
                       *, on_partition: Callable[[], None] | None = None, in_flight: int | None = None,
                       store: CandidateStore | None = None) -> Sequence[RankedPartition]:
    """Load and rank each partition as a Dask task on the workers; results are collected in
    partition order into ``store`` (or a list), at most ``in_flight`` tasks (default four per
    worker) submitted and not yet collected, so neither side holds the whole night."""
    shared = client.scatter(index, broadcast=True)
    limit = in_flight or 4 * max(len(client.scheduler_info().get("workers", {})), 1)
    pending: deque = deque()
    out: CandidateStore | list[RankedPartition] = [] if store is None else store

    def collect() -> None:
        out.append(pending.popleft().result())
        if on_partition:
            on_partition()

    try:
        for b in bounds:
            pending.append(client.submit(load_and_rank_task, shared, database, b, pure=False))
            while len(pending) >= limit:
                collect()
        while pending:
            collect()
    finally:
        client.run(close_worker_sessions)
    return out
