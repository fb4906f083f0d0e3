"""The streamed, partitioned nightly refresh on a small synthetic world: the same lists as
ranking everyone at once, every posting cap held by the priced allocation, and the same
lists again when the partitions run as Dask tasks."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from sqlalchemy import select

from api.config import Config
from matching.capacity import capacity_aware_top_k, recommendation_caps
from matching.rank import rank_postings_for_worker
from models import clock
from models.placements.tables import Recommendation
from models.scheduling.runner import run_job
from models.workers.tables import Worker
from tests.factories import seed_world
from tests.conftest import ENC_KEY, INDEX_KEY
from training.loading import worker_profiles
from training.recommend import CANDIDATES, pending_applications
from training.scoring import heuristic_scorer, load_open_postings

TODAY = clock.today()
K = Config.RECOMMENDATIONS_PER_WORKER


@pytest.fixture
def world(app):
    seed_world(app, workers=400, postings=1000, seed=11, as_of=TODAY)
    return app


def run(app, **config):
    return run_job("recommendations", sessions=app.extensions["jm.sessions"], engine=app.extensions["jm.engine"],
                   config={**app.config, **config}, today=TODAY, vault=app.extensions["jm.vault"], holder="t")


def stored_lists(app) -> dict[int, list[tuple[int, float]]]:
    with app.extensions["jm.sessions"]() as session:
        rows = session.scalars(select(Recommendation).where(Recommendation.batch == TODAY.isoformat())
                               .order_by(Recommendation.worker_id, Recommendation.rank)).all()
        out: dict[int, list[tuple[int, float]]] = {}
        for r in rows:
            out.setdefault(r.worker_id, []).append((r.posting_id, r.score))
        return out


def everyone_at_once(app) -> dict[int, list[tuple[int, float]]]:
    """The refresh as it was before partitions: every seeking worker loaded at once, ranked
    one by one with ``rank_postings_for_worker``, one LP over every candidate pair."""
    scorer = heuristic_scorer()
    with app.extensions["jm.sessions"]() as session:
        batch = load_open_postings(session, today=TODAY).batch
        pending = pending_applications(session, batch.posting_ids)
        workers = worker_profiles(session, session.scalars(select(Worker).where(
            Worker.status == "seeking", Worker.erased_at.is_(None), Worker.profile_complete.is_(True))
            .order_by(Worker.id)).all(), as_of=TODAY)
    position = {int(p): i for i, p in enumerate(batch.posting_ids)}
    lists = []
    for w in workers:
        results = rank_postings_for_worker(w, batch, scorer.score, TODAY, CANDIDATES, top_k_reasons=0,
                                           reference=scorer.reference, shortlist=scorer.shortlist)
        lists.append((np.array([position[r.posting_id] for r in results], dtype=np.int64),
                      np.clip(scorer.probability(np.array([r.model_score for r in results])), 1e-6, 1.0)))
    chosen = capacity_aware_top_k(lists, batch.openings_left.astype(np.int64), pending, K)
    return {w.worker_id: [(int(batch.posting_ids[j]), float(s)) for j, s in zip(p, sc)]
            for w, p, sc in zip(workers, chosen.postings, chosen.scores) if len(p)}


def assert_same_lists(got, want) -> None:
    assert got.keys() == want.keys()
    for worker, expected in want.items():
        assert [p for p, _ in got[worker]] == [p for p, _ in expected], worker
        assert np.allclose([s for _, s in got[worker]], [s for _, s in expected])


def test_the_streamed_refresh_stores_the_lists_of_ranking_everyone_at_once(world):
    want = everyone_at_once(world)
    result = run(world, NIGHTLY_PARTITION_SIZE=37)
    assert result.status == "ok", result.error
    assert result.counts["partitions"] > 3 and result.counts["allocation"] == "exact_lp"
    assert len(want) > 50 and sum(map(len, want.values())) > 200
    assert_same_lists(stored_lists(world), want)


def test_the_priced_allocation_keeps_every_posting_cap_over_the_night(world):
    result = run(world, NIGHTLY_PARTITION_SIZE=50, NIGHTLY_EXACT_PAIRS=0)
    assert result.status == "ok", result.error
    assert result.counts["allocation"] == "priced" and result.counts["allocation_gap_bound"] < 0.2
    with world.extensions["jm.sessions"]() as session:
        batch = load_open_postings(session, today=TODAY).batch
        caps = recommendation_caps(batch.openings_left, pending_applications(session, batch.posting_ids))
    shown = np.zeros(len(caps), dtype=np.int64)
    position = {int(p): i for i, p in enumerate(batch.posting_ids)}
    lists = stored_lists(world)
    for postings in lists.values():
        assert len(postings) <= K and len({p for p, _ in postings}) == len(postings)
        for p, _ in postings:
            shown[position[p]] += 1
    assert (shown <= caps).all() and (shown == caps).any()  # some caps bind, none is exceeded
    assert result.counts["after_max_per_opening"] <= result.counts["before_max_per_opening"]


def test_partitions_ranked_as_dask_tasks_give_the_same_lists(world):
    distributed = pytest.importorskip("distributed")
    single = run(world, NIGHTLY_PARTITION_SIZE=60)
    assert single.status == "ok", single.error
    want = stored_lists(world)
    with world.extensions["jm.sessions"]() as session:
        session.execute(Recommendation.__table__.delete().where(Recommendation.batch == TODAY.isoformat()))
        session.commit()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        on_dask = run(world, NIGHTLY_PARTITION_SIZE=60, DASK_SCHEDULER_ADDRESS=cluster.scheduler_address)
    assert on_dask.status == "ok", on_dask.error
    assert on_dask.counts["recommendations"] == single.counts["recommendations"] > 0
    assert_same_lists(stored_lists(world), want)


def test_without_a_scheduler_address_nothing_of_dask_is_imported(world, database):
    if database.backend != "sqlite":
        pytest.skip("one backend is enough: this checks the process, not the database")
    script = textwrap.dedent("""
        import sys
        from api.cli import main
        sys.argv = ["jingmeng", "jobs", "run", "recommendations"]
        try:
            main()
        except SystemExit as stop:
            assert not stop.code, stop.code
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("dask", "distributed"))
        print("DASK-MODULES", loaded)
    """)
    env = {**os.environ, "DATABASE_URL": database.url, "PII_ENC_KEY": ENC_KEY, "PII_INDEX_KEY": INDEX_KEY,
           "MODEL_SIGNING_KEY": INDEX_KEY, "LOG_LEVEL": "WARNING", "PYTHONPATH": os.getcwd()}
    env.pop("DASK_SCHEDULER_ADDRESS", None)
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "DASK-MODULES []" in done.stdout
    with world.extensions["jm.sessions"]() as session:
        assert session.scalar(select(Recommendation.id).where(Recommendation.batch == TODAY.isoformat()))
