"""Ranked matches inside a fair, the interview plan's capacities, and masked exports."""
from __future__ import annotations

import io
from collections import Counter

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from models.fairs.tables import FairInterview
from tests.factories import id_number, posting_payload, worker_payload
from tests.role_tables.fairs import open_fair

URL = "/api/v1/fairs"


def test_attendee_matches_rank_the_fairs_postings_with_reasons(api, busy_fair):
    fid, worker = busy_fair["fair"], busy_fair["workers"][0]
    r = api.get("admin", f"{URL}/{fid}/matches?worker_id={worker}")
    assert r.status_code == 200
    body = r.get_json()
    assert body["ranker"] == "heuristic" and body["worker"]["id"] == worker
    ids = [m["posting_id"] for m in body["items"]]
    assert set(ids) <= set(busy_fair["own"] + [busy_fair["other"]]) and ids
    scores = [m["score"] for m in body["items"]]
    assert scores == sorted(scores, reverse=True)
    assert any(m["reasons"] and m["reasons"][0]["text_zh"] for m in body["items"])
    outsider = api.post("bureau", "/api/v1/workers", json=worker_payload(seq=999)).get_json()["id"]
    assert api.get("admin", f"{URL}/{fid}/matches?worker_id={outsider}").status_code == 404
    assert api.get("admin", f"{URL}/{fid}/matches").status_code == 422


def test_employers_rank_attendees_for_their_own_postings_masked(api, busy_fair):
    fid = busy_fair["fair"]
    r = api.get("employer", f"{URL}/{fid}/matches?posting_id={busy_fair['own'][1]}")
    assert r.status_code == 200
    body = r.get_json()
    assert body["ranker"] == "heuristic" and len(body["items"]) == 4
    for item in body["items"]:
        worker = item["worker"]
        assert "phone" not in worker and "*" in worker["id_number"] and worker["name"].startswith("李")
    assert api.get("employer", f"{URL}/{fid}/matches?posting_id={busy_fair['other']}").status_code == 404
    assert api.get("employer", f"{URL}/{fid}/matches?worker_id={busy_fair['workers'][0]}").status_code == 403
    operator_view = api.get("admin", f"{URL}/{fid}/matches?posting_id={busy_fair['other']}").get_json()
    assert all(i["worker"]["phone"].startswith("138****") for i in operator_view["items"])


def _fair_with_capacity(api, openings: list[int], slots: list[int], attendees: int) -> tuple[int, list[int], list[int]]:
    fid = open_fair(api)
    postings = []
    for k, (n, s) in enumerate(zip(openings, slots)):
        pid = api.post("employer", "/api/v1/postings",
                       json=posting_payload(openings=n, title=f"岗位{k}", wage_min=5500 + 200 * k,
                                            wage_max=6500 + 300 * k,
                                            provides_dormitory=k % 2 == 0)).get_json()["id"]
        assert api.post("admin", f"{URL}/{fid}/postings", json={"posting_id": pid, "slots": s}).status_code == 201
        postings.append(pid)
    workers = []
    for seq in range(400, 400 + attendees):
        payload = worker_payload(seq=seq, expected_monthly_wage=4000 + 300 * (seq % 7),
                                 needs_dormitory=seq % 3 == 0)
        wid = api.post("bureau", "/api/v1/workers", json=payload).get_json()["id"]
        assert api.post("admin", f"{URL}/{fid}/attendees", json={"worker_id": wid}).status_code == 201
        workers.append(wid)
    return fid, postings, workers


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_stored_plan_never_exceeds_openings_slots_or_the_attendee_limit(api, db_session, limit):
    openings, slots = [1, 3, 2, 1], [2, 4, 1, 0]
    fid, postings, workers = _fair_with_capacity(api, openings, slots, attendees=9)
    home_only = api.post("bureau", "/api/v1/workers",
                         json=worker_payload(seq=499, destinations=["home_county"])).get_json()["id"]
    api.post("admin", f"{URL}/{fid}/attendees", json={"worker_id": home_only})
    r = api.post("admin", f"{URL}/{fid}/plan", json={"limit": limit})
    assert r.status_code == 201
    plan = r.get_json()
    assert plan["ranker"] == "heuristic" and plan["attendee_limit"] == limit and plan["status"] == "optimal"
    stored = db_session.scalars(select(FairInterview).where(FairInterview.fair_id == fid)).all()
    assert len(stored) == len(plan["interviews"]) > 0
    per_posting = Counter(i.posting_id for i in stored)
    hires = Counter(i.posting_id for i in stored if i.is_primary)
    per_worker = Counter(i.worker_id for i in stored)
    for pid, n, s in zip(postings, openings, slots):
        assert per_posting[pid] <= s and hires[pid] <= min(n, s)
    assert max(per_worker.values()) <= limit
    assert max(Counter(i.worker_id for i in stored if i.is_primary).values()) == 1
    assert home_only not in per_worker  # a hard constraint (destination) excludes every pair
    assert set(per_worker) <= set(workers)
    for pid in postings:  # each booth's queue is 1..n, planned hires first
        queue = sorted((i for i in stored if i.posting_id == pid), key=lambda i: i.booth_order)
        assert [i.booth_order for i in queue] == list(range(1, len(queue) + 1))
        assert [i.is_primary for i in queue] == sorted((i.is_primary for i in queue), reverse=True)
    assert sum(hires.values()) == min(sum(min(n, s) for n, s in zip(openings, slots)), len(workers))
    assert plan["expected_lasting_placements"] == pytest.approx(sum(i.p for i in stored if i.is_primary))
    got = api.get("bureau", f"{URL}/{fid}/plan").get_json()
    assert got["congestion"]["pairs"] == len(stored)
    assert got["congestion"]["openings_filled"] == sum(hires.values())
    assert {b["posting_id"]: b["interviews"] for b in got["booths"]} == {p: per_posting[p] for p in postings}


