"""The training pipeline on a small synthetic world: report, exported dataset, signed registry."""
from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest
from sqlalchemy import select

from api.config import Config
from matching.features import FEATURE_NAMES
from models.db.base import make_engine, session_scope
from models.access.pii import PiiKeys, PiiVault
from models.postings.tables import Posting
from models.rankers.tables import ModelVersion
from models.workers.tables import Worker
from seed.reference import prepare_database
from seed.world import generate_world, true_stability
from training import registry
from training.evaluate import DIRECTIONS
from training.pipeline import train
from training.loading import posting_profile, worker_profiles

AS_OF = date(2026, 3, 2)
SEED = 5
KEY = "test-signing-key"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('training') / 'w.db'}")
    factory = prepare_database(engine)
    with session_scope(factory) as session:
        generate_world(session, PiiVault(PiiKeys.generate()), workers=1500, postings=250, seed=SEED, as_of=AS_OF,
                       min_wage=Config.BEIJING_MIN_WAGE, list_size=Config.RECOMMENDATIONS_PER_WORKER)
    return factory


@pytest.fixture()
def session(world):
    with session_scope(world) as s:
        yield s
        s.rollback()  # every test starts from the bare world: no model versions


def truth(session):  # noqa: ANN001, ANN201 - a training.evaluate.Truth
    def p(worker_id: int, posting_id: int) -> float:
        worker = worker_profiles(session, [session.get(Worker, worker_id)], as_of=AS_OF)[0]
        return true_stability(worker, posting_profile(session.get(Posting, posting_id)), world_seed=SEED)

    return p


@pytest.fixture()
def run(session, tmp_path):
    return train(session, as_of=AS_OF, key=KEY, eval_days=180, truth=truth(session), export_dir=tmp_path / "ds")


def test_train_stores_a_candidate_with_both_directions_and_the_ground_truth_rate(session, run) -> None:
    row = session.scalar(select(ModelVersion).where(ModelVersion.version == run.model.version))
    assert row.status == "candidate" and row.feature_names == list(FEATURE_NAMES)
    scorers = row.metrics["scorers"]
    assert set(scorers) == {"ranker", "heuristic"}
    for entry in scorers.values():
        for direction in DIRECTIONS:
            assert 0.0 < entry[direction]["ndcg@10"] <= 1.0 and 0.0 < entry[direction]["mrr"] <= 1.0
        assert 0.0 < entry["stable_rate"]["top1"] < 1.0 and 0.0 < entry["stable_rate"]["top5"] < 1.0
    assert set(row.metrics["ndcg@10_ratio_vs_heuristic"]) == set(DIRECTIONS)
    assert row.trained_to < row.evaluated_to and row.metrics["train_pairs"] == len(run.train)


def test_exported_dataset_is_dense_with_labels_lists_and_feature_names(run, tmp_path) -> None:
    directory = tmp_path / "ds"
    assert json.loads((directory / "feature_names.json").read_text()) == list(FEATURE_NAMES)
    for name, pairs in (("train.npz", run.train), ("eval.npz", run.evaluation)):
        data = np.load(directory / name)
        X, y, qid = data["X"], data["y"], data["qid"]
        assert X.dtype == np.float64 and X.shape == (len(pairs), len(FEATURE_NAMES)) and np.isfinite(X).all()
        assert len(y) == len(qid) == len(X) and set(np.unique(y)) <= {0, 1, 2, 3, 4}
        assert np.array_equal(y, pairs.y) and np.array_equal(qid, pairs.qid)
    # jobs-for-a-worker queries are the lists workers were shown: one worker each, mostly several postings
    data = np.load(directory / "train.npz")
    workers_per_list = {q: len(set(data["worker_id"][data["qid"] == q])) for q in np.unique(data["qid"])[:300]}
    assert set(workers_per_list.values()) == {1}
    sizes = np.unique(data["qid"], return_counts=True)[1]
    assert np.mean(sizes[sizes > 1]) >= 4 and (sizes > 1).sum() > 100


def test_the_ranker_beats_the_heuristic_on_lasting_placements(run) -> None:
    ranker, heuristic = run.report["scorers"]["ranker"], run.report["scorers"]["heuristic"]
    # The logged lists no longer flatter the ranker (features as at first contact): on this
    # small world it must still pick more lasting jobs than the heuristic.
    assert ranker["stable_rate"]["top1"] > heuristic["stable_rate"]["top1"]
    assert ranker["jobs_for_worker"]["ndcg@10"] > heuristic["jobs_for_worker"]["ndcg@10"]
    assert ranker["workers_for_job"]["mrr"] > heuristic["workers_for_job"]["mrr"]


