"""The training set built in streamed partitions on a small synthetic world: the same rows,
features, labels and lists as the whole history built at once (the build before partitions,
kept here as the reference), whatever the partition size, in one process or as Dask tasks;
and ignored pairs sampled with weights in the training period only."""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import date, timedelta

import numpy as np
import pytest
from sqlalchemy import select

from matching.batches import PostingBatch, WorkerBatch, shrunk_interest, shrunk_retention
from matching.features import FEATURE_INDEX, FEATURE_NAMES, pair_features
from models.placements.tables import Application, ApplicationEvent, Placement, Recommendation
from models.postings.tables import Posting
from models.workers.tables import Worker
from tests.factories import seed_world
from training.dataset import PairSet, time_split
from training.loading import (RETENTION_DAYS, combined_experience, employer_retention, months_worked, paired_districts,
                              posting_profile, work_spells, worker_profile)
from training.stream import BuildSettings, build_pairs, build_sets

AS_OF = date(2026, 3, 2)
EVAL_DAYS = 180


@pytest.fixture
def world(app):
    return seed_world(app, workers=500, postings=120, seed=4, as_of=AS_OF)


def whole_history_at_once(session) -> PairSet:
    """The build before partitions (main at 0847c21): every recommendation, application,
    event and placement read at once, then one feature matrix for all pairs."""
    pairs: dict[tuple[int, int], tuple[int, int]] = {}

    def seen(key, label, day):
        old = pairs.get(key)
        pairs[key] = (max(label, old[0]), min(day.toordinal(), old[1])) if old else (label, day.toordinal())

    first_rec = {}
    for w, p, at, batch in session.execute(select(Recommendation.worker_id, Recommendation.posting_id,
                                                  Recommendation.created_at, Recommendation.batch)
                                           .order_by(Recommendation.id)):
        seen((w, p), 0, at.date())
        if (w, p) not in first_rec or at.date().toordinal() < first_rec[(w, p)][0]:
            first_rec[(w, p)] = (at.date().toordinal(), batch)
    apps, unknown = {}, set()
    for app_id, w, p, at, state in session.execute(select(Application.id, Application.worker_id,
                                                          Application.posting_id, Application.created_at,
                                                          Application.state)):
        apps[app_id] = (w, p)
        seen((w, p), 1, at.date())
        if state in ("referred", "interviewing"):
            unknown.add((w, p))
    stage = {"referred": 1, "interviewing": 2, "hired": 3}
    for app_id, to_state, at in session.execute(select(ApplicationEvent.application_id,
                                                       ApplicationEvent.to_state, ApplicationEvent.at)):
        if to_state in stage and app_id in apps:
            seen(apps[app_id], stage[to_state], at.date())
    for w, p, start, end in session.execute(select(Placement.worker_id, Placement.posting_id,
                                                   Placement.start_date, Placement.end_date)
                                            .where(Placement.posting_id.is_not(None))):
        if AS_OF - start < timedelta(days=RETENTION_DAYS):
            unknown.add((w, p))
        seen((w, p), 4 if (end or AS_OF) - start >= timedelta(days=RETENTION_DAYS) else 3, start)
    horizon = (AS_OF - timedelta(days=RETENTION_DAYS)).toordinal()
    kept = {k: v for k, v in pairs.items() if v[1] <= horizon}
    batches = {k: first_rec[k][1] for k in kept if k in first_rec and first_rec[k][0] == kept[k][1]}

    keys = sorted(kept, key=lambda k: (kept[k][1], k))
    paired = paired_districts(session)
    workers = {w.id: w for w in session.scalars(select(Worker))}
    postings = {p.id: dataclasses.replace(posting_profile(p), openings_left=p.openings, status="open")
                for p in session.scalars(select(Posting))}
    keys = [k for k in keys if k[0] in workers and k[1] in postings]
    worker_ids = sorted({w for w, _ in keys})
    posting_ids = sorted({p for _, p in keys})
    spells = work_spells(session, worker_ids, as_of=AS_OF)
    w_list = [worker_profile(workers[w], paired) for w in worker_ids]
    p_list = [postings[p] for p in posting_ids]
    pb = PostingBatch.from_profiles(p_list)
    wb = WorkerBatch.from_profiles(w_list, pb)
    wi = np.array([worker_ids.index(w) for w, _ in keys])
    pi = np.array([posting_ids.index(p) for _, p in keys])
    y = np.array([kept[k][0] for k in keys])
    day = np.array([kept[k][1] for k in keys])
    X = np.zeros((len(keys), len(FEATURE_NAMES)), dtype=np.float32)
    months = day // 30
    for m in np.unique(months):
        rows = np.flatnonzero(months == m)
        X[rows] = pair_features(wb, pb, wi[rows], pi[rows], date.fromordinal(int(m) * 30 + 15))
    for m in np.unique(months):  # the employer's history as the service asks it, on the month's first day
        rows = np.flatnonzero(months == m)
        served = employer_retention(session, as_of=date.fromordinal(int(m) * 30))
        employers = [postings[keys[r][1]].employer_id for r in rows]
        X[rows, FEATURE_INDEX["employer_retention"]] = shrunk_retention(served, employers)[0]
        X[rows, FEATURE_INDEX["employer_interest"]] = shrunk_interest(served, employers)
    X[:, FEATURE_INDEX["posting_age_log"]] = [
        np.log1p(max(int(day[k]) - postings[p].created_on.toordinal(), 0)) if postings[p].created_on else 0.0
        for k, (_, p) in enumerate(keys)]
    starts = defaultdict(list)
    for p, s in session.execute(select(Placement.posting_id, Placement.start_date)):
        starts[p].append(s.toordinal())
    hired_before = np.array([np.searchsorted(np.sort(starts[p]), day[k]) if starts.get(p) else 0
                             for k, (_, p) in enumerate(keys)], dtype=np.float64)
    headcount = np.array([postings[p].openings for _, p in keys], dtype=np.float64)
    X[:, FEATURE_INDEX["openings_left_log"]] = np.log1p(np.maximum(headcount - hired_before, 0))
    for k, (w, p) in enumerate(keys):
        if spells.get(w):
            before = months_worked(spells[w], as_of=date.fromordinal(int(day[k])))
            X[k, FEATURE_INDEX["occupation_experience_log"]] = np.log1p(
                combined_experience(workers[w].work_experience, before).get(postings[p].occupation_code, 0))
    lists: dict = {}
    qid = np.array([lists.setdefault((k[0], batches.get(k) or f"month-{kept[k][1] // 30}"), len(lists))
                    for k in keys])
    return PairSet(X=X, y=y, qid=qid, worker_id=np.array([w for w, _ in keys]),
                   posting_id=np.array([p for _, p in keys]), day=day,
                   outcome_known=np.array([k not in unknown for k in keys]))


