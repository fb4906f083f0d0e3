"""Faithful explanations (推荐理由) for any scorer, in plain language.

The contribution of feature ``f`` to a pair's score is
``score(x) - score(x with x[f] replaced by reference[f])``, where the reference is a
typical feature vector (the median over the candidate batch, or a median stored with a
trained model). It is computed with the real scorer, so it cannot disagree with it; all
perturbed rows go through ``score_fn`` in one call (tree models are slow on tiny batches).

:func:`top_reasons` turns the contributions into at most three model reasons, each a fact
of the pair worded with the direction of the fact and of its effect, on a 1–3 scale; the
facts themselves (skills, wage, place, …) are :mod:`matching.facts`.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from matching.features import FEATURE_NAMES

ScoreFn = Callable[[np.ndarray], np.ndarray]

FEATURE_TEXT: dict[str, tuple[str, str]] = {
    "required_skill_coverage": ("岗位要求技能掌握程度", "share of required skills held"),
    "required_level_margin": ("技能等级高于/低于要求", "skill level above or below the requirement"),
    "preferred_skill_coverage": ("具备加分技能", "preferred skills held"),
    "occupation_preferred": ("属于求职意向工种", "occupation the worker asked for"),
    "occupation_experience_log": ("有该工种从业经验", "experience in this occupation"),
    "wage_ratio": ("工资与期望相比", "wage compared with expectation"),
    "wage_max_meets_expectation": ("最高工资达到期望", "top of wage range meets expectation"),
    "tier_home_county": ("家门口就业", "job in the home county"),
    "tier_in_region": ("区内就近就业", "job elsewhere in Inner Mongolia"),
    "tier_paired_beijing": ("结对北京区，有服务站", "paired Beijing district with a service station"),
    "tier_other_beijing": ("北京非结对区", "Beijing district not paired with the county"),
    "tier_other": ("区外其他地区", "job in another province"),
    "dormitory_needed_provided": ("需要住宿且提供宿舍", "dormitory needed and provided"),
    "dormitory_needed_missing": ("需要住宿但不提供宿舍", "dormitory needed but not provided"),
    "meals_provided": ("提供餐食", "meals provided"),
    "social_insurance": ("缴纳社会保险", "social insurance paid"),
    "education_gap": ("学历与要求相比", "education compared with the minimum"),
    "language_matches": ("语言符合要求", "required languages spoken"),
    "employer_retention": ("用人单位90天留存率", "employer's 90-day retention"),
    "posting_age_log": ("岗位发布时长", "how long the posting has been up"),
    "openings_left_log": ("剩余招聘名额", "openings left"),
    "contract_months": ("合同期限", "contract length"),
    "employer_interest": ("求职者对该单位岗位的应聘比例", "share of workers shown the employer's jobs who applied"),
    "employer_response_effect": ("求职者应聘该单位比条件相近的岗位多或少",
                                 "workers apply to the employer more or less than to similar jobs"),
    "employer_lasting_effect": ("该单位录用的人干满90天比条件相近的多或少",
                                "the employer's hires stay 90 days more or less often than similar hires"),
}


def reference_vector(X: np.ndarray) -> np.ndarray:
    """Typical feature values: the column medians of ``X``."""
    return np.median(np.asarray(X, dtype=np.float64), axis=0)


def contributions(score_fn: ScoreFn, X: np.ndarray, reference: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (scores, deltas) where ``deltas[i, f] = score(X[i]) - score(X[i] with f := reference[f])``.

    ``score_fn`` is called exactly once, on ``n * (n_features + 1)`` rows.
    """
    X = np.asarray(X)
    n, n_f = X.shape
    stacked = np.repeat(X[:, None, :], n_f + 1, axis=1)  # row 0: original; row f+1: f replaced
    cols = np.arange(n_f)
    stacked[:, cols + 1, cols] = np.asarray(reference, dtype=X.dtype)[cols]
    scores = np.asarray(score_fn(stacked.reshape(n * (n_f + 1), n_f)), dtype=np.float64)
    scores = scores.reshape(n, n_f + 1)
    return scores[:, 0], scores[:, :1] - scores[:, 1:]


# --- model reasons (推荐理由) -------------------------------------------------------------
#
# Columns that describe one fact are read together: the one-hot destination tier is one
# place, the two wage columns one wage, the two dormitory columns one need. A group's effect
# is the sum of its columns' deltas. Each reason states the pair's *fact* (favourable,
# unfavourable or neutral for the worker) and the *effect* on the score (raises / lowers),
# with a three-step strength instead of the model's raw numbers. A favourable fact is never
# listed as lowering the score, nor an unfavourable one as raising it: such a contribution
# comes from the model's interactions with the pair's other features, not from the fact
# itself, and saying "being in the asked-for occupation lowers the score" explains nothing;
# the pair's facts (:func:`matching.facts.pair_facts`) are always shown in full beside the reasons.

