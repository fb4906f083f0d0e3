"""A mistyped ID number can be corrected: only by the bureau of the worker's county (or an
administrator), with a reason, checked like a registration and against every registered worker
through the keyed index; the old digest finds no one afterwards, birth date and sex follow the
new number, and the audit row carries the reason and both numbers masked, never in clear."""
from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from models.access.tables import AuditEntry
from tests.factories import AOHAN, id_number, worker_payload

URL = "/api/v1/workers"
TYPED = id_number(seq=401, birth=date(1990, 3, 8))
RIGHT = id_number(seq=402, birth=date(1990, 8, 3))  # a woman: the sequence digit 2 is even


def _register(api, number: str = TYPED, role: str = "bureau", **overrides) -> int:
    r = api.post(role, URL, json=worker_payload(seq=401, **{"id_number": number, **overrides}))
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def _correct(api, worker: int, number: str = RIGHT, reason: str | None = "登记时录入错误，已核对身份证原件",
             role: str = "bureau"):
    body = {"id_number": number} if reason is None else {"id_number": number, "reason": reason}
    return api.post(role, f"{URL}/{worker}/id-number", json=body)


def test_the_bureau_corrects_a_mistyped_number_and_the_old_one_finds_no_one(api, db_session):
    worker = _register(api)
    before = api.get("bureau", f"{URL}/{worker}").get_json()
    r = _correct(api, worker)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["id_number"] == RIGHT[:6] + "********" + RIGHT[-4:]
    assert body["sex"] == "F" != before["sex"] and body["age"] is not None
    assert "ETag" in r.headers
    assert api.get("bureau", f"{URL}?id_number={TYPED}").get_json()["total"] == 0
    assert [w["id"] for w in api.get("bureau", f"{URL}?id_number={RIGHT}").get_json()["items"]] == [worker]
    assert [w["id"] for w in api.get("bureau", f"{URL}?q={RIGHT[-6:]}").get_json()["items"]] == [worker]
    assert api.get("bureau", f"{URL}/{worker}?reveal=true").get_json()["id_number"] == RIGHT
    [entry] = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "worker.id_number_corrected")).all()
    assert entry.entity_id == str(worker) and entry.detail["reason"] == "登记时录入错误，已核对身份证原件"
    assert entry.detail["previous"].endswith(TYPED[-4:]) and entry.detail["sex_changed"] is True
    assert TYPED not in json.dumps(entry.detail) and RIGHT not in json.dumps(entry.detail)


def test_the_freed_number_can_be_registered_again(api):
    worker = _register(api)
    assert _correct(api, worker).status_code == 200
    again = api.post("bureau", URL, json=worker_payload(seq=403, id_number=TYPED))
    assert again.status_code == 201


def test_a_number_another_worker_holds_is_a_409_and_nothing_changes(api):
    worker = _register(api)
    other = _register(api, RIGHT, phone="13900000402")
    r = _correct(api, worker)
    assert r.status_code == 409 and r.get_json()["errors"]["existing_worker_id"] == other
    assert api.get("bureau", f"{URL}/{worker}?reveal=true").get_json()["id_number"] == TYPED


def test_the_number_is_checked_like_a_registration_and_a_reason_is_required(api):
    worker = _register(api)
    wrong_check = RIGHT[:-1] + ("0" if RIGHT[-1] != "0" else "1")
    cases = [
        (_correct(api, worker, reason=None), "reason"),
        (_correct(api, worker, reason="  "), "reason"),
        (_correct(api, worker, number=wrong_check), "id_number"),
        (_correct(api, worker, number=TYPED), "id_number"),  # the number it already has
        (_correct(api, worker, number=id_number(seq=404, birth=date.today().replace(year=date.today().year - 12))),
         "id_number"),  # below the minimum working age
    ]
    for r, field in cases:
        assert r.status_code == 422, r.get_json()
        assert field in r.get_json()["errors"]["json"], r.get_json()
    assert api.get("bureau", f"{URL}/{worker}?reveal=true").get_json()["id_number"] == TYPED


def test_only_the_workers_own_bureau_or_an_administrator_may_correct(api):
    worker = _register(api)
    assert _correct(api, worker, role="bureau_other").status_code == 404
    assert _correct(api, worker, role="employer").status_code == 403
    assert _correct(api, worker, role="fair").status_code == 403
    assert _correct(api, worker, role="admin").status_code == 200
    aohan = api.post("bureau_other", URL, json=worker_payload(seq=405, county=AOHAN)).get_json()["id"]
    assert _correct(api, aohan, number=id_number(AOHAN, seq=406)).status_code == 404


def test_an_erased_worker_cannot_be_given_a_number_again(api):
    worker = _register(api)
    assert api.post("bureau", f"{URL}/{worker}/erase").status_code == 200
    assert _correct(api, worker).status_code == 409
