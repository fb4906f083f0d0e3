"""Employers never learn a worker's poverty or monitoring status (PIPL Art. 28).

Every operation of the app's URL map is called with an employer token on a populated world
(the demo world plus 脱贫 and 监测 workers registered, referred, hired and checked in at a
fair with the employer's postings, and an interview plan), exports and printouts in every
format; no answer may carry a poverty status, the priority bonus or its reason. The same
requests as a bureau do carry them, so the markers below are the real ones. The priority
policy still orders what the employer sees.
"""
from __future__ import annotations

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from models import clock
from models.db import session_scope
from models.employers.tables import Employer
from models.postings.tables import Posting
from models.subsidies.tables import SubsidyClaim, SubsidyPolicy
from tests.factories import ZHUOZI, posting_payload, worker_payload
from tests.role_tables.fairs import open_fair

SENSITIVE = re.compile(r"alleviated|monitored|poverty|priority|脱贫|监测|防返贫|建档立卡|政策加分|边缘易致贫|突发严重困难")
FORMATS = {"format": ("csv", "xlsx", "html")}


def readable(response) -> str:
    """The answer as text: JSON unescaped, workbooks cell by cell, CSV in UTF-8 or GBK."""
    head = " ".join(f"{k}: {v}" for k, v in response.headers.items())
    body = response.get_data()
    kind = response.mimetype or ""
    if kind.endswith("json"):
        return head + json.dumps(response.get_json(), ensure_ascii=False)
    if "spreadsheetml" in kind:
        book = load_workbook(io.BytesIO(body), read_only=True)
        return head + " ".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                               for c in row if c is not None)
    if kind == "text/csv":
        for encoding in ("utf-8-sig", "gbk"):
            try:
                return head + " ".join(",".join(r) for r in csv.reader(io.StringIO(body.decode(encoding))))
            except UnicodeDecodeError:
                continue
    return head + body.decode("utf-8", errors="replace")


@pytest.fixture
def world(app, api, runner, db_session):
    result = runner.invoke(args=["seed", "demo", "--workers", "120", "--postings", "20", "--seed", "5"])
    assert result.exit_code == 0, result.output
    from api.commands.subsidies import load_templates

    load_templates(db_session)
    db_session.commit()
    employer_id = api.tokens["_employer_id"]
    postings = [api.post("employer", "/api/v1/postings", json=posting_payload(title=t, openings=4)).get_json()["id"]
                for t in ("小区保安", "写字楼保安")]
    statuses = ["alleviated", "monitored", "none", "alleviated", "none", "monitored"]
    workers = []
    for k, status in enumerate(statuses):
        r = api.post("bureau", "/api/v1/workers", json=worker_payload(
            seq=700 + k, phone=f"1380000{700 + k:04d}", name=f"王{k}", poverty_status=status,
            skills=[{"code": "security", "level": 2 + k % 2, "certified": True}]))
        assert r.status_code == 201, r.get_json()
        workers.append(r.get_json()["id"])
    # a referral in each state the employer can see, and one placement
    apps = [api.post("bureau", "/api/v1/applications", json={"worker_id": w, "posting_id": postings[0]}).get_json()["id"]
            for w in workers[:3]]
    for a in apps[:2]:
        assert api.post("bureau", f"/api/v1/applications/{a}/transitions", json={"to": "interviewing"}).status_code == 200
    hired = api.post("employer", f"/api/v1/applications/{apps[0]}/transitions", json={
        "to": "hired", "placement": {"start_date": clock.today().isoformat(), "monthly_wage": 6000}})
    assert hired.status_code == 200, hired.get_json()
    placement = hired.get_json()["placement_id"]
    fair = open_fair(api, districts=["110105"], counties=[ZHUOZI])
    for pid in postings:
        assert api.post("employer", f"/api/v1/fairs/{fair}/postings", json={"posting_id": pid}).status_code == 201
    for w in workers[1:]:
        assert api.post("admin", f"/api/v1/fairs/{fair}/attendees", json={"worker_id": w}).status_code == 201
    assert api.post("admin", f"/api/v1/fairs/{fair}/plan", json={"limit": 2}).status_code == 201
    first = lambda model: db_session.scalar(select(func.min(model.id)))  # noqa: E731
    ids = {"worker_id": workers[1], "posting_id": postings[0], "employer_id": employer_id,
           "application_id": apps[1], "placement_id": placement, "fair_id": fair,
           "claim_id": first(SubsidyClaim) or 1, "policy_id": first(SubsidyPolicy), "follow_up_id": 1}
    demo_posting = db_session.scalar(select(func.min(Posting.id)).where(Posting.employer_id != employer_id))
    return {"ids": ids, "workers": workers, "postings": postings, "fair": fair, "apps": apps,
            "demo_posting": demo_posting}