FAVOURABLE, UNFAVOURABLE, NEUTRAL = "favourable", "unfavourable", "neutral"

_EFFECT_TEXT: dict[str, dict[str, tuple[str, str]]] = {
    "employer_response_effect": {
        FAVOURABLE: ("求职者应聘该单位比条件相近的岗位多", "workers apply to the employer more than to similar jobs"),
        UNFAVOURABLE: ("求职者应聘该单位比条件相近的岗位少", "workers apply to the employer less than to similar jobs"),
        NEUTRAL: ("该单位的应聘情况与条件相近的岗位相当", "workers apply to the employer as to similar jobs"),
    },
    "employer_lasting_effect": {
        FAVOURABLE: ("该单位录用的人干满90天的比条件相近的多", "more of the employer's hires stay 90 days than similar hires"),
        UNFAVOURABLE: ("该单位录用的人干满90天的比条件相近的少", "fewer of the employer's hires stay 90 days than similar hires"),
        NEUTRAL: ("该单位录用的人留任情况与条件相近的相当", "the employer keeps its hires as similar jobs do"),
    },
}
"""The facts of the employer effects (``training.employer_effects``), by direction."""

RAISES, LOWERS = "raises", "lowers"
STRENGTH_ZH = {1: "略", 2: "较多", 3: "明显"}
STRENGTH_EN = {1: "slightly", 2: "moderately", 3: "strongly"}
EFFECT_ZH = {RAISES: "加分", LOWERS: "减分"}
EFFECT_EN = {RAISES: "raises the score", LOWERS: "lowers the score"}

_GROUPS: dict[str, tuple[str, ...]] = {
    "required_skills": ("required_skill_coverage", "required_level_margin"),
    "preferred_skills": ("preferred_skill_coverage",),
    "occupation_preferred": ("occupation_preferred",),
    "experience": ("occupation_experience_log",),
    "wage": ("wage_ratio", "wage_max_meets_expectation"),
    "place": tuple(name for name in FEATURE_NAMES if name.startswith("tier_")),
    "dormitory": ("dormitory_needed_provided", "dormitory_needed_missing"),
    "meals": ("meals_provided",),
    "social_insurance": ("social_insurance",),
    "education": ("education_gap",),
    "language": ("language_matches",),
    "employer_retention": ("employer_retention",),
    "posting_age": ("posting_age_log",),
    "openings_left": ("openings_left_log",),
    "contract": ("contract_months",),
    "employer_interest": ("employer_interest",),
    "employer_response_effect": ("employer_response_effect",),
    "employer_lasting_effect": ("employer_lasting_effect",),
}
_GROUP_OF = {f: g for g, cols in _GROUPS.items() for f in cols}
_TIER_TEXT = {
    "home_county": ("工作地在户籍旗县（家门口就业）", "job in the home county"),
    "in_region": ("工作地在内蒙古自治区内（区内就近）", "job elsewhere in Inner Mongolia"),
    "paired_beijing": ("工作地在本县结对的北京区，有服务站", "job in the county's paired Beijing district (service station)"),
    "other_beijing": ("工作地在北京，但不是本县结对区", "job in Beijing, not in the county's paired district"),
    "other": ("工作地在区外其他省市", "job in another province"),
}
_TIER_DIRECTION = {"home_county": FAVOURABLE, "paired_beijing": FAVOURABLE, "in_region": NEUTRAL,
                   "other_beijing": NEUTRAL, "other": NEUTRAL}