def test_a_tampered_artifact_is_refused(session, run) -> None:
    row = run.model
    assert registry.load(row, key=KEY).feature_names == FEATURE_NAMES
    with pytest.raises(registry.ArtifactRefused):
        registry.load(row, key="another-key")
    artifact = bytearray(row.artifact)
    artifact[len(artifact) // 2] ^= 0x01
    row.artifact = bytes(artifact)
    session.flush()
    with pytest.raises(registry.ArtifactRefused):
        registry.load(session.get(ModelVersion, row.id), key=KEY)


def test_a_model_of_other_features_is_refused_and_ranking_falls_back_to_the_heuristic(session, run) -> None:
    """A model trained before a feature was added scores other columns: the service answers
    with the heuristic and says why instead of failing every request."""
    from training.scoring import ScorerCache

    old = registry.register(
        session, key=KEY, estimator=registry.load(run.model, key=KEY).estimator, calibrator=None,
        feature_names=FEATURE_NAMES[:-1], reference=None, metrics={}, trained_from=AS_OF, trained_to=AS_OF,
        evaluated_to=AS_OF)
    with pytest.raises(registry.ArtifactRefused, match="other features"):
        registry.load(old, key=KEY)
    registry.activate(session, old.version)
    scorer = ScorerCache(KEY).current(session)
    assert scorer.name == "heuristic" and "could not be loaded" in scorer.fallback_reason


def test_activate_and_rollback_switch_the_active_version(session, run) -> None:
    first = run.model.version
    loaded = registry.load(run.model, key=KEY)
    second = registry.register(session, key=KEY, estimator=loaded.estimator, calibrator=loaded.calibrator,
                               feature_names=FEATURE_NAMES, reference=loaded.reference, metrics=run.report,
                               trained_from=None, trained_to=None, evaluated_to=None).version
    assert registry.active(session) is None
    registry.activate(session, first)
    assert registry.active(session).version == first
    registry.activate(session, second)
    assert registry.active(session).version == second
    assert session.scalar(select(ModelVersion.status).where(ModelVersion.version == first)) == "retired"
    assert registry.rollback(session).version == first
    assert registry.active(session).version == first
    assert session.scalar(select(ModelVersion.status).where(ModelVersion.version == second)) == "retired"
    with pytest.raises(LookupError):
        registry.activate(session, "v999-none")


def test_weekly_retraining_keeps_a_recent_model_and_promotes_only_a_better_one(session) -> None:
    from datetime import timedelta

    from training.pipeline import retrain_and_promote

    first = retrain_and_promote(session, as_of=AS_OF, key=KEY)
    assert first["promoted"] is True and registry.active(session).version == first["trained"]
    assert retrain_and_promote(session, as_of=AS_OF, key=KEY)["trained"] is None  # trained days ago: kept
    active = registry.active(session)
    active.created_at = active.created_at - timedelta(days=7)
    session.flush()
    again = retrain_and_promote(session, as_of=AS_OF, key=KEY)
    # Same data and seed: the candidate ties the active model, and a tie is not an improvement.
    assert again["trained"] != first["trained"] and again["promoted"] is False
    assert again["ndcg@10_new"] == again["ndcg@10_active"]
    assert registry.active(session).version == first["trained"]


def test_employer_retention_of_a_training_pair_is_what_was_known_at_its_first_contact(session) -> None:
    """Hires after a pair's first contact (its own among them) must not reach its features:
    turning every placement that started after a cut into one that ended after ten days
    leaves the pairs before the cut unchanged."""
    from datetime import timedelta

    from matching.features import FEATURE_INDEX
    from models.placements.tables import Placement
    from training.stream import build_pairs

    column = FEATURE_INDEX["employer_retention"]
    before = build_pairs(session, as_of=AS_OF)
    cut = AS_OF - timedelta(days=270)
    early = before.day < (cut - timedelta(days=30)).toordinal()
    assert early.sum() > 100 and (~early).sum() > 100
    for placement in session.scalars(select(Placement).where(Placement.start_date > cut)):
        placement.end_date = placement.start_date + timedelta(days=10)
    session.flush()
    after = build_pairs(session, as_of=AS_OF)
    order_b = np.lexsort((before.posting_id, before.worker_id))
    order_a = np.lexsort((after.posting_id, after.worker_id))
    assert np.array_equal(before.worker_id[order_b], after.worker_id[order_a])
    kept = early[order_b]
    np.testing.assert_allclose(after.X[order_a][kept, column], before.X[order_b][kept, column])
    # and the retention does vary over time: later pairs saw hires the early ones did not
    assert not np.allclose(after.X[order_a][~kept, column], before.X[order_b][~kept, column])


def test_the_employer_history_of_training_pairs_is_the_one_serving_computes(session) -> None:
    """Training reads the employer's history as of each month from arrays, serving asks the
    database as of today: on any day both give the same hires, lasting hires, times shown
    and applications (so a feature means the same thing in both)."""
    from datetime import timedelta

    from training.loading import employer_activity, employer_retention

    activity = employer_activity(session, batch=997)
    for back in (0, 45, 200, 400):
        day = AS_OF - timedelta(days=back)
        served = employer_retention(session, as_of=day)
        assert activity.as_of(day) == served
        assert sum(r.shown for r in served.values()) > 0 or back == 400
    assert sum(r.applied for r in employer_retention(session, as_of=AS_OF).values()) > 100
