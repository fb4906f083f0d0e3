"""Declared work experience (从业经历): API, roster and template, and matching counts it like history."""
from __future__ import annotations

from datetime import timedelta

import pytest

from models import clock
from models.placements.tables import Placement
from tests.factories import SECURITY, posting_payload, worker_payload
from tests.tabular.sheets import WORKER_HEADERS, sheet_rows, upload, worker_row, xlsx

CLEANER = "4-09-08-01"
IMPORT = "/api/v1/workers/import"


def test_a_worker_is_registered_with_declared_experience_and_can_change_it(api) -> None:
    body = worker_payload(work_experience=[{"occupation_code": SECURITY, "years": 3},
                                           {"occupation_code": CLEANER, "years": 1.5}])
    r = api.post("bureau", "/api/v1/workers", json=body)
    assert r.status_code == 201, r.get_json()
    wid = r.get_json()["id"]
    assert api.get("bureau", f"/api/v1/workers/{wid}").get_json()["work_experience"] == [
        {"occupation_code": SECURITY, "years": 3.0}, {"occupation_code": CLEANER, "years": 1.5}]
    assert api.post("bureau", "/api/v1/workers", json=worker_payload(seq=9)).get_json()["work_experience"] == []
    etag = api.get("bureau", f"/api/v1/workers/{wid}").headers["ETag"]
    patched = api.patch("bureau", f"/api/v1/workers/{wid}", headers={"If-Match": etag},
                        json={"work_experience": [{"occupation_code": SECURITY, "years": 4}]})
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["work_experience"] == [{"occupation_code": SECURITY, "years": 4.0}]


@pytest.mark.parametrize(("entries", "where"), [
    ([{"occupation_code": SECURITY, "years": 0}], ("0", "years")),
    ([{"occupation_code": SECURITY, "years": 51}], ("0", "years")),
    ([{"occupation_code": SECURITY, "years": 1.25}], ("0", "years")),
    ([{"occupation_code": SECURITY}], ("0", "years")),
    ([{"years": 2}], ("0", "occupation_code")),
    ([{"occupation_code": SECURITY, "years": 2, "employer": "x"}], ("0", "employer")),
    ([{"occupation_code": SECURITY, "years": 2}, {"occupation_code": SECURITY, "years": 1}], None),
])
def test_bad_experience_is_a_field_level_422_and_registers_nobody(api, entries, where) -> None:
    r = api.post("bureau", "/api/v1/workers", json=worker_payload(work_experience=entries))
    assert r.status_code == 422
    errors = r.get_json()["errors"]["json"]["work_experience"]
    if where is not None:
        assert where[1] in errors[where[0]]
    assert api.get("bureau", "/api/v1/workers").get_json()["items"] == []


def test_an_unknown_occupation_code_in_the_experience_is_refused(api) -> None:
    r = api.post("bureau", "/api/v1/workers", json=worker_payload(
        work_experience=[{"occupation_code": "9-99-99-99", "years": 2}]))
    assert r.status_code == 422 and "work_experience" in str(r.get_json()["errors"])
    assert api.get("bureau", "/api/v1/workers").get_json()["items"] == []


def test_the_roster_reads_declared_experience_and_reports_a_cell_it_cannot_read(api) -> None:
    headers = [*WORKER_HEADERS, "从业经历"]
    rows = [worker_row(1, 从业经历="保安员3年；保洁员1.5年"), worker_row(2, 从业经历="保安员（半年）"),
            worker_row(3), worker_row(4, 从业经历="保安员很多年")]
    r = upload(api, "bureau", IMPORT, xlsx(headers, rows), mode="valid_rows")
    body = r.get_json()
    assert body["created"] == 3
    [bad] = body["rows"]
    assert bad["row"] == 5 and "从业经历" in bad["message"] + str(bad.get("column")) and "保安员很多年" in bad["message"]
    by_name = {w["name"]: w for w in api.get("bureau", "/api/v1/workers").get_json()["items"]}
    assert by_name["张1"]["work_experience"] == [{"occupation_code": SECURITY, "years": 3.0},
                                                {"occupation_code": CLEANER, "years": 1.5}]
    assert by_name["张2"]["work_experience"] == [{"occupation_code": SECURITY, "years": 0.5}]
    assert by_name["张3"]["work_experience"] == []


def test_the_template_has_the_experience_column_and_the_export_writes_it_back(api) -> None:
    template = api.get("bureau", "/api/v1/workers/import/template")
    assert "从业经历" in sheet_rows(template.data)[0]
    assert any(row[0] == "从业经历" and "保安员3年" in row[3] for row in sheet_rows(template.data, 1))
    api.post("bureau", "/api/v1/workers", json=worker_payload(work_experience=[
        {"occupation_code": SECURITY, "years": 3}, {"occupation_code": CLEANER, "years": 1.5}]))
    export = api.get("bureau", "/api/v1/workers/export")
    assert export.status_code == 200
    rows = sheet_rows(export.data)
    header = rows[0].index("从业经历")
    assert rows[1][header] == "保安员3年；保洁员1.5年"


def _scores(api, worker_id: int) -> dict[int, float]:
    items = api.get("bureau", f"/api/v1/workers/{worker_id}/matches").get_json()["items"]
    return {m["posting_id"]: m["model_score"] for m in items}


def test_declared_experience_ranks_a_new_worker_like_an_equivalent_worker_with_history(api, db_session) -> None:
    employer = api.tokens["_employer_id"]
    old = api.post("employer", "/api/v1/postings", json=posting_payload(title="旧岗位保安")).get_json()["id"]
    for title, occupation, skills in (("小区保安", SECURITY, None), ("商场保安", SECURITY, None),
                                      ("保洁", CLEANER, [])):
        extra = {} if skills is None else {"required_skills": skills}
        assert api.post("employer", "/api/v1/postings", json=posting_payload(
            title=title, occupation_code=occupation, **extra)).status_code == 201
    declared = api.post("bureau", "/api/v1/workers", json=worker_payload(
        seq=21, work_experience=[{"occupation_code": SECURITY, "years": 3}])).get_json()["id"]
    history = api.post("bureau", "/api/v1/workers", json=worker_payload(seq=22)).get_json()["id"]
    novice = api.post("bureau", "/api/v1/workers", json=worker_payload(seq=23)).get_json()["id"]
    today = clock.today()
    start = today - timedelta(days=3 * 365 + 200)
    db_session.add(Placement(worker_id=history, posting_id=old, employer_id=employer, county_code="150921",
                             poverty_status="alleviated", destination="beijing", start_date=start,
                             end_date=start + timedelta(days=36 * 30 + 10), monthly_wage=6000))
    db_session.commit()
    with_declared, with_history, without = _scores(api, declared), _scores(api, history), _scores(api, novice)
    assert len(with_declared) >= 4 and with_declared.keys() == with_history.keys() == without.keys()
    assert with_declared == pytest.approx(with_history)
    security = [p for p in with_declared if p != old]
    assert any(with_declared[p] > without[p] for p in security)  # experience counts at all
