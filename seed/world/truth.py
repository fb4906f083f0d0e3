"""The hidden ground truth of the synthetic world: who stays in a job for 90 days.

    logit P(lasts ≥ 90 days) = INTERCEPT + Σ factor contributions
      skill fit       1.8·(fit − 0.7); fit = mean over required skills of 1 (level and
                      certificate met), 0.5 (has the skill, below level or uncertified), 0
      preferred skill +0.15 each, at most +0.3
      wage            2.0·clip((mid wage − expected)/expected, −0.4, 0.4)
      place           home county +0.7, in region +0.35, paired Beijing district 0,
                      other Beijing district −0.55, other province −0.8
      destination     −0.9 when the worker did not list the destination as acceptable
      dormitory       −1.1 when needed, away from home and not provided
      language        −0.9 no Mandarin away from the region; −1.0 per required language
                      not spoken; +0.15 Mongolian speaker working in the region
      occupation      +0.45 a preferred occupation, −0.1 otherwise
      age             −0.4 outside the posting's range; −0.4 over 52 in construction/energy
      conditions      +0.25 social insurance, +0.1 meals
      employer        latent quality q_e ~ N(0, 0.6), fixed per (world seed, employer id)
      noise           pair-specific ε ~ N(0, 0.35), fixed per (seed, worker, posting)

The history is drawn from this model; rankers must never call it — only evaluation code.
"""
from __future__ import annotations

import math
from statistics import NormalDist

from matching.destinations import TIER_DESTINATION, destination_tier
from matching.profiles import PostingProfile, WorkerProfile, age_on
from seed import taxonomy

INTERCEPT = 0.3
QUALITY_SD = 0.6
NOISE_SD = 0.35
PLACE_EFFECT = {"home_county": 0.7, "in_region": 0.35, "paired_beijing": 0.0,
                "other_beijing": -0.55, "other": -0.8}
_HEAVY = ("construction", "energy")
_MASK = (1 << 64) - 1
_NORMAL = NormalDist()


def _mix(*values: int) -> int:
    """SplitMix64 over the values: a stable hash that does not depend on PYTHONHASHSEED."""
    h = 0x9E3779B97F4A7C15
    for v in values:
        h = (h ^ (v & _MASK)) * 0xBF58476D1CE4E5B9 & _MASK
        h = (h ^ (h >> 31)) * 0x94D049BB133111EB & _MASK
        h ^= h >> 29
    return h


def _gauss(*values: int) -> float:
    u = ((_mix(*values) >> 11) + 0.5) / float(1 << 53)
    return _NORMAL.inv_cdf(u)


def employer_quality(employer_id: int, *, world_seed: int) -> float:
    """The latent quality of an employer (pay on time, fair treatment), on the logit scale."""
    return QUALITY_SD * _gauss(world_seed, 0xE1, employer_id)


def place_of(worker: WorkerProfile, workplace: str) -> str:
    """Destination tier of a workplace as seen from the worker's home county."""
    return destination_tier(workplace, worker.county_code, worker.paired_districts)


def _skill_fit(worker: WorkerProfile, posting: PostingProfile) -> float:
    if not posting.required_skills:
        return 1.0
    have = {s.code: s for s in worker.skills}
    total = 0.0
    for req in posting.required_skills:
        skill = have.get(req.code)
        if skill is None:
            continue
        full = skill.level >= req.min_level and (skill.certified or not req.certificate_required)
        total += 1.0 if full else 0.5
    return total / len(posting.required_skills)


def stability_factors(worker: WorkerProfile, posting: PostingProfile, *,
                      world_seed: int) -> dict[str, float]:
    """Each factor's contribution to the logit (the history uses them to pick end reasons)."""
    place = place_of(worker, posting.district_code)
    away = place != "home_county"
    have = {s.code for s in worker.skills}
    mid = (posting.wage_min + posting.wage_max) / 2
    gap = (mid - worker.expected_monthly_wage) / max(worker.expected_monthly_wage, 1)
    dest = TIER_DESTINATION[place]
    occ = taxonomy.occupations().get(posting.occupation_code)
    age = age_on(worker.birth_date, posting.start_date)
    language = sum(-1.0 for lang in posting.languages if lang not in worker.languages)
    if "zh" not in worker.languages and not (place in ("home_county", "in_region")):
        language -= 0.9
    if "mn" in worker.languages and place in ("home_county", "in_region"):
        language += 0.15
    age_effect = -0.4 if not posting.age_min <= age <= posting.age_max else 0.0
    if occ is not None and occ.category in _HEAVY and age > 52:
        age_effect -= 0.4
    return {
        "skills": 1.8 * (_skill_fit(worker, posting) - 0.7)
        + min(0.3, 0.15 * len(have.intersection(posting.preferred_skills))),
        "wage": 2.0 * max(-0.4, min(0.4, gap)),
        "place": PLACE_EFFECT[place] + (0.0 if dest in worker.destinations else -0.9),
        "dormitory": -1.1 if worker.needs_dormitory and away and not posting.provides_dormitory else 0.0,
        "language": language,
        "occupation": 0.45 if posting.occupation_code in worker.preferred_occupations else -0.1,
        "age": age_effect,
        "conditions": (0.25 if posting.social_insurance else 0.0) + (0.1 if posting.provides_meals else 0.0),
        "employer": employer_quality(posting.employer_id, world_seed=world_seed),
        "noise": NOISE_SD * _gauss(world_seed, 0xA7, worker.worker_id, posting.posting_id),
    }


def true_stability(worker: WorkerProfile, posting: PostingProfile, *, world_seed: int,
                   noise: bool = True) -> float:
    """Probability that a placement of this worker in this posting lasts at least 90 days.

    Deterministic for a given world seed; for evaluation only, never for ranking.
    ``noise=False`` leaves out the pair-specific noise term ε: what the features could at
    best explain (the counterfactual evaluation's "noise-free ceiling" ranks by it).
    """
    factors = stability_factors(worker, posting, world_seed=world_seed)
    if not noise:
        factors.pop("noise")
    logit = INTERCEPT + sum(factors.values())
    return 1.0 / (1.0 + math.exp(-logit))
