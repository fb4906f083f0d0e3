"""Subsidy policies: shipped templates, county copies, field-level 422s, versioning."""
from __future__ import annotations

from copy import deepcopy

from hypothesis import given, settings, strategies as st
from marshmallow import ValidationError

from api.commands.subsidies import read_templates
from api.schemas.subsidies import PolicyRulesSchema
from models.subsidies.tables import SubsidyPolicy
from tests.factories import AOHAN, ZHUOZI

URL = "/api/v1/subsidy-policies"
RULES = read_templates()[0]["rules"]
RULES_JSON = {**RULES, "amount": dict(RULES["amount"])}


def load(runner):
    result = runner.invoke(args=["subsidies", "load-templates"])
    assert result.exit_code == 0, result.output
    return result.output


def test_templates_load_disabled_without_county_and_idempotently(runner, api):
    assert "'created': 3" in load(runner)
    assert "'unchanged': 3" in load(runner)
    items = api.get("admin", URL).get_json()["items"]
    assert {p["key"] for p in items} == {"template-transport", "template-stable-job", "template-employer-hiring"}
    assert all(p["is_template"] and not p["enabled"] and p["county_code"] is None for p in items)
    hiring = next(p for p in items if p["key"] == "template-employer-hiring")
    assert hiring["rules"]["amount"] == {"kind": "fixed", "fen": 500000} and hiring["rules"]["payee"] == "employer"


def test_admin_enables_a_template_for_a_county(runner, api):
    load(runner)
    r = api.post("admin", URL, json={"template": "template-transport", "county_code": ZHUOZI,
                                     "valid_from": "2026-01-01", "enabled": True})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["key"] == f"{ZHUOZI}-transport-2026" and body["enabled"] and body["version"] == 1
    assert body["rules"] == RULES_JSON and body["template_key"] == "template-transport"
    # the bureau of that county sees it; another county's bureau does not
    assert api.get("bureau", f"{URL}/{body['id']}").status_code == 200
    assert api.get("bureau_other", f"{URL}/{body['id']}").status_code == 404
    assert all(p["county_code"] != ZHUOZI for p in api.get("bureau_other", URL).get_json()["items"])
    assert api.post("admin", URL, json={"template": "template-transport", "county_code": ZHUOZI,
                                        "valid_from": "2026-01-01"}).status_code == 409


def test_a_template_itself_cannot_be_enabled(runner, api):
    load(runner)
    tpl = next(p for p in api.get("admin", URL).get_json()["items"] if p["key"] == "template-transport")
    r = api.patch("admin", f"{URL}/{tpl['id']}", json={"enabled": True}, headers={"If-Match": f'"{tpl["id"]}-1"'})
    assert r.status_code == 422 and "enabled" in r.get_json()["errors"]["json"]


def test_editing_creates_a_new_version_and_keeps_the_old(api):
    r = api.post("admin", URL, json={"county_code": AOHAN, "name": "交通补贴", "valid_from": "2026-01-01",
                                     "rules": RULES_JSON, "key": "aohan-transport"})
    first = r.get_json()
    assert r.status_code == 201 and first["version"] == 1
    assert api.patch("admin", f"{URL}/{first['id']}", json={"enabled": True}).status_code == 428
    rules = deepcopy(RULES_JSON)
    rules["amount"]["tiers"]["cross_province"] = 120000
    r = api.patch("admin", f"{URL}/{first['id']}", json={"rules": rules, "enabled": True},
                  headers={"If-Match": r.headers["ETag"]})
    second = r.get_json()
    assert r.status_code == 201 and second["version"] == 2 and second["id"] != first["id"]
    assert second["rules"]["amount"]["tiers"]["cross_province"] == 120000 and second["key"] == "aohan-transport"
    old = api.get("admin", f"{URL}/{first['id']}").get_json()
    assert not old["is_current"] and old["rules"] == RULES_JSON and old["superseded_at"]
    # the superseded version cannot be edited again
    again = api.patch("admin", f"{URL}/{first['id']}", json={"enabled": False}, headers={"If-Match": "*"})
    assert again.status_code == 412
    history = api.get("admin", f"{URL}?key=aohan-transport&all_versions=true").get_json()
    assert [p["version"] for p in history["items"]] == [1, 2]
    assert api.get("admin", f"{URL}?key=aohan-transport").get_json()["total"] == 1


