"""Reports: 卓资县's published 2022 new-employment figures, and retention by group."""
from __future__ import annotations

from datetime import date, timedelta
from itertools import cycle

from sqlalchemy import insert, select

from models.placements.tables import Placement
from models.workers.tables import Worker
from tests.factories import AOHAN, ZHUOZI
from tests.placements.placement_helpers import new_worker

NEW = "/api/v1/reports/new-employment"
RETENTION = "/api/v1/reports/retention"


def bulk_workers(session, n: int, county: str = ZHUOZI) -> list[int]:
    first = session.scalar(select(Worker.id).order_by(Worker.id.desc()).limit(1)) or 0
    session.execute(insert(Worker), [{
        "name": f"工{i}", "county_code": county, "poverty_status": "none", "education": "junior",
        "expected_monthly_wage": 4000, "available_from": date(2022, 1, 1), "status": "employed",
    } for i in range(n)])
    return list(session.scalars(select(Worker.id).where(Worker.id > first).order_by(Worker.id)))


def bulk_placements(session, rows: list[dict]) -> None:
    defaults = {"monthly_wage": 4000, "contract_type": "fixed_term", "contract_months": 12,
                "social_insurance": True, "dormitory": False}
    session.execute(insert(Placement), [{**defaults, **r} for r in rows])


def zhuozi_2022(workers: list[int]) -> list[dict]:
    """1,799 of the 1,800 (the last nearby one is recorded through the API)."""
    groups = [("110105", 68, 44), ("150102", 1629, 1349), ("130102", 102, 56)]
    days = cycle(date(2022, 1, 1) + timedelta(days=d) for d in range(365))
    other_status = cycle(["none", "monitored"])   # 监测对象 are not 脱贫 in the table
    rows, ids = [], iter(workers)
    for workplace, count, alleviated in groups:
        nearby_places = cycle([workplace, ZHUOZI]) if workplace.startswith("15") else cycle([workplace])
        for i in range(count):
            place = next(nearby_places)
            rows.append({"worker_id": next(ids), "county_code": ZHUOZI, "workplace_code": place,
                         "destination": {"11": "beijing", "15": "in_region"}.get(place[:2], "other"),
                         "poverty_status": "alleviated" if i < alleviated else next(other_status),
                         "start_date": next(days)})
    return rows


def test_new_employment_reproduces_zhuozi_2022(api, db_session):
    workers = bulk_workers(db_session, 1799 + 3)
    rows = zhuozi_2022(workers[:1799])
    noise = [  # other years, another county, and a second job of a worker already counted
        {**rows[0], "worker_id": workers[1799], "start_date": date(2021, 12, 31)},
        {**rows[0], "worker_id": workers[1800], "start_date": date(2023, 1, 1)},
        {**rows[5], "start_date": date(2022, 12, 30), "destination": "other", "workplace_code": "130102"},
    ]
    bulk_placements(db_session, rows + noise)
    aohan = bulk_workers(db_session, 1, county=AOHAN)
    bulk_placements(db_session, [{**rows[0], "worker_id": aohan[0], "county_code": AOHAN}])
    db_session.commit()
    worker = new_worker(api, seq=432, poverty_status="alleviated")
    r = api.post("bureau", "/api/v1/placements", json={
        "worker_id": worker, "workplace_code": "150981", "start_date": "2022-09-01", "monthly_wage": 3800,
        "backdate_reason": "2022年务工台账补录"})
    assert r.status_code == 201, r.get_json()

    report = api.get("bureau", NEW, query_string={"county": ZHUOZI, "year": 2022})
    assert report.status_code == 200
    assert report.get_json() == {
        "county": ZHUOZI, "county_name": "卓资县", "year": 2022,
        "total": {"count": 1800, "alleviated": 1450},
        "beijing": {"count": 68, "alleviated": 44},
        "in_region": {"count": 1630, "alleviated": 1350},
        "other": {"count": 102, "alleviated": 56},
    }
    assert api.get("bureau_other", NEW, query_string={"county": ZHUOZI, "year": 2022}).status_code == 403
    assert api.get("admin", NEW, query_string={"county": AOHAN, "year": 2022}).get_json()["total"]["count"] == 1
    assert api.get("bureau", NEW, query_string={"county": ZHUOZI}).status_code == 422


def test_retention_counts_only_placements_old_enough(api, db_session):
    w = bulk_workers(db_session, 4) + bulk_workers(db_session, 1, county=AOHAN)
    base = {"county_code": ZHUOZI, "monthly_wage": 4000}
    bulk_placements(db_session, [
        {**base, "worker_id": w[0], "start_date": date(2023, 1, 10), "end_date": None,
         "destination": "beijing", "workplace_code": "110105", "poverty_status": "alleviated"},
        {**base, "worker_id": w[1], "start_date": date(2023, 1, 10), "end_date": date(2023, 5, 1),
         "destination": "in_region", "workplace_code": "150102", "poverty_status": "none"},
        {**base, "worker_id": w[2], "start_date": date(2023, 11, 1), "end_date": None,
         "destination": "in_region", "workplace_code": "150102", "poverty_status": "none"},
        {**base, "worker_id": w[3], "start_date": date(2022, 6, 1), "end_date": date(2023, 6, 1),
         "destination": "other", "workplace_code": "130102", "poverty_status": "alleviated"},
        {**base, "worker_id": w[4], "county_code": AOHAN, "start_date": date(2022, 1, 1),
         "end_date": date(2022, 2, 1), "destination": "other", "workplace_code": "130102",
         "poverty_status": "monitored"},
    ])
    db_session.commit()
    cell = lambda e, r: {"eligible": e, "retained": r, "share": round(r / e, 4) if e else None}  # noqa: E731

    admin = api.get("admin", RETENTION, query_string={"as_of": "2023-12-31"}).get_json()
    assert admin["overall"]["m3"] == cell(4, 3)
    assert admin["overall"]["m6"] == cell(4, 2)
    assert admin["overall"]["m12"] == cell(2, 1)
    assert [r["key"] for r in admin["by_county"]] == [AOHAN, ZHUOZI]
    by_destination = {r["key"]: r for r in admin["by_destination"]}
    assert by_destination["in_region"]["m3"] == cell(1, 1) and by_destination["in_region"]["placements"] == 2
    assert by_destination["other"]["m12"] == cell(2, 1)
    by_poverty = {r["key"]: r for r in admin["by_poverty_status"]}
    assert by_poverty["alleviated"]["m6"] == cell(2, 2) and by_poverty["monitored"]["m3"] == cell(1, 0)

    mine = api.get("bureau", RETENTION, query_string={"as_of": "2023-12-31"}).get_json()
    assert [r["key"] for r in mine["by_county"]] == [ZHUOZI] and mine["overall"]["m3"] == cell(3, 3)
    year = api.get("bureau", RETENTION, query_string={"as_of": "2023-12-31", "year": 2023}).get_json()
    assert year["overall"]["placements"] == 3 and year["overall"]["m12"] == cell(0, 0)
    assert api.get("bureau", RETENTION, query_string={"county": AOHAN}).status_code == 403
