"""Use cases on subsidy policies: templates, county copies, versioned edits, policies in force."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from models.db.base import utcnow
from models.errors import Conflict, RuleViolation, StaleVersion
from models.subsidies.tables import SubsidyPolicy

LATE_FINDING_DAYS = 366
"""A policy stays in the eligibility run this long after it ends, so a worker who qualified
on its last day is still found by a run in the next year (the engine checks the date)."""
VERSIONED_FIELDS = ("name", "valid_from", "valid_to", "enabled", "rules")


def current_by_key(session: Session, key: str) -> SubsidyPolicy | None:
    return session.scalar(select(SubsidyPolicy).where(SubsidyPolicy.key == key, SubsidyPolicy.is_current))


def upsert_templates(*, session: Session, templates: list[dict[str, Any]]) -> dict[str, int]:
    """Load the shipped templates (disabled, no county); a changed template gets a new version."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for tpl in templates:
        existing = current_by_key(session, tpl["key"])
        fields = {"name": tpl["name"], "valid_from": tpl["valid_from"], "valid_to": None,
                  "enabled": False, "rules": tpl["rules"]}
        if existing is None:
            session.add(SubsidyPolicy(key=tpl["key"], version=1, is_current=True, county_code=None, **fields))
            counts["created"] += 1
        elif any(getattr(existing, k) != v for k, v in fields.items()):
            new_version(session=session, policy=existing, changes=fields, created_by=None)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
        session.flush()
    return counts


def create_policy(*, session: Session, data: dict[str, Any], created_by: int | None) -> SubsidyPolicy:
    """A county policy from full rules or copied from a template (``data["template"]``)."""
    rules, name, template_key = data.get("rules"), data.get("name"), data.get("template")
    if template_key:
        template = current_by_key(session, template_key)
        if template is None or not template.is_template:
            raise RuleViolation(f"没有此模板 / No such template: {template_key}", field="template")
        rules, name = template.rules, name or template.name
    key = data.get("key") or f"{data['county_code']}-{(template_key or 'policy').removeprefix('template-')}" \
                             f"-{data['valid_from'].year}"
    if session.scalar(select(SubsidyPolicy.id).where(SubsidyPolicy.key == key).limit(1)) is not None:
        raise Conflict(f"政策编号已存在 / A policy with key {key} exists; edit it instead")
    policy = SubsidyPolicy(key=key, version=1, is_current=True, name=name, county_code=data["county_code"],
                           valid_from=data["valid_from"], valid_to=data.get("valid_to"),
                           enabled=data.get("enabled", False), rules=rules, template_key=template_key,
                           created_by=created_by)
    session.add(policy)
    session.flush()
    return policy


def new_version(*, session: Session, policy: SubsidyPolicy, changes: dict[str, Any],
                created_by: int | None) -> SubsidyPolicy:
    """Supersede ``policy`` with a new version carrying ``changes``; claims keep the old one."""
    if not policy.is_current:
        raise StaleVersion("只能修改当前版本 / Only the current version can be edited")
    merged = {k: changes.get(k, getattr(policy, k)) for k in VERSIONED_FIELDS}
    if merged["valid_to"] is not None and merged["valid_to"] < merged["valid_from"]:
        raise RuleViolation("结束日期不得早于开始日期 / Must not be before valid_from", field="valid_to")
    if policy.is_template and merged["enabled"]:
        raise RuleViolation("模板没有所属旗县，不能启用；请复制到旗县 / A template has no county and cannot be "
                            "enabled; copy it to a county with POST {template, county_code}", field="enabled")
    # Conditional UPDATE: of two concurrent edits only one supersedes the current version.
    done = session.execute(
        update(SubsidyPolicy).where(SubsidyPolicy.id == policy.id, SubsidyPolicy.is_current)
        .values(is_current=False, superseded_at=utcnow()).execution_options(synchronize_session=False))
    if (done.rowcount or 0) != 1:
        raise StaleVersion("该版本已被修改 / This version was already superseded")
    session.expire(policy)
    successor = SubsidyPolicy(key=policy.key, version=policy.version + 1, is_current=True,
                              county_code=policy.county_code, template_key=policy.template_key,
                              created_by=created_by, **merged)
    session.add(successor)
    session.flush()
    return successor


def policies_in_force(*, session: Session, county_code: str, as_of: date) -> list[SubsidyPolicy]:
    """Enabled current policies of a county that have started and not long ended."""
    return list(session.scalars(
        select(SubsidyPolicy).where(
            SubsidyPolicy.county_code == county_code, SubsidyPolicy.is_current, SubsidyPolicy.enabled,
            SubsidyPolicy.valid_from <= as_of,
            or_(SubsidyPolicy.valid_to.is_(None),
                SubsidyPolicy.valid_to >= as_of - timedelta(days=LATE_FINDING_DAYS)))
        .order_by(SubsidyPolicy.key)))


def counties_with_policies(*, session: Session, as_of: date) -> list[str]:
    return sorted(set(session.scalars(
        select(SubsidyPolicy.county_code).where(
            SubsidyPolicy.is_current, SubsidyPolicy.enabled, SubsidyPolicy.county_code.is_not(None),
            SubsidyPolicy.valid_from <= as_of))))
