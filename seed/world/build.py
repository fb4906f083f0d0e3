"""Build the synthetic world into a database: workers, employers, postings, history.

Everything is streamed in chunks with bulk inserts; memory stays bounded by the compact
numpy tables (≈40 bytes a worker, ≈60 bytes a posting), the bookkeeping of the postings
that can still hire, and at most ``history.SPILL_ROWS`` buffered rows.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session

from models.employers.tables import Employer
from models.access.pii import PiiVault
from models.placements.tables import Application, ApplicationEvent, FollowUp, Placement, Recommendation
from models.postings.tables import Posting
from models.workers.tables import Worker
from seed.world import employers, history, people
from seed.world.exposure import Exposure

WORKER_CHUNK = 5_000
POSTING_CHUNK = 1_000
MODELS: dict[str, type] = {
    "postings": Posting, "recommendations": Recommendation, "applications": Application,
    "application_events": ApplicationEvent, "placements": Placement, "follow_ups": FollowUp,
}
Progress = Callable[[str, int, int], None]


@dataclass
class WorldSummary:
    workers: int
    employers: int
    postings: int
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def __str__(self) -> str:
        extra = ", ".join(f"{k} {v}" for k, v in self.counts.items())
        return (f"workers {self.workers}, employers {self.employers}, postings {self.postings}, "
                f"{extra} in {self.seconds:.1f}s")


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Core executemany on the table: the ORM bulk path runs row by row with version columns."""
    for k in range(0, len(rows), 5_000):
        session.execute(insert(model.__table__), rows[k:k + 5_000])


def _continue_sequences(session: Session, models: list[Any]) -> None:
    """Rows were inserted with explicit ids: make PostgreSQL's id sequences continue after them."""
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite's INTEGER PRIMARY KEY continues after the largest id by itself
    for model in models:
        table = model.__table__.name
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"))


def _max_id(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.coalesce(func.max(model.id), 0))))


def generate_world(session: Session, vault: PiiVault, *, workers: int = 5_000, postings: int = 800,
                   seed: int = 0, as_of: date, min_wage: int, list_size: int,
                   progress: Progress | None = None,
                   checkpoint: Callable[[], None] | None = None) -> WorldSummary:
    """Generate and insert a deterministic world; ids continue after existing rows.

    Reference data (regions, pairings, taxonomy) must be loaded. ``checkpoint`` (e.g.
    ``session.commit``) is called after each chunk to keep transactions small.
    ``min_wage`` (Beijing's monthly minimum, yuan) and ``list_size`` (postings in a nightly
    list) are the service's settings, ``BEIJING_MIN_WAGE`` and ``RECOMMENDATIONS_PER_WORKER``
    in ``api.config``: the caller passes them, so their defaults exist once.
    """
    started = time.perf_counter()
    report = progress or (lambda stage, done, total: None)
    save = checkpoint or session.flush
    offsets = {name: _max_id(session, model) for name, model in MODELS.items()}
    w_off, e_off = _max_id(session, Worker), _max_id(session, Employer)
    table = people.WorkerTable(workers, w_off)
    used = people.np.zeros(0, people.np.int64)
    for start in range(0, workers, WORKER_CHUNK):
        stop = min(workers, start + WORKER_CHUNK)
        rows, used = people.generate_chunk(table, start, stop, seed=seed, as_of=as_of, vault=vault, used_ids=used)
        _insert(session, Worker, rows)
        save()
        report("workers", stop, workers)
    del used
    n_employers = max(10, postings // 4)
    e_rows, e_place, e_cat = employers.generate_employers(n_employers, seed=seed, as_of=as_of, vault=vault,
                                                          offset=e_off)
    _insert(session, Employer, e_rows)
    save()
    posting_table = employers.generate_postings(postings, e_place, e_cat, seed=seed, as_of=as_of,
                                                min_wage=min_wage, offset=offsets["postings"],
                                                employer_offset=e_off)
    hist = history.History(table, posting_table, seed, as_of, {k: v + 1 for k, v in offsets.items()})
    lists = Exposure(hist, list_size=list_size)
    counts = dict.fromkeys(MODELS, 0)
    settle = (update(Posting.__table__).where(Posting.__table__.c.id == bindparam("pid"))
              .values(openings_left=bindparam("openings_left"), status=bindparam("status"),
                      updated_at=bindparam("updated_at")))

    def flush() -> None:
        """Insert the buffered rows, then settle the postings that can no longer hire."""
        for name, rows in hist.take_rows().items():
            _insert(session, MODELS[name], rows)
            counts[name] += len(rows)
        finished = hist.take_finished()
        if finished:
            session.execute(settle, finished)
        save()

    hist.spill = flush
    for start in range(0, postings, POSTING_CHUNK):
        stop = min(postings, start + POSTING_CHUNK)
        for j in range(start, stop):
            lists.run_until(int(posting_table.created[j]))
            hist.simulate(j)
            hist.maybe_spill()
        flush()
        report("postings", stop, postings)
    lists.run_until(as_of.toordinal())
    hist.retire(as_of.toordinal())
    flush()
    employed = [{"wid": w_off + int(i) + 1} for i in people.np.flatnonzero(hist.busy_until == history.NEVER)]
    if employed:
        stmt = update(Worker.__table__).where(Worker.__table__.c.id == bindparam("wid")).values(status="employed")
        session.execute(stmt, employed)
    _continue_sequences(session, [Worker, Employer, *MODELS.values()])
    save()
    counts["employed_workers"] = len(employed)
    counts.pop("postings")
    return WorldSummary(workers, n_employers, postings, counts, time.perf_counter() - started)