def test_invalid_policies_get_field_level_messages(api):
    rules = {**RULES_JSON, "eligible_groups": [], "limit": "twice", "payee": "bank",
             "amount": {"kind": "fixed", "fen": 10.5}, "min_continuous_months": -1, "colour": "red"}
    r = api.post("admin", URL, json={"county_code": "110105", "name": "x", "valid_from": "2026-05-01",
                                     "valid_to": "2026-01-01", "rules": rules})
    assert r.status_code == 422
    errors = r.get_json()["errors"]["json"]
    assert set(errors) >= {"county_code", "rules"}
    assert set(errors["rules"]) >= {"eligible_groups", "limit", "payee", "amount", "min_continuous_months", "colour"}
    assert all(" / " in m for msgs in errors["rules"].values() if isinstance(msgs, list) for m in msgs)
    r = api.post("admin", URL, json={"county_code": ZHUOZI, "name": "x", "valid_from": "2026-05-01",
                                     "valid_to": "2026-01-01", "rules": RULES_JSON})
    assert r.status_code == 422 and "valid_to" in r.get_json()["errors"]["json"]
    r = api.post("admin", URL, json={"county_code": ZHUOZI, "valid_from": "2026-05-01", "template": "nope"})
    assert r.status_code == 422 and "template" in r.get_json()["errors"]["json"]


def test_only_admins_write_policies(api, db_session):
    body = {"county_code": ZHUOZI, "name": "x", "valid_from": "2026-01-01", "rules": RULES_JSON}
    assert api.post("bureau", URL, json=body).status_code == 403
    assert db_session.query(SubsidyPolicy).count() == 0


MUTATIONS = st.sampled_from([
    ("eligible_groups", ["poor"]), ("eligible_groups", []), ("destination_tiers", ["moon"]),
    ("min_continuous_months", -1), ("min_continuous_months", 121), ("min_continuous_months", "3"),
    ("min_monthly_wage_fen", 0), ("min_monthly_wage_fen", 99.5), ("limit", "daily"), ("payee", "village"),
    ("amount", {"kind": "fixed"}), ("amount", {"kind": "per_month", "fen_per_month": 100}),
    ("amount", {"kind": "fixed", "fen": 100, "max_months": 3}), ("amount", {"kind": "cash", "fen": 1}),
    ("amount", {"kind": "by_tier", "tiers": {"home_county": 100}}), ("evidence_any_of", ["photo"]),
    ("evidence_any_of", []), ("min_social_insurance_months", 6), ("unknown_rule", True),
])


@settings(max_examples=60, deadline=None)
@given(mutations=st.lists(MUTATIONS, min_size=1, max_size=4, unique_by=lambda m: m[0]))
def test_any_invalid_rule_is_rejected_and_named(mutations):
    rules = deepcopy(RULES)
    for field, value in mutations:
        rules[field] = value
    try:
        PolicyRulesSchema().load(rules)
    except ValidationError as exc:
        named = set(exc.messages)
        assert named & {f for f, _ in mutations}, (mutations, exc.messages)
        return
    raise AssertionError(f"accepted invalid rules: {mutations}")


@given(fen=st.integers(1, 10_000_000), months=st.integers(0, 120), groups=st.sets(
    st.sampled_from(["alleviated", "monitored", "none"]), min_size=1))
def test_valid_rules_are_accepted(fen, months, groups):
    rules = {**deepcopy(RULES), "eligible_groups": sorted(groups), "min_continuous_months": months,
             "amount": {"kind": "fixed", "fen": fen}}
    assert PolicyRulesSchema().load(rules)["amount"]["fen"] == fen
