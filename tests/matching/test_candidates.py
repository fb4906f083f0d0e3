"""Candidate generation: blocking by destination loses no allowed pair, and ranking many
workers at once gives each worker the list ``rank_postings_for_worker`` gives her."""
from __future__ import annotations

import numpy as np
import pytest

from matching.batches import PostingBatch
from matching.candidates import blocking_recall, chunks_by_pairs
from matching.heuristic import heuristic_scores
from matching.rank import rank_postings_for_worker, top_postings_for_workers
from tests.matching import random_profiles


def test_blocking_finds_every_pair_the_exhaustive_check_allows_and_skips_many(today):
    batch = PostingBatch.from_profiles(random_profiles.postings(400, today))
    report = blocking_recall(random_profiles.workers(300, today), batch, today)
    assert report.exhaustive_pairs > 1000
    assert report.recall == 1.0
    assert report.blocked_pairs < 0.7 * report.workers * len(batch)  # the blocks skip work


def test_a_worker_accepting_only_her_home_county_gets_only_its_postings(today, make_worker, make_posting):
    batch = PostingBatch.from_profiles([
        make_posting(posting_id=1, district_code="150921", required_skills=()),
        make_posting(posting_id=2, district_code="150102", required_skills=()),
        make_posting(posting_id=3, district_code="110105", required_skills=())])
    home = make_worker(worker_id=1, destinations=("home_county",))
    ranked = top_postings_for_workers([home, make_worker(worker_id=2, destinations=("in_region", "beijing"))],
                                      batch, heuristic_scores, today, 10)
    assert batch.posting_ids[ranked.of(0)[0]].tolist() == [1]
    assert sorted(batch.posting_ids[ranked.of(1)[0]].tolist()) == [1, 2, 3]


def _not_the_heuristic(X):  # a scorer that is not the shortlist's heuristic, so the shortlist matters
    return heuristic_scores(X) + 0.3 * X[:, 5]


def _coarse(X):  # many exact ties, at the cut-off too: the order among them is the posting id's
    return np.round(heuristic_scores(X), 1)


@pytest.mark.parametrize("score", [_not_the_heuristic, _coarse])
def test_ranking_many_workers_at_once_gives_each_the_single_worker_list(today, score):
    postings = random_profiles.postings(300, today, seed=5)
    workers = random_profiles.workers(120, today, seed=6)
    batch = PostingBatch.from_profiles(postings)

    ranked = top_postings_for_workers(workers, batch, score, today, 15, shortlist=40, max_pairs=2000)
    compared = 0
    for i, worker in enumerate(workers):
        one = rank_postings_for_worker(worker, batch, score, today, 15, top_k_reasons=0, shortlist=40)
        rows, scores = ranked.of(i)
        assert batch.posting_ids[rows].tolist() == [r.posting_id for r in one]
        assert np.allclose(scores, [r.model_score for r in one])
        compared += len(one)
    assert compared > 500


def test_chunks_bound_the_pairs_but_keep_a_big_worker_whole():
    sizes = np.array([5, 5, 5, 50, 1, 1])
    assert list(chunks_by_pairs(sizes, 10)) == [slice(0, 2), slice(2, 3), slice(3, 4), slice(4, 6)]
