"""A large night in bounded memory: the candidate lists spilled to disk read back as they
were written and removed after the run, and the congestion figures added up partition by
partition agree with the exact report on the same lists."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from api.config import Config
from matching.congestion import congestion_report
from matching.pricing import PartitionLists
from models import clock
from models.placements.tables import Recommendation
from models.scheduling.runner import run_job
from tests.factories import seed_world
from training.recommend import CandidateStore, RankedPartition
from training.scoring import load_open_postings

TODAY = clock.today()
K = Config.RECOMMENDATIONS_PER_WORKER


@pytest.fixture
def world(app):
    seed_world(app, workers=300, postings=600, seed=5, as_of=TODAY)
    return app


def test_the_candidate_store_reads_back_each_partition_and_removes_its_files_on_close(tmp_path):
    rng = np.random.default_rng(3)
    written = []
    with CandidateStore(str(tmp_path)) as store:
        for n in (4, 0, 7):
            counts = rng.integers(0, 30, n)
            indptr = np.r_[0, np.cumsum(counts)].astype(np.int64)
            ranked = RankedPartition(rng.integers(1, 10**6, n).astype(np.int64),
                                     PartitionLists(indptr, rng.integers(0, 20_000, indptr[-1]).astype(np.int32),
                                                    rng.random(indptr[-1])))
            store.append(ranked)
            written.append(ranked)
        assert len(store) == 3 and store.n_workers == 11 and store.n_pairs == sum(len(r.lists.p) for r in written)
        assert any(tmp_path.iterdir())
        for got, want in zip(store, written):
            assert np.array_equal(got.worker_ids, want.worker_ids)
            assert np.array_equal(got.lists.indptr, want.lists.indptr)
            assert np.array_equal(got.lists.posting, want.lists.posting) and got.lists.posting.dtype == np.int32
            assert np.array_equal(got.lists.p, want.lists.p)
        assert np.array_equal(store[-1].worker_ids, written[-1].worker_ids)
    assert not any(tmp_path.iterdir())


def test_a_priced_night_reports_the_congestion_of_its_stored_lists(world, monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the job's spill files land here
    result = run_job("recommendations", sessions=world.extensions["jm.sessions"],
                     engine=world.extensions["jm.engine"],
                     config={**world.config, "NIGHTLY_PARTITION_SIZE": 40, "NIGHTLY_EXACT_PAIRS": 0},
                     today=TODAY, vault=world.extensions["jm.vault"], holder="t")
    assert result.status == "ok", result.error
    counts = result.counts
    assert counts["allocation"] == "priced" and counts["partitions"] > 3
    assert not list(Path(tmp_path).iterdir())  # the spilled lists are gone with the run
    with world.extensions["jm.sessions"]() as session:
        batch = load_open_postings(session, today=TODAY).batch
        rows = session.execute(select(Recommendation.worker_id, Recommendation.posting_id, Recommendation.score)
                               .where(Recommendation.batch == TODAY.isoformat())).all()
    position = {int(p): i for i, p in enumerate(batch.posting_ids)}
    workers = {w: i for i, w in enumerate(sorted({r.worker_id for r in rows}))}
    exact = congestion_report(np.array([workers[r.worker_id] for r in rows]),
                              np.array([position[r.posting_id] for r in rows]),
                              np.array([r.score for r in rows]), batch.openings_left)
    assert counts["after_n_pairs"] == exact.n_pairs == len(rows) > 200
    assert counts["after_max_per_opening"] == round(exact.max_per_opening, 2)
    assert counts["after_gini_per_opening"] == round(exact.gini_per_opening, 4)
    assert counts["after_share_postings_without_candidate"] == round(exact.share_without_candidate, 4)
    # the priced hire assignment is feasible (never above the LP) and within its stated bound
    lasting, bound = counts["after_expected_lasting"], counts["expected_lasting_gap_bound"]
    assert lasting <= exact.expected_lasting_placements + 0.01
    assert lasting >= (1 - bound) * exact.expected_lasting_placements - 0.01
    assert bound < 0.2


def test_a_night_killed_midway_leaves_a_spill_the_next_night_removes(tmp_path) -> None:
    import socket
    import subprocess
    import sys

    from training.recommend import SPILL_PREFIX

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a process id that no longer runs (as after kill -9)
    dead, live, elsewhere, foreign = (tmp_path / f"{SPILL_PREFIX}{n}" for n in ("dead", "live", "other", "x"))
    for path, owner in ((dead, f"{socket.gethostname()} {gone.pid}"), (live, f"{socket.gethostname()} {os.getpid()}"),
                        (elsewhere, f"another-host {gone.pid}")):
        path.mkdir()
        (path / "owner").write_text(owner)
        (path / "partition-000000.npz").write_bytes(b"spilled lists")
    foreign.mkdir()  # no owner file: not made by a night, left alone
    with CandidateStore(directory=str(tmp_path)) as store:
        assert not dead.exists() and live.exists() and elsewhere.exists() and foreign.exists()
        mine = Path(store._dir.name)
        assert (mine / "owner").read_text() == f"{socket.gethostname()} {os.getpid()}"
    assert not mine.exists()