def test_recomputing_replaces_the_plan_and_a_closed_fair_cannot_plan(api, db_session):
    fid, _, _ = _fair_with_capacity(api, [2], [4], attendees=3)
    assert api.get("admin", f"{URL}/{fid}/plan").status_code == 404
    assert len(api.post("admin", f"{URL}/{fid}/plan", json={"limit": 3}).get_json()["interviews"]) == 3
    assert len(api.post("admin", f"{URL}/{fid}/plan", json={"limit": 1}).get_json()["interviews"]) == 3
    assert api.post("admin", f"{URL}/{fid}/plan", json={"limit": 0}).status_code == 422
    etag = api.get("admin", f"{URL}/{fid}").headers["ETag"]
    api.patch("admin", f"{URL}/{fid}", json={"status": "closed"}, headers={"If-Match": etag})
    assert api.post("admin", f"{URL}/{fid}/plan", json={}).status_code == 409


def _all_cells(body: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(body), read_only=True)
    return [str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row
            if v is not None]


def test_exports_mask_workers_as_the_api_does(api, busy_fair):
    fid, employer = busy_fair["fair"], api.tokens["_employer_id"]
    assert api.post("admin", f"{URL}/{fid}/plan", json={}).status_code == 201
    full_ids = [id_number(seq=s) for s in range(201, 205)]
    phones = [f"138{s:08d}" for s in range(201, 205)]
    masked_phones = [f"138****{p[-4:]}" for p in phones]
    listing = api.get("employer", f"{URL}/{fid}/interview-lists/{employer}?format=xlsx")
    assert listing.status_code == 200 and "no-store" in listing.headers["Cache-Control"]
    cells = _all_cells(listing.data)
    text = " ".join(cells)
    assert "150921********" in text and "李201" in text
    assert not any(x in text for x in full_ids + phones + masked_phones)
    html = api.get("employer", f"{URL}/{fid}/interview-lists/{employer}").get_data(as_text=True)
    assert "150921********" in html and not any(x in html for x in full_ids + phones + masked_phones)
    assert "@page" in html and "Noto Sans CJK SC" in html
    assert "%" not in text  # planned by the heuristic: no uncalibrated score shown as a probability
    other = api.tokens["_employer_other_id"]
    assert api.get("employer", f"{URL}/{fid}/interview-lists/{other}").status_code == 404
    assert api.get("bureau", f"{URL}/{fid}/interview-lists/{other}?format=xlsx").status_code == 200
    plan = api.get("admin", f"{URL}/{fid}/plan").get_json()
    worker = next(i["worker"]["id"] for i in plan["interviews"] if i["reasons"])
    sheet = api.get("admin", f"{URL}/{fid}/attendees/{worker}/sheet").get_data(as_text=True)
    mine = [i for i in plan["interviews"] if i["worker"]["id"] == worker]
    assert all(r["text_zh"] in sheet for i in mine for r in i["reasons"])
    assert all(f["text_zh"] in sheet for i in mine for f in i["facts"] if f["code"] == "skill_held")
    assert "具备岗位要求技能：保安" in sheet
    assert "150921********" in sheet and not any(x in sheet for x in full_ids + phones)
    book = _all_cells(api.get("admin",
                              f"{URL}/{fid}/attendees/{worker}/sheet?format=xlsx").data)
    assert "150921********" in " ".join(book) and not any(x in " ".join(book) for x in full_ids)
    assert api.get("admin", f"{URL}/{fid}/attendees/{busy_fair['workers'][0] + 100}/sheet").status_code == 404