def by_pair(pairs: PairSet) -> PairSet:
    return pairs.subset(np.lexsort((pairs.posting_id, pairs.worker_id)))


def assert_same_pairs(got: PairSet, want: PairSet) -> None:
    """Same rows (one per pair), features, labels, days, outcomes and lists, up to row order
    and the numbering of the lists."""
    got, want = by_pair(got), by_pair(want)
    assert len(got) == len(want) > 0
    for name in ("worker_id", "posting_id", "y", "day", "outcome_known"):
        assert np.array_equal(getattr(got, name), getattr(want, name)), name
    assert got.X.dtype == np.float32
    assert np.array_equal(got.X, want.X)
    # the lists are the same groups of rows: qid numbers map one to one
    pairs = set(zip(got.qid.tolist(), want.qid.tolist()))
    assert len(pairs) == len(set(got.qid.tolist())) == len(set(want.qid.tolist()))


def test_partitions_give_the_same_pairs_as_the_whole_history_at_once(world):
    with world() as session:
        reference = whole_history_at_once(session)
        one = build_pairs(session, as_of=AS_OF, settings=BuildSettings(partition_size=10_000))
        many = build_pairs(session, as_of=AS_OF, settings=BuildSettings(partition_size=37))
    assert (reference.y == 0).sum() > 1000 and (reference.y >= 3).sum() > 20
    assert len(np.unique(reference.qid)) > 500 and (~reference.outcome_known).any()
    assert_same_pairs(one, reference)
    assert_same_pairs(many, reference)
    # the same rows in the same order whatever the partition size (so the same fitted model)
    for f in dataclasses.fields(PairSet):
        assert np.array_equal(getattr(one, f.name), getattr(many, f.name)), f.name


def test_the_time_split_is_the_one_of_the_whole_set_and_sampling_keeps_the_evaluation_period_whole(world):
    with world() as session:
        want_train, want_eval, want_cut = time_split(whole_history_at_once(session), eval_days=EVAL_DAYS)
        train, evaluation, cut = build_sets(session, as_of=AS_OF, eval_days=EVAL_DAYS,
                                            settings=BuildSettings(partition_size=50))
        sampled = [build_sets(session, as_of=AS_OF, eval_days=EVAL_DAYS,
                              settings=BuildSettings(partition_size=size, negative_rate=0.25))
                   for size in (40, 10_000)]
    assert cut == want_cut
    assert_same_pairs(train, want_train)
    assert_same_pairs(evaluation, want_eval)
    assert np.array_equal(train.weight, np.ones(len(train))) and np.array_equal(evaluation.weight,
                                                                                np.ones(len(evaluation)))
    for s_train, s_eval, s_cut in sampled:
        assert s_cut == cut
        assert_same_pairs(s_eval, evaluation)  # never sampled
        assert np.array_equal(s_eval.weight, np.ones(len(s_eval)))
        # every pair with an outcome is kept at weight 1; ignored pairs kept about a quarter, at weight 4
        assert_same_pairs(s_train.subset(s_train.y > 0), train.subset(train.y > 0))
        assert np.array_equal(s_train.weight[s_train.y > 0], np.ones((s_train.y > 0).sum()))
        assert np.array_equal(s_train.weight[s_train.y == 0], np.full((s_train.y == 0).sum(), 4.0))
        share = (s_train.y == 0).sum() / (train.y == 0).sum()
        assert 0.22 < share < 0.28
        # and a kept ignored pair is a row of the unsampled set, unchanged
        full = by_pair(train.subset(train.y == 0))
        kept = by_pair(s_train.subset(s_train.y == 0))
        at = np.searchsorted(full.worker_id * 10**7 + full.posting_id, kept.worker_id * 10**7 + kept.posting_id)
        assert np.array_equal(full.posting_id[at], kept.posting_id) and np.array_equal(full.X[at], kept.X)
    # the same pairs are sampled whatever the partition size
    for f in dataclasses.fields(PairSet):
        assert np.array_equal(getattr(sampled[0][0], f.name), getattr(sampled[1][0], f.name)), f.name


def test_partitions_built_as_dask_tasks_give_the_same_set(world):
    distributed = pytest.importorskip("distributed")
    with world() as session:
        single = build_pairs(session, as_of=AS_OF, settings=BuildSettings(partition_size=60))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, world() as session:
        on_dask = build_pairs(session, as_of=AS_OF, settings=BuildSettings(
            partition_size=60, dask_address=cluster.scheduler_address))
    assert len(single) > 1000
    for f in dataclasses.fields(PairSet):
        assert np.array_equal(getattr(on_dask, f.name), getattr(single, f.name)), f.name
