"""Column-wise views of many postings and many workers, built once and reused.

A :class:`PostingBatch` holds one numpy array per posting attribute and scipy CSR
matrices for required/preferred skills and languages, so that one worker can be compared
with 20,000 postings without a Python loop over postings. A :class:`WorkerBatch` holds the
worker side, encoded against a posting batch's vocabularies; its many-valued attributes
are sorted ``row * vocabulary_size + column`` keys looked up with ``searchsorted``.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import scipy.sparse as sp

from matching.destinations import PAIR_KEY_BASE, accepted_tier_bits, district_number
from matching.profiles import EDUCATION_LEVELS, PRIORITY_STATUSES, EmployerRetention, PostingProfile, WorkerProfile

EDUCATION_RANK: dict[str, int] = {level: i for i, level in enumerate(EDUCATION_LEVELS)}
RETENTION_PRIOR_STRENGTH = 20.0
"""Empirical-Bayes prior weight ``m``: an employer's 90-day retention counts as if it had
20 extra hires at the global mean, so a 1-of-1 employer is not ranked as perfect."""
DEFAULT_RETENTION_MEAN = 0.6
"""Prior mean used only when no employer in the batch has any recorded hire."""
INTEREST_PRIOR_STRENGTH = 50.0
"""Prior weight of an employer's application rate: as if its postings had been shown 50 more
times at the mean rate (one shown posting and one application is not a 100 % employer)."""
DEFAULT_INTEREST_MEAN = 0.1
"""Prior mean of the application rate when no employer has been shown yet."""


def _shrunk(retention: Mapping[int, EmployerRetention], employer_ids: Sequence[int],
            counts: Callable[[EmployerRetention], tuple[int, int]], prior_strength: float,
            default_mean: float) -> tuple[np.ndarray, float]:
    """``(successes + m * mean) / (trials + m)`` per employer, the (trials, successes) of
    ``counts``, ``mean`` over every employer of ``retention``; and that mean."""
    every = np.array([counts(r) for r in retention.values()], dtype=np.float64).reshape(-1, 2)
    mean = float(np.minimum(every[:, 1], every[:, 0]).sum() / every[:, 0].sum()) if every[:, 0].sum() else default_mean
    none = EmployerRetention(0, 0, 0)
    rows = np.array([counts(retention.get(e, none)) for e in employer_ids], dtype=np.float64).reshape(-1, 2)
    return (np.minimum(rows[:, 1], rows[:, 0]) + prior_strength * mean) / (rows[:, 0] + prior_strength), mean


def shrunk_retention(retention: Mapping[int, EmployerRetention], employer_ids: Sequence[int], *,
                     prior_strength: float = RETENTION_PRIOR_STRENGTH) -> tuple[np.ndarray, float]:
    """Each employer's 90-day retention shrunk toward the mean of all hires in ``retention``:
    ``(retained + m * mean) / (hires + m)`` with ``m = prior_strength``; and that mean."""
    return _shrunk(retention, employer_ids, lambda r: (r.hires, r.retained_90d), prior_strength,
                   DEFAULT_RETENTION_MEAN)


def shrunk_interest(retention: Mapping[int, EmployerRetention], employer_ids: Sequence[int], *,
                    prior_strength: float = INTEREST_PRIOR_STRENGTH) -> np.ndarray:
    """Each employer's application rate (applications per time its postings were shown)
    shrunk toward the rate over all employers: ``(applied + m * mean) / (shown + m)``."""
    return _shrunk(retention, employer_ids, lambda r: (r.shown, r.applied), prior_strength,
                   DEFAULT_INTEREST_MEAN)[0]


def _effect(retention: Mapping[int, EmployerRetention], postings: Sequence[PostingProfile], name: str) -> np.ndarray:
    return np.array([getattr(retention[p.employer_id], name) if p.employer_id in retention else 0.0
                     for p in postings], dtype=np.float64)


def education_rank(level: str) -> int:
    """Return the ordinal of an education level (``none`` = 0 … ``bachelor`` = 6)."""
    try:
        return EDUCATION_RANK[level]
    except KeyError:
        raise ValueError(f"unknown education level {level!r}") from None


def _csr(rows: Sequence[Mapping[int, float]], n_cols: int, dtype: type) -> sp.csr_matrix:
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(r) for r in rows])
    indices = np.fromiter((c for r in rows for c in sorted(r)), dtype=np.int32, count=int(indptr[-1]))
    data = np.fromiter((r[c] for r in rows for c in sorted(r)), dtype=dtype, count=int(indptr[-1]))
    return sp.csr_matrix((data, indices, indptr), shape=(len(rows), max(n_cols, 1)))


def expand_rows(indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For CSR ``indptr`` and selected ``rows`` return (pair position, entry index) of
    every stored entry of every selected row, without a Python loop."""
    starts = indptr[rows]
    counts = indptr[rows + 1] - starts
    pair_pos = np.repeat(np.arange(len(rows)), counts)
    first = np.cumsum(counts) - counts
    entry = np.repeat(starts - first, counts) + np.arange(int(counts.sum()))
    return pair_pos, entry


