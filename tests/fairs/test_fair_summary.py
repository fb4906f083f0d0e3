"""The fair summary: hires at the fair and their 90-day retention, by county and poverty status."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from models import clock
from models.clock import CST
from models.placements.tables import Application, Placement
from tests.factories import AOHAN, ZHUOZI, posting_payload, worker_payload
from tests.role_tables.fairs import open_fair

URL = "/api/v1/fairs"


def _placement(db_session, *, worker: int, posting: int, employer: int, county: str, poverty: str,
               start, end=None, application: int | None = None) -> None:
    db_session.add(Placement(worker_id=worker, posting_id=posting, employer_id=employer, county_code=county,
                             poverty_status=poverty, destination="beijing", start_date=start,
                             end_date=end, monthly_wage=6000, application_id=application))


def test_summary_counts_fair_hires_and_their_retention_by_group(api, db_session):
    today = clock.today()
    day = today - timedelta(days=150)
    # A joint fair of two counties: the 敖汉旗 worker attends, the hires are 卓资县's.
    fid = open_fair(api, role="admin", starts_on=day.isoformat(), counties=[ZHUOZI, AOHAN])
    employer = api.tokens["_employer_id"]
    posting = api.post("employer", "/api/v1/postings", json=posting_payload(openings=5)).get_json()["id"]
    elsewhere = api.post("employer", "/api/v1/postings", json=posting_payload(title="不在招聘会")).get_json()["id"]
    api.post("admin", f"{URL}/{fid}/postings", json={"posting_id": posting})
    poor = api.post("bureau", "/api/v1/workers", json=worker_payload(seq=1)).get_json()["id"]
    plain = api.post("bureau", "/api/v1/workers", json=worker_payload(seq=2, poverty_status="none")).get_json()["id"]
    visitor = api.post("bureau_other", "/api/v1/workers", json=worker_payload(seq=3, county=AOHAN)).get_json()["id"]
    late = api.post("bureau", "/api/v1/workers", json=worker_payload(seq=4)).get_json()["id"]
    for w in (poor, plain, visitor):
        api.post("admin", f"{URL}/{fid}/attendees", json={"worker_id": w})
    api.post("admin", f"{URL}/{fid}/plan", json={})
    assert api.get("admin", f"{URL}/{fid}/summary").status_code == 409

    at_fair = datetime.combine(day, time(10), CST)
    app_fair = Application(worker_id=late, posting_id=posting, state="hired", source="fair", created_at=at_fair)
    app_before = Application(worker_id=late, posting_id=posting, state="hired", source="fair",
                             created_at=at_fair - timedelta(days=3))
    db_session.add_all([app_fair, app_before])
    db_session.flush()
    # 1. an application made at the fair (the worker never checked in): lasted → retained
    _placement(db_session, worker=late, posting=posting, employer=employer, county=ZHUOZI, poverty="alleviated",
               start=day + timedelta(days=10), application=app_fair.id)
    # 2. an attendee placed into the fair posting, left after 30 days → judged, not retained
    _placement(db_session, worker=poor, posting=posting, employer=employer, county=ZHUOZI, poverty="alleviated",
               start=day + timedelta(days=5), end=day + timedelta(days=35))
    # 3. an attendee whose job started 85 days after the fair: a fair hire, too recent to judge
    _placement(db_session, worker=plain, posting=posting, employer=employer, county=ZHUOZI, poverty="none",
               start=day + timedelta(days=85))
    # not fair hires: an application made before the fair; a posting outside the fair
    _placement(db_session, worker=late, posting=posting, employer=employer, county=ZHUOZI, poverty="alleviated",
               start=day, application=app_before.id)
    _placement(db_session, worker=visitor, posting=elsewhere, employer=employer, county=AOHAN,
               poverty="alleviated", start=day + timedelta(days=5))
    db_session.commit()

    etag = api.get("admin", f"{URL}/{fid}").headers["ETag"]
    assert api.patch("bureau", f"{URL}/{fid}", json={"status": "closed"}, headers={"If-Match": etag}).status_code == 200
    r = api.get("bureau", f"{URL}/{fid}/summary")
    assert r.status_code == 200
    body = r.get_json()
    totals = body["totals"]
    assert (totals["attendees"], totals["hires"], totals["retention_judged"], totals["retained_90d"]) == (3, 3, 2, 1)
    assert totals["retention_rate"] == 0.5 and totals["interviews"] >= 1
    groups = {(g["county_code"], g["poverty_status"]): g for g in body["groups"]}
    assert groups[(ZHUOZI, "alleviated")]["hires"] == 2 and groups[(ZHUOZI, "alleviated")]["retained_90d"] == 1
    assert groups[(ZHUOZI, "none")]["hires"] == 1 and groups[(ZHUOZI, "none")]["retention_rate"] is None
    assert groups[(AOHAN, "alleviated")]["hires"] == 0
    assert groups[(AOHAN, "alleviated")]["attendees"] == 1 and groups[(AOHAN, "alleviated")]["county_name"] == "敖汉旗"
    assert api.get("employer", f"{URL}/{fid}/summary").status_code == 403


def test_a_roster_worker_of_unknown_household_status_is_summarised_as_unknown(api, db_session):
    from tests.tabular.sheets import upload, xlsx

    fid = open_fair(api)
    known = api.post("bureau", "/api/v1/workers", json=worker_payload(seq=1)).get_json()["id"]
    roster = xlsx(["姓名", "身份证号"], [{"姓名": "乌云", "身份证号": worker_payload(seq=2)["id_number"]}])
    assert upload(api, "bureau", "/api/v1/workers/import", roster).get_json()["created"] == 1
    unknown = next(w["id"] for w in api.get("bureau", "/api/v1/workers?profile_complete=false").get_json()["items"])
    for w in (known, unknown):
        assert api.post("admin", f"{URL}/{fid}/attendees", json={"worker_id": w}).status_code == 201
    etag = api.get("bureau", f"{URL}/{fid}").headers["ETag"]
    assert api.patch("bureau", f"{URL}/{fid}", json={"status": "closed"}, headers={"If-Match": etag}).status_code == 200
    r = api.get("admin", f"{URL}/{fid}/summary")
    assert r.status_code == 200, r.get_json()
    groups = {(g["county_code"], g["poverty_status"]): g["attendees"] for g in r.get_json()["groups"]}
    assert groups == {(ZHUOZI, "alleviated"): 1, (ZHUOZI, "unknown"): 1}