def employer_requests(app, world) -> list[tuple[str, str, dict]]:
    """(method, path, options) for every operation of the URL map, with the world's ids."""
    out = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = rule.rule.replace("<string:version>", "v0")
        for name, value in world["ids"].items():
            path = path.replace(f"<int:{name}>", str(value))
        assert "<" not in path, rule.rule
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method == "GET" and (path.endswith("/export") or "interview-lists" in path or path.endswith("/sheet")):
                out += [(method, path, {"query_string": {"format": f}}) for f in FORMATS["format"]]
            elif method == "GET" and path.endswith("/fairs/{}/matches".format(world["fair"])):
                out += [(method, path, {"query_string": {"posting_id": p}}) for p in world["postings"]]
                out.append((method, path, {"query_string": {"worker_id": world["workers"][1]}}))
            elif method == "GET":
                out.append((method, path, {}))
            else:
                out.append((method, path, {"json": {}}))
    # writes an employer may make that answer with a worker in them
    invite = {"worker_id": world["workers"][4], "posting_id": world["postings"][1]}
    out += [("POST", "/api/v1/applications", {"json": invite}),
            ("POST", f"/api/v1/applications/{world['apps'][1]}/transitions",
             {"json": {"to": "rejected", "reason": {"code": "other", "text": "岗位已满"}}}),
            ("POST", f"/api/v1/placements/{world['ids']['placement_id']}/end",
             {"json": {"end_date": clock.today().isoformat(), "reason": {"code": "other", "text": "合同结束"}}})]
    return out


def test_no_employer_answer_or_export_reveals_poverty_status_or_priority(app, api, world):
    requests = employer_requests(app, world)
    answered, leaks = set(), []
    for method, path, options in requests:
        response = api.request(method, "employer", path, **options)
        if response.status_code < 300:
            answered.add(f"{method} {path.split('?')[0]}")
        found = SENSITIVE.findall(readable(response))
        if found:
            leaks.append(f"{method} {path} {options.get('query_string', '')} → {response.status_code}: {sorted(set(found))}")
    assert not leaks, "\n".join(leaks)
    fair, posting = world["fair"], world["postings"][0]
    must = {f"GET /api/v1/postings/{posting}/matches", "GET /api/v1/applications", "GET /api/v1/placements",
            f"GET /api/v1/applications/{world['apps'][1]}", f"GET /api/v1/fairs/{fair}/matches",
            f"GET /api/v1/fairs/{fair}/interview-lists/{world['ids']['employer_id']}", "GET /api/v1/postings/export",
            "POST /api/v1/applications", f"POST /api/v1/placements/{world['ids']['placement_id']}/end"}
    assert must <= answered, must - answered


def test_the_lists_shown_to_employers_are_populated_with_priority_workers(api, world):
    """The walk above meets the sensitive data: the same lists name the priority workers, and
    an administrator sees their status and bonus (the markers are real)."""
    posting = world["postings"][0]
    mine = api.get("employer", f"/api/v1/postings/{posting}/matches", query_string={"limit": 100}).get_json()["items"]
    theirs = api.get("admin", f"/api/v1/postings/{posting}/matches", query_string={"limit": 100}).get_json()["items"]
    priority = {world["workers"][k] for k in (0, 1, 3, 5)}
    assert priority & {m["worker_id"] for m in mine}
    assert any(m["priority_bonus"] > 0 for m in theirs)
    assert SENSITIVE.search(json.dumps(theirs, ensure_ascii=False))
    assert [m["worker_id"] for m in mine] == [m["worker_id"] for m in theirs]
    fair = world["fair"]
    shown = api.get("employer", f"/api/v1/fairs/{fair}/matches", query_string={"posting_id": posting}).get_json()
    assert priority & {m["worker_id"] for m in shown["items"]}
    assert any(m["priority_bonus"] > 0 for m in api.get(
        "bureau", f"/api/v1/fairs/{fair}/matches", query_string={"posting_id": posting}).get_json()["items"])
    listing = api.get("employer", f"/api/v1/fairs/{fair}/interview-lists/{api.tokens['_employer_id']}")
    assert listing.status_code == 200 and "王1" in listing.get_data(as_text=True)
    placements = api.get("bureau", "/api/v1/placements").get_json()["items"]
    assert any(p["poverty_status"] == "alleviated" for p in placements)


def test_priority_still_orders_the_employer_list(api):
    """Two equal candidates: the 监测 worker comes first for the employer too, unexplained."""
    posting = api.post("employer", "/api/v1/postings", json=posting_payload()).get_json()["id"]
    plain = api.post("bureau", "/api/v1/workers", json=worker_payload(
        seq=801, phone="13800000801", poverty_status="none")).get_json()["id"]
    monitored = api.post("bureau", "/api/v1/workers", json=worker_payload(
        seq=802, phone="13800000802", poverty_status="monitored")).get_json()["id"]
    items = api.get("employer", f"/api/v1/postings/{posting}/matches").get_json()["items"]
    assert [m["worker_id"] for m in items] == [monitored, plain]
    assert items[0]["reasons"] == items[1]["reasons"]  # nothing tells them apart but the order


def test_interview_lists_printed_by_the_fair_carry_no_priority(api, world):
    """The per-employer list is handed to the employer whoever prints it."""
    path = f"/api/v1/fairs/{world['fair']}/interview-lists/{api.tokens['_employer_id']}"
    for role in ("admin", "bureau"):
        for fmt in ("html", "xlsx"):
            response = api.get(role, path, query_string={"format": fmt})
            if response.status_code == 403:
                continue
            assert response.status_code == 200, (role, response.status_code)
            assert not SENSITIVE.search(readable(response)), (role, fmt)