def lookup(keys: np.ndarray, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (found mask, position) of ``query`` in the sorted array ``keys``."""
    if len(keys) == 0:
        return np.zeros(len(query), dtype=bool), np.zeros(len(query), dtype=np.int64)
    pos = np.minimum(np.searchsorted(keys, query), len(keys) - 1)
    return keys[pos] == query, pos


def gather(keys: np.ndarray, values: np.ndarray, query: np.ndarray, default: float | bool) -> np.ndarray:
    """Return ``values`` at the positions of ``query`` in sorted ``keys``; ``default`` where absent."""
    found, pos = lookup(keys, query)
    if len(keys) == 0:
        return np.full(len(query), default, dtype=values.dtype)
    return np.where(found, values[pos], default)


@dataclass(frozen=True, slots=True, eq=False)
class PostingBatch:
    """Many postings as arrays (one row per posting, in input order)."""

    postings: tuple[PostingProfile, ...]
    posting_ids: np.ndarray
    skill_codes: tuple[str, ...]
    skill_index: dict[str, int]
    occupation_codes: tuple[str, ...]
    occupation_index: dict[str, int]
    language_codes: tuple[str, ...]
    language_index: dict[str, int]
    occupation: np.ndarray
    district: np.ndarray
    is_open: np.ndarray
    openings_left: np.ndarray
    expires_ord: np.ndarray
    created_ord: np.ndarray
    """-1 when ``created_on`` is unknown."""
    age_min: np.ndarray
    age_max: np.ndarray
    education_min: np.ndarray
    wage_min: np.ndarray
    wage_max: np.ndarray
    dormitory: np.ndarray
    meals: np.ndarray
    insurance: np.ndarray
    contract_months: np.ndarray
    required: sp.csr_matrix
    """Required skills; data = minimum level."""
    certificate: sp.csr_matrix
    """Required skills whose certificate is required; data = 1."""
    preferred: sp.csr_matrix
    languages: sp.csr_matrix
    retention: np.ndarray
    """Employer 90-day retention shrunk toward ``retention_mean``."""
    interest: np.ndarray
    """Employer's application rate (applications per time shown), shrunk (``shrunk_interest``)."""
    response_effect: np.ndarray
    """The model's employer effects (``EmployerRetention.response_effect``; 0 when unknown)."""
    lasting_effect: np.ndarray
    retention_mean: float

    def __len__(self) -> int:
        return len(self.postings)

    @classmethod
    def from_profiles(cls, postings: Sequence[PostingProfile],
                      retention: Mapping[int, EmployerRetention] | None = None, *,
                      prior_strength: float = RETENTION_PRIOR_STRENGTH) -> PostingBatch:
        """Build the batch once; shrink each employer's retention toward the global mean:
        ``(retained + m * mean) / (hires + m)`` with ``m = prior_strength``."""
        postings = tuple(postings)
        retention = retention or {}
        skills = sorted({r.code for p in postings for r in p.required_skills}
                        | {s for p in postings for s in p.preferred_skills})
        occupations = sorted({p.occupation_code for p in postings})
        languages = sorted({lang for p in postings for lang in p.languages})
        s_idx = {c: i for i, c in enumerate(skills)}
        o_idx = {c: i for i, c in enumerate(occupations)}
        l_idx = {c: i for i, c in enumerate(languages)}
        shrunk, mean = shrunk_retention(retention, [p.employer_id for p in postings],
                                        prior_strength=prior_strength)

        def col(getter, dtype) -> np.ndarray:  # noqa: ANN001 - tiny local helper
            return np.fromiter((getter(p) for p in postings), dtype=dtype, count=len(postings))

        required: list[dict[int, int]] = []
        for p in postings:
            levels: dict[int, int] = {}
            for r in p.required_skills:  # a skill listed twice keeps its stricter level
                levels[s_idx[r.code]] = max(levels.get(s_idx[r.code], 0), r.min_level)
            required.append(levels)
        certificate = [{s_idx[r.code]: True for r in p.required_skills if r.certificate_required}
                       for p in postings]
        return cls(
            postings=postings,
            posting_ids=col(lambda p: p.posting_id, np.int64),
            skill_codes=tuple(skills), skill_index=s_idx,
            occupation_codes=tuple(occupations), occupation_index=o_idx,
            language_codes=tuple(languages), language_index=l_idx,
            occupation=col(lambda p: o_idx[p.occupation_code], np.int32),
            district=col(lambda p: district_number(p.district_code), np.int64),
            is_open=col(lambda p: p.status == "open", bool),
            openings_left=col(lambda p: p.openings_left, np.int32),
            expires_ord=col(lambda p: p.expires_on.toordinal(), np.int64),
            created_ord=col(lambda p: p.created_on.toordinal() if p.created_on else -1, np.int64),
            age_min=col(lambda p: p.age_min, np.int16),
            age_max=col(lambda p: p.age_max, np.int16),
            education_min=col(lambda p: education_rank(p.education_min), np.int8),
            wage_min=col(lambda p: p.wage_min, np.float64),
            wage_max=col(lambda p: p.wage_max, np.float64),
            dormitory=col(lambda p: p.provides_dormitory, bool),
            meals=col(lambda p: p.provides_meals, bool),
            insurance=col(lambda p: p.social_insurance, bool),
            contract_months=col(lambda p: p.contract_months, np.float64),
            required=_csr(required, len(skills), np.int8),
            certificate=_csr(certificate, len(skills), bool),
            preferred=_csr([{s_idx[s]: True for s in p.preferred_skills} for p in postings],
                           len(skills), bool),
            languages=_csr([{l_idx[lang]: True for lang in p.languages} for p in postings],
                           len(languages), bool),
            retention=shrunk,
            interest=shrunk_interest(retention, [p.employer_id for p in postings]),
            response_effect=_effect(retention, postings, "response_effect"),
            lasting_effect=_effect(retention, postings, "lasting_effect"),
            retention_mean=mean,
        )


@dataclass(frozen=True, slots=True, eq=False)
class WorkerBatch:
    """Many workers as arrays, encoded against one :class:`PostingBatch`'s vocabularies.

    Skills, languages and occupations the postings never mention are dropped: they can
    neither satisfy nor miss any requirement.
    """

    workers: tuple[WorkerProfile, ...]
    worker_ids: np.ndarray
    county: np.ndarray
    birth_year: np.ndarray
    birth_mmdd: np.ndarray
    seeking: np.ndarray
    available_ord: np.ndarray
    education: np.ndarray
    expected_wage: np.ndarray
    needs_dormitory: np.ndarray
    accepted_tiers: np.ndarray
    """Bit set of accepted tiers (see :func:`matching.destinations.accepted_tier_bits`)."""
    priority: np.ndarray
    """脱贫人口 or 防返贫监测对象 (poverty_status 'alleviated' or 'monitored')."""
    skill_keys: np.ndarray
    skill_level: np.ndarray
    skill_certified: np.ndarray
    language_keys: np.ndarray
    preferred_keys: np.ndarray
    experience_keys: np.ndarray
    experience_months: np.ndarray
    paired_keys: np.ndarray

    def __len__(self) -> int:
        return len(self.workers)

    @classmethod
    def from_profiles(cls, workers: Sequence[WorkerProfile], postings: PostingBatch) -> WorkerBatch:
        """Encode ``workers`` against the vocabularies of ``postings``."""
        workers = tuple(workers)
        n_s, n_l = max(len(postings.skill_codes), 1), max(len(postings.language_codes), 1)
        n_o = max(len(postings.occupation_codes), 1)
        skills: dict[int, tuple[int, bool]] = {}
        langs, prefs, exp, paired = set(), set(), {}, set()
        for i, w in enumerate(workers):
            for s in w.skills:
                j = postings.skill_index.get(s.code)
                if j is not None:
                    old = skills.get(i * n_s + j, (0, False))
                    skills[i * n_s + j] = (max(old[0], s.level), old[1] or s.certified)
            langs |= {i * n_l + postings.language_index[x] for x in w.languages
                      if x in postings.language_index}
            prefs |= {i * n_o + postings.occupation_index[x] for x in w.preferred_occupations
                      if x in postings.occupation_index}
            exp.update({i * n_o + postings.occupation_index[x]: m for x, m in w.experience_months.items()
                        if x in postings.occupation_index})
            paired |= {i * PAIR_KEY_BASE + district_number(d) for d in w.paired_districts}
        skill_keys = np.array(sorted(skills), dtype=np.int64)
        exp_keys = np.array(sorted(exp), dtype=np.int64)

        def col(getter, dtype) -> np.ndarray:  # noqa: ANN001 - tiny local helper
            return np.fromiter((getter(w) for w in workers), dtype=dtype, count=len(workers))

        return cls(
            workers=workers,
            worker_ids=col(lambda w: w.worker_id, np.int64),
            county=col(lambda w: district_number(w.county_code), np.int64),
            birth_year=col(lambda w: w.birth_date.year, np.int32),
            birth_mmdd=col(lambda w: w.birth_date.month * 100 + w.birth_date.day, np.int32),
            seeking=col(lambda w: w.status == "seeking", bool),
            available_ord=col(lambda w: w.available_from.toordinal(), np.int64),
            education=col(lambda w: education_rank(w.education), np.int8),
            expected_wage=col(lambda w: w.expected_monthly_wage, np.float64),
            needs_dormitory=col(lambda w: w.needs_dormitory, bool),
            accepted_tiers=col(lambda w: accepted_tier_bits(w.destinations), np.int8),
            priority=col(lambda w: w.poverty_status in PRIORITY_STATUSES, bool),
            skill_keys=skill_keys,
            skill_level=np.array([skills[k][0] for k in skill_keys.tolist()], dtype=np.int8),
            skill_certified=np.array([skills[k][1] for k in skill_keys.tolist()], dtype=bool),
            language_keys=np.array(sorted(langs), dtype=np.int64),
            preferred_keys=np.array(sorted(prefs), dtype=np.int64),
            experience_keys=exp_keys,
            experience_months=np.array([exp[k] for k in exp_keys.tolist()], dtype=np.float64),
            paired_keys=np.array(sorted(paired), dtype=np.int64),
        )

    def ages(self, today: date) -> np.ndarray:
        """Age in full years at ``today``: ``matching.profiles.age_on``, vectorised over the batch."""
        before_birthday = (today.month * 100 + today.day) < self.birth_mmdd
        return today.year - self.birth_year - before_birthday.astype(np.int32)
