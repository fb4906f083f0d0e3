"""P(hired | interviewed) and P(lasting | hired): own populations, calibrated, shown in words."""
from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone

from api.match_view import lasting_view
from matching.features import FEATURE_INDEX, FEATURE_NAMES
from training.calibration import expected_calibration_error, noise_floor
from training.competition import COMPETITION_NAMES, RECENT_DAYS, ApplicationTimeline
from training.dataset import PairSet, time_split
from training.probabilities import (OutcomeModels, StageProbability, calibration_lines, calibration_report,
                                    cross_fitted_report, fit_outcomes, hired, interviewed)


def _pairs(n: int, seed: int) -> PairSet:
    """Synthetic pairs whose hire and lasting chances are known logistic functions of X."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    p_hire = 1 / (1 + np.exp(-(X[:, 0] - 0.3)))
    p_last = 1 / (1 + np.exp(-(0.8 * X[:, 1] + 0.4)))
    stage = np.where(rng.random(n) < 0.5, 2, rng.integers(0, 2, n))  # half interviewed
    y = stage.copy()
    hired_now = (stage == 2) & (rng.random(n) < p_hire)
    y[hired_now] = np.where(rng.random(hired_now.sum()) < p_last[hired_now], 4, 3)
    known = np.ones(n, dtype=bool)
    known[rng.choice(np.flatnonzero(y == 3), size=min(20, int((y == 3).sum()) // 2), replace=False)] = False  # hires not 90 days old
    return PairSet(X=X, y=y, qid=np.arange(n) // 10, worker_id=np.arange(n), posting_id=np.arange(n),
                   day=np.sort(rng.integers(700_000, 700_700, n)), outcome_known=known)


def test_each_probability_has_its_own_population() -> None:
    pairs = _pairs(2000, 0)
    assert set(np.unique(pairs.y[interviewed(pairs)])) == {2, 3, 4}
    assert set(np.unique(pairs.y[hired(pairs)])) == {3, 4}
    assert not hired(pairs)[~pairs.outcome_known].any()  # a hire whose 90 days are not over
    assert interviewed(pairs)[(pairs.y == 3) & ~pairs.outcome_known].all()  # …is still a hire


def test_fitted_probabilities_are_calibrated_on_held_out_pairs() -> None:
    models = fit_outcomes(_pairs(8000, 1))
    report = calibration_report(models, _pairs(8000, 2))
    for name in ("hired_given_interview", "lasting_given_hire"):
        entry = report[name]
        assert entry["rows"] > 1000 and entry["ece"] <= 0.05
        assert abs(entry["mean_predicted"] - entry["observed_rate"]) < 0.04
    # …and informative: the lasting chance follows the feature that drives it
    X = np.zeros((2, 4))
    X[1, 1] = 2.0
    low, high = models.lasting(X)
    assert high - low > 0.15  # truth: 0.60 → 0.88


def test_an_uncalibrated_probability_has_a_large_ece() -> None:
    rng = np.random.default_rng(0)
    p = rng.random(5000)
    y = (rng.random(5000) < p).astype(int)
    assert expected_calibration_error(p, y) < 0.03
    assert expected_calibration_error(np.clip(p + 0.2, 0, 1), y) > 0.15


def test_the_estimator_follows_the_scikit_learn_contract() -> None:
    pairs = _pairs(1500, 3)
    X, y = pairs.X[hired(pairs)], (pairs.y[hired(pairs)] == 4).astype(int)
    model = StageProbability(method="sigmoid", cv=3, random_state=0)
    assert clone(model).get_params() == model.get_params()
    fitted = model.fit(X, y)
    assert fitted is model and fitted.predict_proba(X).shape == (len(X), 2)
    assert np.allclose(fitted.predict_proba(X).sum(axis=1), 1.0)
    with pytest.raises(ValueError):
        StageProbability().fit(X, np.ones(len(X), dtype=int))


def test_a_too_small_population_gets_no_model_and_no_probability() -> None:
    pairs = _pairs(100, 4)
    models = fit_outcomes(pairs)
    assert models.lasting_given_hire is None and models.lasting(pairs.X) is None and not models.complete
    assert OutcomeModels(None, None).hire(pairs.X) is None


@pytest.mark.parametrize(("p", "words"), [(0.12, "较低（12%）"), (0.41, "一般（41%）"), (0.63, "较高（63%）"),
                                          (0.85, "高（85%）")])
def test_lasting_is_shown_in_words_and_percent(p, words) -> None:
    view = lasting_view(p)
    assert view["zh"] == f"稳定就业可能性：{words}" and view["percent"] in view["en"]
    assert lasting_view(None) is None


# --- competition for the posting, the noise floor, equal-mass bins --------------------------------

def _competing_world(seed: int, postings: int = 600, days: int = 900) -> tuple[PairSet, ApplicationTimeline]:
    """Interviewed pairs whose hire chance falls with the applications pending on the posting
    per opening, and a programme whose postings draw more applications every month: the hiring
    rate drifts down over the history for a reason the pair features do not carry."""
    rng = np.random.default_rng(seed)
    created = np.sort(rng.integers(0, days, postings)) + 700_000
    openings = rng.integers(1, 4, postings)
    posting_of, made, decided = [], [], []
    for p in range(postings):
        k = rng.poisson(1 + 12 * (created[p] - 700_000) / days)
        when = created[p] + rng.integers(0, 10, k)
        posting_of += [p] * k
        made += when.tolist()
        decided += (when + rng.integers(5, 30, k)).tolist()
    timeline = ApplicationTimeline.from_rows(posting_of, made, decided)
    pid = np.repeat(np.arange(postings), 20)
    day = created[pid] + rng.integers(5, 15, len(pid))
    X = rng.normal(size=(len(pid), len(FEATURE_NAMES)))
    X[:, FEATURE_INDEX["openings_left_log"]] = np.log1p(openings[pid])
    pending, _ = timeline.counts(pid, day)
    p_hire = 1 / (1 + np.exp(-(0.8 * X[:, 0] + 1.0 - 0.4 * pending / openings[pid])))
    hired_now = rng.random(len(pid)) < p_hire
    y = np.where(hired_now, np.where(rng.random(len(pid)) < 0.6, 4, 3), 2)
    order = np.argsort(day, kind="stable")
    return PairSet(X=X[order], y=y[order], qid=np.arange(len(pid)), worker_id=np.arange(len(pid)),
                   posting_id=pid[order], day=day[order]), timeline


def test_the_timeline_counts_pending_and_recent_applications_as_of_a_day() -> None:
    # posting 7: made on days 10, 12, 20 (decided 15, never, 20); posting 8: made on day 11
    timeline = ApplicationTimeline.from_rows([7, 7, 7, 8], [10, 12, 20, 11], [15, 10**6, 20, 30])
    pending, recent = timeline.counts([7, 7, 7, 7, 7, 8, 9], [10, 11, 15, 16, 21, 12, 12])
    # not on the day it was made; still pending on the day it is decided; gone after
    assert pending.tolist() == [0, 1, 2, 1, 1, 1, 0]
    assert recent.tolist() == [0, 1, 2, 2, 3, 1, 0]
    assert timeline.counts([7], [12 + RECENT_DAYS])[1].tolist() == [2]  # day 10 has left the window
    X = np.zeros((2, len(FEATURE_NAMES)))
    X[:, FEATURE_INDEX["openings_left_log"]] = np.log1p([2, 0])
    assert timeline.competition([7, 7], [16, 16], X).tolist() == [[0.5, 1.0], [2.0, 4.0]]  # per opening left


def test_the_postings_competition_explains_a_drifting_hiring_rate() -> None:
    pairs, timeline = _competing_world(0)
    train, held_out, _ = time_split(pairs, eval_days=180)
    blind = fit_outcomes(train)
    seeing = fit_outcomes(train, timeline=timeline)
    assert blind.hire_inputs == () and seeing.hire_inputs == COMPETITION_NAMES and seeing.needs_competition
    before = calibration_report(blind, held_out)["hired_given_interview"]
    after = calibration_report(seeing, held_out, timeline)["hired_given_interview"]
    assert before["ece"] > before["ece_noise_p95"] and before["mean_predicted"] - before["observed_rate"] > 0.04
    assert after["ece"] <= 0.04 and after["ece"] < before["ece"] - 0.02
    assert abs(after["mean_predicted"] - after["observed_rate"]) < 0.03
    # the lasting model does not read the competition
    assert seeing.lasting_given_hire.n_features_in_ == len(FEATURE_NAMES)
    with pytest.raises(ValueError):
        calibration_report(seeing, held_out)  # …but the hire model cannot be evaluated without it
    with pytest.raises(ValueError):
        seeing.hire(held_out.X)
    cross = cross_fitted_report(pairs, timeline=timeline, folds=3)["hired_given_interview"]
    assert cross["rows"] == len(pairs) and cross["ece"] is not None


def test_a_model_stored_before_the_competition_still_answers(tmp_path) -> None:
    pairs = _pairs(1500, 5)
    models = fit_outcomes(pairs)
    del models.__dict__["hire_inputs"]  # an artifact pickled before the field existed
    restored = pickle.loads(pickle.dumps(models))
    assert not restored.needs_competition and restored.hire(pairs.X).shape == (len(pairs),)


def test_the_noise_floor_is_the_ece_of_a_perfectly_calibrated_model() -> None:
    rng = np.random.default_rng(3)
    p = rng.uniform(0.05, 0.95, 300)
    small, large = noise_floor(p), noise_floor(np.tile(p, 30))
    assert 0.03 < small["mean"] < 0.09 and small["p95"] > small["mean"]  # about 0.06 on 300 rows
    assert large["mean"] < small["mean"] / 3  # shrinks as 1/√rows
    honest = [expected_calibration_error(p, (rng.random(300) < p).astype(int)) for _ in range(200)]
    assert abs(np.mean(honest) - small["mean"]) < 0.01
    assert np.mean(np.array(honest) > small["p95"]) < 0.1
    shifted = np.tile(p, 30)
    y = (rng.random(len(shifted)) < np.clip(shifted - 0.1, 0, 1)).astype(int)
    assert expected_calibration_error(shifted, y) > 3 * large["p95"]


def test_equal_mass_bins_hold_equally_many_rows() -> None:
    p = np.array([0.01, 0.02, 0.03, 0.04, 0.9, 0.91, 0.92, 0.93, 0.94, 0.95])
    y = np.array([0, 0, 0, 1, 1, 1, 1, 1, 1, 0])
    # two bins of five rows: |Σp − Σy| = |1.00 − 2| and |4.65 − 4|, over 10 rows
    assert expected_calibration_error(p, y, bins=2, strategy="mass") == pytest.approx((1.0 + 0.65) / 10)
    # equal width: bin 0 holds four rows, bin 1 six
    assert expected_calibration_error(p, y, bins=2) == pytest.approx((abs(0.10 - 1) + abs(5.55 - 5)) / 10)
    with pytest.raises(ValueError):
        expected_calibration_error(p, y, strategy="quantiles")


def test_the_printed_lines_put_the_noise_floor_beside_the_ece() -> None:
    models = fit_outcomes(_pairs(3000, 6))
    report = calibration_report(models, _pairs(400, 7))
    lines = calibration_lines(report, "held-out")
    entry = report["hired_given_interview"]
    assert f"ECE {entry['ece']:.3f} on {entry['rows']} pairs" in lines[0]
    assert f"noise floor {entry['ece_noise_floor']:.3f}" in lines[1] and "equal-mass" in lines[1]
    assert 0 < entry["ece_noise_floor"] < entry["ece_noise_p95"] < 0.2


def test_the_fair_plan_reads_the_competition_from_the_applications_as_training_does(api, app, db_session) -> None:
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import select, update

    from models.placements.tables import Application, ApplicationEvent
    from tests.factories import worker_payload
    from tests.fairs.test_fair_plans import URL, _fair_with_capacity
    from tests.placements.placement_helpers import move, refer
    from training import registry
    from training.ranker import Ranker

    fid, postings, _ = _fair_with_capacity(api, [2, 2], [3, 3], attendees=3)
    others = [api.post("bureau", "/api/v1/workers", json=worker_payload(seq=seq)).get_json()["id"]
              for seq in range(600, 605)]
    crowded, quiet = postings
    applications = [refer(api, w, crowded).get_json()["id"] for w in others[:4]]
    decided = refer(api, others[4], quiet).get_json()["id"]
    assert move(api, decided, "rejected", reason={"code": "lacking_skills"}).status_code == 200
    two_days_ago = datetime.now(timezone.utc) - timedelta(days=2)
    db_session.execute(update(Application).where(Application.id.in_([*applications, decided]))
                       .values(created_at=two_days_ago))
    db_session.execute(update(ApplicationEvent).where(ApplicationEvent.application_id == decided)
                       .values(at=two_days_ago + timedelta(hours=1)))
    db_session.commit()
    today = datetime.now(timezone.utc).date().toordinal() + 1  # CST may be a day ahead: any later day works
    pending, recent = ApplicationTimeline.load(db_session).counts([crowded, quiet], [today, today])
    assert pending.tolist() == [4, 0] and recent.tolist() == [4, 1]
    assert ApplicationTimeline.load(db_session, [quiet]).counts([crowded, quiet], [today, today])[1].tolist() == [0, 1]

    # a hire model that learned: the more applications pending per opening, the fewer hires
    rng = np.random.default_rng(0)
    X = rng.random((3000, len(FEATURE_NAMES)))
    competition = rng.uniform(0, 3, (3000, 2))
    ranker = Ranker(max_iter=5, min_samples_leaf=5, random_state=0).fit(X, (X[:, 0] * 4).astype(int),
                                                                         qid=np.arange(3000) // 10)
    hire = (rng.random(3000) < 0.85 - 0.3 * competition[:, 0]).astype(int)  # 0.85 alone, 0.25 at 2 per opening
    lasting = (rng.random(3000) < 0.6).astype(int)
    def fitted(inputs: np.ndarray, outcome: np.ndarray) -> StageProbability:
        return StageProbability(method="sigmoid", cv=3, random_state=0).fit(inputs, outcome)

    outcomes = OutcomeModels(fitted(np.column_stack([X, competition]), hire), fitted(X, lasting),
                             hire_inputs=COMPETITION_NAMES)
    row = registry.register(db_session, key=app.config["MODEL_SIGNING_KEY"], estimator=ranker, calibrator=None,
                            feature_names=FEATURE_NAMES, reference=np.median(X, axis=0), metrics={},
                            trained_from=None, trained_to=None, evaluated_to=None, outcomes=outcomes)
    registry.activate(db_session, row.version)
    db_session.commit()
    plan = api.post("admin", f"{URL}/{fid}/plan", json={"limit": 2}).get_json()
    hired_at = {pid: [i["p_hired"] for i in plan["interviews"] if i["posting_id"] == pid] for pid in postings}
    assert hired_at[crowded] and hired_at[quiet]
    # 4 pending per 2 openings (2.0) against none: the crowded posting's interviews hire less often
    assert max(hired_at[crowded]) < min(hired_at[quiet]) - 0.2
    assert all(i["p"] == pytest.approx(i["p_hired"] * i["p_lasting"]) for i in plan["interviews"])


def test_competition_on_a_day_never_depends_on_later_applications() -> None:
    rng = np.random.default_rng(8)
    posting = rng.integers(0, 30, 2000)
    made = rng.integers(0, 400, 2000)
    decided = np.where(rng.random(2000) < 0.1, 10**6, made + rng.integers(0, 60, 2000))
    full = ApplicationTimeline.from_rows(posting, made, decided)
    cut = 250
    known = made < cut  # what was on record on day ``cut``: later decisions not yet made
    then = ApplicationTimeline.from_rows(posting[known], made[known],
                                         np.where(decided[known] < cut, decided[known], 10**6))
    ask_p, ask_day = rng.integers(0, 30, 500), rng.integers(0, cut + 1, 500)
    assert all(np.array_equal(a, b) for a, b in zip(full.counts(ask_p, ask_day), then.counts(ask_p, ask_day)))


def test_training_gives_the_stored_hire_model_the_competition(tmp_path) -> None:
    from datetime import date

    from api.config import Config
    from models.access.pii import PiiKeys, PiiVault
    from models.db.base import make_engine, session_scope
    from seed.reference import prepare_database
    from seed.world import generate_world
    from training import registry
    from training.pipeline import train

    factory = prepare_database(make_engine(f"sqlite:///{tmp_path / 'w.db'}"))
    as_of = date(2026, 3, 2)
    with session_scope(factory) as session:
        generate_world(session, PiiVault(PiiKeys.generate()), workers=1200, postings=200, seed=11, as_of=as_of,
                       min_wage=Config.BEIJING_MIN_WAGE, list_size=Config.RECOMMENDATIONS_PER_WORKER)
        run = train(session, as_of=as_of, key="k", eval_days=180)
        stored = registry.load(run.model, key="k").outcomes
        assert stored.hire_inputs == COMPETITION_NAMES and run.timeline is not None
        entry = run.report["calibration"]["hired_given_interview"]
        assert entry["rows"] > 100 and 0 < entry["ece_noise_floor"] < entry["ece_noise_p95"]
        # what training read for its held-out pairs, the service reads from the same table
        held_out = run.evaluation
        mask = interviewed(held_out)
        competition = ApplicationTimeline.load(session).competition(held_out.posting_id[mask], held_out.day[mask],
                                                                    held_out.X[mask])
        p = stored.hire(held_out.X[mask], competition)
        assert expected_calibration_error(p, (held_out.y[mask] >= 3).astype(int)) == pytest.approx(entry["ece"])
        assert competition[:, 0].max() > 0  # some postings had applications pending
