"""Export layouts: the roster columns (same Chinese headers and labels as the import template)
plus read-only columns, filled from the API's own response dicts (already masked)."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from api.tabular.columns import (DESTINATION_LABELS, EDUCATION_LABELS, LANGUAGE_LABELS, POVERTY_LABELS,
                                 STATUS_LABELS, TRAINING_WISH_LABELS, WORKER_SPEC, first_label)
from seed import taxonomy

Getter = Callable[[dict[str, Any]], Any]
_LEVEL_WORDS = {2: "初级", 3: "中级", 4: "高级", 5: "技师"}


def _labels(labels: dict[str, tuple[str, ...]], key: str) -> Getter:
    one = first_label(labels)
    return lambda d: "；".join(one(v) for v in d.get(key) or [])


def _skill_text(entry: dict[str, Any], level_key: str, cert_key: str) -> str:
    """{security, 3, certified} → 保安（中级，有证）: the form the import reads back."""
    skill = taxonomy.skills().get(entry["code"])
    name = skill.name_zh if skill else entry["code"]
    notes = [w for w in (_LEVEL_WORDS.get(entry.get(level_key) or 1), "有证" if entry.get(cert_key) else None) if w]
    return f"{name}（{'，'.join(notes)}）" if notes else name


def _skills(key: str, level_key: str, cert_key: str) -> Getter:
    return lambda d: "；".join(_skill_text(s, level_key, cert_key) for s in d.get(key) or [])


def _occupations(d: dict[str, Any]) -> str:
    return "；".join(taxonomy.occupation_name(c) for c in d.get("preferred_occupations") or [])


def _experience(d: dict[str, Any]) -> str:
    """[{保安员, 3.0}] → 保安员3年: the form the import reads back."""
    return "；".join(f"{taxonomy.occupation_name(e['occupation_code'])}{e['years']:g}年"
                    for e in d.get("work_experience") or [])


def _occupation(d: dict[str, Any]) -> str:
    return taxonomy.occupation_name(d["occupation_code"])


def _id_region(d: dict[str, Any]) -> str:
    """卓资县; 卓资县（原卓资县 152624）for a retired code taken over; 布特哈旗（已撤销 152121）."""
    region = d.get("id_region")
    if not region:
        return ""
    if region["current"]:
        return region["name"]
    if region["current_code"]:
        return f"{region['current_name']}（原{region['name']} {region['code']}）"
    return f"{region['name']}（已撤销 {region['code']}）"


def _header(name: str) -> str:
    column = WORKER_SPEC.by_field(name)
    return column.zh if column else name


def _field(key: str) -> Getter:
    return lambda d: d.get(key)


WORKER_COLUMNS: tuple[tuple[str, Getter], ...] = (
    ("编号", _field("id")),
    ("姓名", _field("name")),
    ("身份证号", _field("id_number")),
    ("身份证发证地区", _id_region),
    ("联系电话", _field("phone")),
    ("性别", lambda d: {"M": "男", "F": "女"}.get(d.get("sex") or "", "")),
    ("年龄", _field("age")),
    ("户籍所在旗县", _field("county_name")),
    ("旗县代码", _field("county_code")),
    ("乡镇（苏木）", _field("township")),
    ("村（嘎查）", _field("village")),
    ("脱贫属性", lambda d: first_label(POVERTY_LABELS)(d["poverty_status"])),
    ("民族", _field("ethnicity")),
    ("语言", _labels(LANGUAGE_LABELS, "languages")),
    ("文化程度", lambda d: first_label(EDUCATION_LABELS)(d["education"])),
    ("技能", _skills("skills", "level", "certified")),
    ("意向工种", _occupations),
    ("从业经历", _experience),
    ("意向地区", _labels(DESTINATION_LABELS, "destinations")),
    ("期望月薪", _field("expected_monthly_wage")),
    ("需要住宿", _field("needs_dormitory")),
    ("可到岗日期", _field("available_from")),
    ("求职状态", lambda d: first_label(STATUS_LABELS)(d["status"])),
    ("培训意愿", lambda d: d.get("training_wish_text") or first_label(TRAINING_WISH_LABELS)(d.get("training_wish"))),
    ("备注", _field("remark")),
    ("待完善项", lambda d: "、".join(_header(f) for f in d.get("missing_fields") or [])),
    ("登记时间", _field("created_at")),
)

POSTING_COLUMNS: tuple[tuple[str, Getter], ...] = (
    ("编号", _field("id")),
    ("用人单位编号", _field("employer_id")),
    ("用人单位", _field("employer_name")),
    ("岗位名称", _field("title")),
    ("工种", _occupation),
    ("工作地区县", _field("district_name")),
    ("区县代码", _field("district_code")),
    ("工作地址", _field("address")),
    ("招聘人数", _field("openings")),
    ("剩余名额", _field("openings_left")),
    ("最低月薪", _field("wage_min")),
    ("最高月薪", _field("wage_max")),
    ("岗位描述", _field("description")),
    ("提供住宿", _field("provides_dormitory")),
    ("提供餐食", _field("provides_meals")),
    ("缴纳社保", _field("social_insurance")),
    ("最低年龄", _field("age_min")),
    ("最高年龄", _field("age_max")),
    ("最低学历", lambda d: first_label(EDUCATION_LABELS)(d["education_min"])),
    ("技能要求", _skills("required_skills", "min_level", "certificate_required")),
    ("优先技能", lambda d: "；".join(_skill_text({"code": c}, "", "") for c in d.get("preferred_skills") or [])),
    ("语言要求", _labels(LANGUAGE_LABELS, "languages")),
    ("合同期限", _field("contract_months")),
    ("开始日期", _field("start_date")),
    ("截止日期", _field("expires_on")),
    ("状态", _field("status")),
)
LAYOUTS = {"workers": WORKER_COLUMNS, "postings": POSTING_COLUMNS}


def headers(kind: str) -> list[str]:
    return [h for h, _ in LAYOUTS[kind]]


def rows(kind: str, presented: Iterable[dict[str, Any]]) -> Iterable[list[Any]]:
    getters = [g for _, g in LAYOUTS[kind]]
    for item in presented:
        yield [g(item) for g in getters]