def _fact(group: str, v: Callable[[str], float | None], r: Callable[[str], float | None]
          ) -> tuple[str, str, str]:
    """(direction, zh, en) of one group's fact from the pair's values ``v`` (reference ``r``)."""
    def higher(name: str) -> str:
        x, ref = v(name), r(name)
        if x is None or ref is None or abs(x - ref) < 1e-9:
            return NEUTRAL
        return FAVOURABLE if x > ref else UNFAVOURABLE

    if group == "required_skills":
        cov, margin = v("required_skill_coverage"), v("required_level_margin") or 0.0
        if cov is not None and cov < 1:
            return UNFAVOURABLE, "缺少岗位要求的技能或等级不足", "lacks a required skill or its level"
        if margin > 0:
            return FAVOURABLE, "岗位要求的技能全部具备，等级高于要求", "holds every required skill, above the level asked"
        return FAVOURABLE, "岗位要求的技能全部具备", "holds every required skill"
    if group == "preferred_skills":
        x = v("preferred_skill_coverage")
        if x is not None and x >= 1:
            return FAVOURABLE, "具备岗位的加分技能（或岗位无加分要求）", "holds the preferred skills (or none are asked)"
        if x:
            return FAVOURABLE, "具备部分岗位加分技能", "holds some of the preferred skills"
        return UNFAVOURABLE, "不具备岗位的加分技能", "holds none of the preferred skills"
    if group == "occupation_preferred":
        if v("occupation_preferred"):
            return FAVOURABLE, "属于本人求职意向工种", "an occupation the worker asked for"
        return UNFAVOURABLE, "不在本人求职意向工种之列", "not an occupation the worker asked for"
    if group == "experience":
        months = int(round(float(np.expm1(v("occupation_experience_log") or 0.0))))
        if months > 0:
            return FAVOURABLE, f"有该工种从业经验约 {months} 个月", f"about {months} months of experience in this occupation"
        return UNFAVOURABLE, "无该工种从业经验", "no experience in this occupation"
    if group == "wage":  # the yuan are in the wage fact; the reason says which side of the expectation
        ratio, meets = v("wage_ratio"), v("wage_max_meets_expectation")
        if ratio is not None and ratio >= 1:
            return FAVOURABLE, "工资达到期望", "wage meets the expectation"
        if meets:
            return NEUTRAL, "最高工资达到期望，中间值低于期望", "top of the range meets the expectation, the middle does not"
        return UNFAVOURABLE, "工资低于期望", "wage below the expectation"
    if group == "place":
        tier = next((t.removeprefix("tier_") for t in _GROUPS["place"] if v(t)), None)
        if tier is None:
            return NEUTRAL, "工作地", "workplace"
        zh, en = _TIER_TEXT.get(tier, (tier, tier))
        return _TIER_DIRECTION.get(tier, NEUTRAL), zh, en
    if group == "dormitory":
        if v("dormitory_needed_provided"):
            return FAVOURABLE, "需要住宿，岗位提供宿舍", "needs a dormitory and the job provides one"
        if v("dormitory_needed_missing"):
            return UNFAVOURABLE, "需要住宿，但岗位不提供宿舍", "needs a dormitory but the job has none"
        return NEUTRAL, "本人不需要住宿", "needs no dormitory"
    if group == "meals":
        return (FAVOURABLE, "提供餐食", "meals provided") if v("meals_provided") else (
            UNFAVOURABLE, "不提供餐食", "no meals provided")
    if group == "social_insurance":
        return (FAVOURABLE, "缴纳社会保险", "social insurance paid") if v("social_insurance") else (
            UNFAVOURABLE, "不缴纳社会保险", "no social insurance")
    if group == "education":
        gap = v("education_gap") or 0.0
        if gap > 0:
            return FAVOURABLE, "学历高于岗位要求", "education above the minimum"
        if gap == 0:
            return FAVOURABLE, "学历符合岗位要求", "education meets the minimum"
        return UNFAVOURABLE, "学历低于岗位要求", "education below the minimum"
    if group == "language":
        if v("language_matches"):
            return FAVOURABLE, "会说岗位要求的语言", "speaks the languages the job requires"
        return NEUTRAL, "岗位没有语言要求", "the job requires no particular language"
    if group in ("employer_retention", "employer_interest"):
        d = higher(group)
        zh_word = {FAVOURABLE: "，较高", UNFAVOURABLE: "，较低", NEUTRAL: ""}[d]
        en_word = {FAVOURABLE: " (high)", UNFAVOURABLE: " (low)", NEUTRAL: ""}[d]
        if group == "employer_retention":
            tenths = int(round(10 * (v(group) or 0.0)))
            return (d, f"用人单位以往录用的人约 {tenths} 成干满 90 天{zh_word}",
                    f"about {tenths} in 10 of the employer's hires stayed 90 days{en_word}")
        per_hundred = int(round(100 * (v(group) or 0.0)))
        return (d, f"看到该单位岗位的求职者约每百人有 {per_hundred} 人应聘{zh_word}",
                f"about {per_hundred} in 100 workers shown the employer's jobs applied{en_word}")
    if group in _EFFECT_TEXT:
        x = v(group) or 0.0
        # within about 5 % of what the fit predicts: as similar jobs
        direction = NEUTRAL if abs(x) < 0.05 else FAVOURABLE if x > 0 else UNFAVOURABLE
        return direction, *_EFFECT_TEXT[group][direction]
    if group == "posting_age":
        days = int(round(float(np.expm1(v("posting_age_log") or 0.0))))
        return NEUTRAL, f"岗位已发布约 {days} 天", f"posted about {days} days ago"
    if group == "openings_left":
        n = int(round(float(np.expm1(v("openings_left_log") or 0.0))))
        return higher("openings_left_log"), f"剩余招聘名额 {n} 个", f"{n} openings left"
    if group == "contract":
        months = int(round(v("contract_months") or 0.0))
        return higher("contract_months"), f"合同期限 {months} 个月", f"contract of {months} months"
    zh, en = FEATURE_TEXT.get(group, (group, group.replace("_", " ")))
    return NEUTRAL, zh, en


