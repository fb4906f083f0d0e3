"""Facts a clerk can check for one (worker, posting) pair (匹配事实), before any model reason.

Each fact is a record ``{code, kind: "fact", direction, zh, en, …the values it states}``:
the required skills held and missing (each named, with level and certificate), the wage
range against the expectation in yuan, the place and whether it is the county's paired
district, dormitory and meals against the need, the contract and social insurance, and the
languages the job requires. ``direction`` is ``favourable``, ``unfavourable`` or ``neutral``
for the worker. Names come from the caller (the engine imports no reference data).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from matching.explain import FAVOURABLE, NEUTRAL, STRENGTH_EN, STRENGTH_ZH, UNFAVOURABLE
from matching.profiles import PostingProfile, WorkerProfile

SkillName = Callable[[str], tuple[str, str]]
"""Skill code → (Chinese name, English name)."""
RegionName = Callable[[str], str]
"""GB/T 2260 code → name."""

LEVEL_ZH = {1: "无等级", 2: "初级", 3: "中级", 4: "高级", 5: "技师"}
LEVEL_EN = {1: "no grade", 2: "junior grade", 3: "intermediate grade", 4: "senior grade", 5: "technician"}
LANGUAGE_ZH = {"zh": "汉语", "mn": "蒙古语", "en": "英语", "other": "其他语言"}
LANGUAGE_EN = {"zh": "Mandarin", "mn": "Mongolian", "en": "English", "other": "another language"}
MISSING_SKILL = "skill_missing"


def _fact(code: str, direction: str, zh: str, en: str, **values: object) -> dict[str, object]:
    return {"code": code, "kind": "fact", "direction": direction, "zh": zh, "en": en,
            "text_zh": zh, "text_en": en, **values}


def skill_facts(worker: WorkerProfile, posting: PostingProfile, skill_name: SkillName) -> list[dict[str, object]]:
    """One fact per required skill, held or missing, in posting order (a skill listed twice
    keeps its stricter requirement, as :func:`matching.features.skill_match` does)."""
    held: dict[str, tuple[int, bool]] = {}
    for s in worker.skills:
        level, cert = held.get(s.code, (0, False))
        held[s.code] = (max(level, s.level), cert or s.certified)
    required: dict[str, tuple[int, bool]] = {}
    for r in posting.required_skills:
        level, cert = required.get(r.code, (0, False))
        required[r.code] = (max(level, r.min_level), cert or r.certificate_required)
    if not required:
        return [_fact("skills_none_required", NEUTRAL, "岗位没有必备技能要求", "the job requires no particular skill")]
    out = []
    for code, (min_level, cert_required) in required.items():
        zh_name, en_name = skill_name(code)
        level, certified = held.get(code, (0, False))
        ask_zh = ("要求不限等级" if min_level <= 1 else f"要求{LEVEL_ZH.get(min_level, min_level)}及以上") + (
            "，须持证" if cert_required else "")
        ask_en = ("any grade" if min_level <= 1 else f"requires {LEVEL_EN.get(min_level, min_level)} or above") + (
            ", certificate required" if cert_required else "")
        if level:
            has_zh = f"本人{LEVEL_ZH.get(level, level)}，{'有证' if certified else '无证'}"
            has_en = f"worker: {LEVEL_EN.get(level, level)}, {'certified' if certified else 'no certificate'}"
        else:
            has_zh, has_en = "本人不具备", "worker does not have it"
        values = {"skill_code": code, "skill_name": zh_name, "level": level or None, "min_level": min_level,
                  "certified": certified, "certificate_required": cert_required}
        if level >= min_level and (certified or not cert_required):
            out.append(_fact("skill_held", FAVOURABLE, f"具备岗位要求技能：{zh_name}（{has_zh}；{ask_zh}）",
                             f"holds required skill {en_name} ({has_en}; {ask_en})", **values))
        else:
            out.append(_fact(MISSING_SKILL, UNFAVOURABLE, f"缺少岗位要求技能：{zh_name}（{ask_zh}；{has_zh}）",
                             f"lacks required skill {en_name} ({ask_en}; {has_en})", **values))
    return out


def wage_fact(worker: WorkerProfile, posting: PostingProfile) -> dict[str, object]:
    lo, hi, want = posting.wage_min, posting.wage_max, worker.expected_monthly_wage
    stated_zh, stated_en = f"月薪 {lo}–{hi} 元，本人期望 {want} 元", f"wage {lo}–{hi} yuan a month, expects {want} yuan"
    values = {"wage_min": lo, "wage_max": hi, "expected_wage": want}
    if lo >= want:
        return _fact("wage", FAVOURABLE, f"{stated_zh}：达到期望", f"{stated_en}: meets the expectation", **values)
    if hi >= want:
        return _fact("wage", NEUTRAL, f"{stated_zh}：最高工资达到期望，最低工资低 {want - lo} 元",
                     f"{stated_en}: the top of the range meets it, the bottom is {want - lo} yuan below", **values)
    return _fact("wage", UNFAVOURABLE, f"{stated_zh}：最高工资比期望低 {want - hi} 元",
                 f"{stated_en}: even the top of the range is {want - hi} yuan below", **values)


def place_fact(worker: WorkerProfile, posting: PostingProfile, tier: str, region_name: RegionName) -> dict[str, object]:
    place, county = region_name(posting.district_code), region_name(worker.county_code)
    paired = tier == "paired_beijing"
    values = {"district_code": posting.district_code, "district_name": place, "tier": tier, "paired": paired}
    if tier == "home_county":
        return _fact("place", FAVOURABLE, f"工作地：{place}，在户籍旗县（家门口就业）",
                     f"workplace {place}, in the home county", **values)
    if tier == "in_region":
        return _fact("place", NEUTRAL, f"工作地：{place}，在内蒙古自治区内（区内就近）",
                     f"workplace {place}, elsewhere in Inner Mongolia", **values)
    if paired:
        return _fact("place", FAVOURABLE, f"工作地：{place}，是{county}的结对区（有服务站）",
                     f"workplace {place}, the district paired with {county} (service station)", **values)
    if tier == "other_beijing":
        names = "、".join(region_name(d) for d in worker.paired_districts)
        zh_pairs, en_pairs = (f"（结对区：{names}）", f" (paired: {names})") if names else ("", "")
        return _fact("place", NEUTRAL, f"工作地：北京市{place}，不是{county}的结对区{zh_pairs}",
                     f"workplace {place} in Beijing, not the district paired with {county}{en_pairs}", **values)
    return _fact("place", NEUTRAL, f"工作地：{place}，在区外其他省市", f"workplace {place}, in another province", **values)


def living_facts(worker: WorkerProfile, posting: PostingProfile) -> list[dict[str, object]]:
    needs, has = worker.needs_dormitory, posting.provides_dormitory
    values = {"needs_dormitory": needs, "provides_dormitory": has}
    if needs and has:
        dorm = _fact("dormitory", FAVOURABLE, "需要住宿，岗位提供宿舍", "needs a dormitory; the job provides one", **values)
    elif needs:
        dorm = _fact("dormitory", UNFAVOURABLE, "需要住宿，但岗位不提供宿舍", "needs a dormitory; the job has none", **values)
    else:
        dorm = _fact("dormitory", NEUTRAL, f"本人不需要住宿（岗位{'提供' if has else '不提供'}宿舍）",
                     f"needs no dormitory (the job {'provides one' if has else 'has none'})", **values)
    meals = (_fact("meals", FAVOURABLE, "提供餐食", "meals provided", provides_meals=True) if posting.provides_meals
             else _fact("meals", UNFAVOURABLE, "不提供餐食", "no meals provided", provides_meals=False))
    return [dorm, meals]


def terms_facts(posting: PostingProfile) -> list[dict[str, object]]:
    months = posting.contract_months
    contract = (_fact("contract", FAVOURABLE, f"劳动合同 {months} 个月（一年及以上）",
                      f"labour contract of {months} months (a year or more)", contract_months=months)
                if months >= 12 else
                _fact("contract", NEUTRAL, f"劳动合同 {months} 个月（不足一年）",
                      f"labour contract of {months} months (under a year)", contract_months=months))
    insurance = (_fact("social_insurance", FAVOURABLE, "缴纳社会保险", "social insurance paid", social_insurance=True)
                 if posting.social_insurance else
                 _fact("social_insurance", UNFAVOURABLE, "不缴纳社会保险", "no social insurance", social_insurance=False))
    return [contract, insurance]


def language_facts(worker: WorkerProfile, posting: PostingProfile) -> list[dict[str, object]]:
    if not posting.languages:
        return []
    spoken = set(worker.languages)
    names_zh = "、".join(LANGUAGE_ZH.get(c, c) for c in posting.languages)
    names_en = ", ".join(LANGUAGE_EN.get(c, c) for c in posting.languages)
    if spoken >= set(posting.languages):
        return [_fact("language", FAVOURABLE, f"岗位要求{names_zh}，本人会说", f"the job requires {names_en}; spoken",
                      languages=list(posting.languages))]
    return [_fact("language", UNFAVOURABLE, f"岗位要求{names_zh}，本人不全会说",
                  f"the job requires {names_en}; not all spoken", languages=list(posting.languages))]


def pair_facts(worker: WorkerProfile, posting: PostingProfile, tier: str, *, skill_name: SkillName,
               region_name: RegionName) -> list[dict[str, object]]:
    """Every checkable fact of the pair, skills first."""
    return [*skill_facts(worker, posting, skill_name), wage_fact(worker, posting),
            place_fact(worker, posting, tier, region_name), *living_facts(worker, posting),
            *terms_facts(posting), *language_facts(worker, posting)]


def listed_reasons(facts: Sequence[dict[str, object]], model: Sequence[dict[str, object]],
                   policy: Sequence[dict[str, object]] = ()) -> list[dict[str, object]]:
    """The reasons a match lists: every missing required skill (a fact, always), the policy
    reasons, then the model reasons. A model reason about the required skills that lowers the
    score lends its effect to the missing-skill facts instead of repeating them."""
    missing = [dict(f) for f in facts if f["code"] == MISSING_SKILL]
    rest = [dict(r) for r in model]
    folded = next((r for r in rest if r.get("code") == "required_skills" and r.get("effect") == "lowers"), None)
    if missing and folded is not None:
        rest.remove(folded)
        for f in missing:
            f["effect"], f["strength"] = folded["effect"], folded["strength"]
            level = int(folded.get("strength") or 1)
            f["text_zh"] = f["zh"] = f"{f['zh']}（{STRENGTH_ZH[level]}减分）"
            f["text_en"] = f["en"] = f"{f['en']} (lowers the score, {STRENGTH_EN[level]})"
    for f in missing:
        f["feature"] = "required_skills"
        f.setdefault("effect", None)
        f.setdefault("strength", None)
    return [*missing, *(dict(p) for p in policy), *rest]
