"""Counterfactual evaluation: every eligible open posting, the world's truth, the bounds."""
from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from api.config import Config
from matching.constraints import violated_constraints
from matching.features import FEATURE_NAMES
from matching.heuristic import heuristic_scores
from models.access.pii import PiiKeys, PiiVault
from models.db.base import make_engine, session_scope
from seed.reference import prepare_database
from seed.world import generate_world, true_stability
from training import counterfactual
from training.counterfactual import CounterfactualSet

AS_OF = date(2026, 3, 2)
SEED = 7


def truth(worker, posting, *, noise: bool = True) -> float:  # noqa: ANN001 - profiles
    return true_stability(worker, posting, world_seed=SEED, noise=noise)


@pytest.fixture(scope="module")
def cf_set(tmp_path_factory) -> CounterfactualSet:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('cf') / 'w.db'}")
    factory = prepare_database(engine)
    with session_scope(factory) as session:
        generate_world(session, PiiVault(PiiKeys.generate()), workers=1200, postings=300, seed=SEED, as_of=AS_OF,
                       min_wage=Config.BEIJING_MIN_WAGE, list_size=Config.RECOMMENDATIONS_PER_WORKER)
    with session_scope(factory) as session:
        return counterfactual.build_set(session, truth, day=AS_OF, workers=800, seed=1)


def test_the_set_holds_only_eligible_pairs_of_seeking_workers_with_their_truth(cf_set) -> None:
    assert len(cf_set) > 500 and len(np.unique(cf_set.group)) > 60 and cf_set.n_postings > 5
    assert np.all((cf_set.truth > 0) & (cf_set.truth < 1))
    assert not np.allclose(cf_set.truth, cf_set.truth_noise_free)  # the noise term is left out
    assert cf_set.X.shape == (len(cf_set), len(FEATURE_NAMES)) and np.isfinite(cf_set.X).all()


def test_a_worker_is_ranked_against_every_eligible_posting() -> None:
    from matching.batches import PostingBatch
    from matching.profiles import PostingProfile, SkillRequirement, WorkerProfile, WorkerSkill

    def posting(pid: int, **kw) -> PostingProfile:  # noqa: ANN003
        base = dict(posting_id=pid, employer_id=1, occupation_code="4-07-05-01", district_code="110105",
                    openings=2, openings_left=2, wage_min=5000, wage_max=6000, provides_dormitory=True,
                    provides_meals=True, social_insurance=True, age_min=18, age_max=55, education_min="none",
                    required_skills=(), preferred_skills=(), languages=("zh",), contract_months=12,
                    start_date=AS_OF, expires_on=date(2026, 6, 1))
        return PostingProfile(**{**base, **kw})

    worker = WorkerProfile(worker_id=9, county_code="150921", birth_date=date(1990, 5, 1), poverty_status="none",
                           languages=("zh",), education="junior", skills=(WorkerSkill("security", 2, True),),
                           preferred_occupations=("4-07-05-01",), destinations=("beijing",),
                           expected_monthly_wage=5000, needs_dormitory=True, available_from=AS_OF,
                           paired_districts=("110105",))
    postings = [posting(1), posting(2, wage_min=7000, wage_max=8000), posting(3, district_code="150921"),
                posting(4, required_skills=(SkillRequirement("electrician", 2, True),)), posting(5, age_max=30)]
    cf = counterfactual.pairs_of([worker], PostingBatch.from_profiles(postings), truth, day=AS_OF)
    eligible = [p.posting_id for p in postings if not violated_constraints(worker, p, AS_OF)]
    assert sorted(cf.posting_id.tolist()) == eligible == [1, 2]


def test_the_report_bounds_a_ranker_between_random_and_the_oracle(cf_set) -> None:
    rep = counterfactual.report({"heuristic": heuristic_scores}, cf_set)
    assert rep["workers"] > 50 and rep["eligible_pairs"] <= len(cf_set)
    for k in ("top1", "top5"):
        entry = rep["top_k"][k]
        assert entry["random"] < entry["ceiling"] <= entry["oracle"]
        assert entry["random"] < entry["heuristic"] < entry["oracle"]
        assert entry["share_of_gain"]["heuristic"] == pytest.approx(
            (entry["heuristic"] - entry["random"]) / (entry["ceiling"] - entry["random"]))
    assert rep["top_k"]["top1"]["ceiling"] > rep["top_k"]["top5"]["ceiling"]  # the best job first
    assert any("ceiling" in line and "heuristic" in line for line in counterfactual.lines(rep))


def test_ranking_by_the_noise_free_truth_captures_the_whole_gain_and_its_reverse_loses() -> None:
    rng = np.random.default_rng(0)
    group = np.repeat(np.arange(50), 8)
    p0 = rng.uniform(0.1, 0.9, len(group))
    p = np.clip(p0 + rng.normal(0, 0.05, len(group)), 0.01, 0.99)
    X = np.column_stack([p0, rng.random(len(group))])
    cf = CounterfactualSet(day=AS_OF, X=X, group=group, worker_id=group, posting_id=np.arange(len(group)),
                           truth=p, truth_noise_free=p0, n_postings=8)
    rep = counterfactual.report({"knows": lambda X: X[:, 0], "backwards": lambda X: -X[:, 0],
                                 "blind": lambda X: X[:, 1]}, cf)
    for k in ("top1", "top5"):
        share = rep["top_k"][k]["share_of_gain"]
        assert share["knows"] == pytest.approx(1.0) and share["backwards"] < 0 and share["oracle"] >= 1.0
        assert abs(share["blind"]) < 0.5
    assert rep["top_k"]["top1"]["random"] == pytest.approx(np.mean([p[group == g].mean() for g in range(50)]))


def test_the_report_says_when_one_posting_is_most_workers_best_job() -> None:
    """Posting 7 is the best of three for 30 of 40 workers: the report names it and its share."""
    group = np.repeat(np.arange(40), 3)
    posting = np.tile([5, 6, 7], 40)
    p0 = np.where(posting == 7, 0.8, 0.3)
    p0[np.flatnonzero(group >= 30)[::3]] = 0.9  # workers 30..39 like posting 5 best
    cf = CounterfactualSet(day=AS_OF, X=np.zeros((len(group), 1)), group=group, worker_id=group,
                           posting_id=posting, truth=p0, truth_noise_free=p0, n_postings=3)
    c = counterfactual.report({"blind": lambda X: np.zeros(len(X))}, cf)["ceiling_top1_concentration"]
    assert c == {"posting_id": 7, "workers": 30, "share": 0.75, "distinct_postings": 2}
    assert any("id 7" in line and "75%" in line for line in counterfactual.lines(counterfactual.report({}, cf)))