def strength(share: float) -> int:
    """1 slight, 2 moderate, 3 strong: a reason's share of the pair's total movement."""
    return 3 if share >= 0.4 else 2 if share >= 0.15 else 1


def reason_text(zh: str, en: str, effect: str | None, level: int | None) -> tuple[str, str]:
    """``工资低于期望（明显减分）`` / ``wage below expectation (lowers the score, strongly)``."""
    if effect is None:
        return zh, en
    if level is None:
        return f"{zh}（{EFFECT_ZH[effect]}）", f"{en} ({EFFECT_EN[effect]})"
    return (f"{zh}（{STRENGTH_ZH[level]}{EFFECT_ZH[effect]}）",
            f"{en} ({EFFECT_EN[effect]}, {STRENGTH_EN[level]})")


def consistent(direction: str, effect: str) -> bool:
    """Whether a fact may be listed with that effect (never a favourable fact as lowering)."""
    return not ((direction == FAVOURABLE and effect == LOWERS) or (direction == UNFAVOURABLE and effect == RAISES))


def reason_record(group: str, delta: float, values: Callable[[str], float | None],
                  reference: Callable[[str], float | None] = lambda _: None, share: float = 1.0
                  ) -> dict[str, object]:
    """One model reason: the fact of ``group`` and which way (and how much) it moved the score."""
    direction, zh, en = _fact(group, values, reference)
    effect = RAISES if delta >= 0 else LOWERS
    level = strength(share)
    text_zh, text_en = reason_text(zh, en, effect, level)
    return {"code": group, "feature": group, "kind": "model", "direction": direction, "effect": effect,
            "strength": level, "zh": text_zh, "en": text_en, "text_zh": text_zh, "text_en": text_en}


def top_reasons(deltas: np.ndarray, X: np.ndarray, feature_names: Sequence[str] = FEATURE_NAMES,
                top_k: int = 3, min_abs_delta: float = 1e-6,
                reference: np.ndarray | None = None) -> list[list[dict[str, object]]]:
    """For each row of ``deltas`` (features ``X``), at most ``top_k`` model reasons.

    Columns are grouped into facts (:data:`_GROUPS`; an unknown column is its own group); the
    groups moving the score most are listed, skipping any whose effect contradicts its fact
    (:func:`consistent`)."""
    names = list(feature_names)
    groups: dict[str, list[int]] = {}
    for k, name in enumerate(names):
        groups.setdefault(_GROUP_OF.get(name, name), []).append(k)
    keys = list(groups)
    summed = np.stack([np.asarray(deltas, dtype=np.float64)[:, cols].sum(axis=1) for cols in groups.values()],
                      axis=1) if len(deltas) else np.zeros((0, len(keys)))
    index = {name: k for k, name in enumerate(names)}
    ref_of = (lambda name: float(reference[index[name]]) if name in index else None) \
        if reference is not None else (lambda _: None)
    out = []
    for i in range(len(summed)):
        row = X[i]
        values = lambda name, row=row: float(row[index[name]]) if name in index else None  # noqa: E731
        total = float(np.abs(summed[i]).sum()) or 1.0
        listed: list[dict[str, object]] = []
        for g in np.argsort(-np.abs(summed[i]), kind="stable"):
            d = float(summed[i, g])
            if abs(d) <= min_abs_delta or len(listed) >= top_k:
                break
            record = reason_record(keys[g], d, values, ref_of, abs(d) / total)
            if consistent(str(record["direction"]), str(record["effect"])):
                listed.append(record)
        out.append(listed)
    return out


def explain(score_fn: ScoreFn, X: np.ndarray, reference: np.ndarray | None = None,
            top_k: int = 3, feature_names: Sequence[str] = FEATURE_NAMES) -> list[list[dict[str, object]]]:
    """Top reasons for every row of ``X`` (reference defaults to the median of ``X``)."""
    ref = reference_vector(X) if reference is None else reference
    _, deltas = contributions(score_fn, X, ref)
    return top_reasons(deltas, X, feature_names, top_k, reference=np.asarray(ref))
