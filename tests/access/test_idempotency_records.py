"""Kept replies to ``Idempotency-Key`` requests: encrypted, expiring, gone with an erased worker,
and replayed (never a 409) to every concurrent retry of the same key."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from models.access.tables import IdempotencyRecord, IdempotencySubject
from models.db.base import Base, utcnow
from models.scheduling.runner import run_job
from models.workers.tables import Worker
from tests.concurrency import at_once
from tests.conftest import ApiClient
from tests.factories import worker_payload

URL = "/api/v1/workers"


def _plain_text_of_every_table(db_session) -> str:
    """Every row of every table as text (binary columns as bytes' repr), for a leak search."""
    parts = []
    for table in Base.metadata.sorted_tables:
        for row in db_session.execute(select(table)).all():
            parts.append(repr(tuple(row)))
    return "\n".join(parts)


def test_a_kept_reply_is_encrypted_and_still_replays(api, db_session):
    payload = worker_payload(seq=501, phone="13900000501")
    first = api.post("bureau", URL, json=payload, headers={"Idempotency-Key": "reg-501"})
    assert first.status_code == 201
    again = api.post("bureau", URL, json=payload, headers={"Idempotency-Key": "reg-501"})
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json() and again.headers["Location"] == first.headers["Location"]
    db_session.expire_all()
    record = db_session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.key == "reg-501"))
    assert record.response_enc and b"13900000501" not in record.response_enc
    assert payload["id_number"].encode() not in record.response_enc
    subjects = db_session.scalars(select(IdempotencySubject.worker_id).where(
        IdempotencySubject.record_id == record.id)).all()
    assert subjects == [first.get_json()["id"]]


def test_after_erasure_no_table_holds_the_phone_or_id_and_the_key_replays_nothing(api, db_session):
    payload = worker_payload(seq=502, phone="13900000502")
    created = api.post("bureau", URL, json=payload, headers={"Idempotency-Key": "reg-502"})
    wid = created.get_json()["id"]
    assert api.post("bureau", f"{URL}/{wid}/erase").status_code == 200
    db_session.expire_all()
    everything = _plain_text_of_every_table(db_session)
    assert payload["phone"] not in everything and payload["id_number"] not in everything
    assert db_session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 0
    retry = api.post("bureau", URL, json=payload, headers={"Idempotency-Key": "reg-502"})
    assert "Idempotent-Replayed" not in retry.headers  # executed afresh: a new registration
    assert retry.status_code == 201 and retry.get_json()["id"] != wid


def test_records_expire_after_the_ttl_by_the_purge_job(app, api, db_session):
    for seq in (503, 504):
        api.post("bureau", URL, json=worker_payload(seq=seq, phone=f"139000005{seq % 100:02d}"),
                 headers={"Idempotency-Key": f"reg-{seq}"})
    ttl = app.config["IDEMPOTENCY_TTL_HOURS"]
    db_session.execute(update(IdempotencyRecord).where(IdempotencyRecord.key == "reg-503")
                       .values(created_at=utcnow() - timedelta(hours=ttl, minutes=1)))
    db_session.commit()
    run = run_job("idempotency_purge", sessions=app.extensions["jm.sessions"], engine=app.extensions["jm.engine"],
                  config=app.config, today=utcnow().date(), vault=app.extensions["jm.vault"])
    assert run.status == "ok" and run.counts == {"purged": 1, "ttl_hours": ttl}
    db_session.expire_all()
    keys = db_session.scalars(select(IdempotencyRecord.key)).all()
    assert keys == ["reg-504"]
    assert db_session.scalar(select(func.count()).select_from(IdempotencySubject)) == 1


def test_an_expired_key_not_yet_purged_is_not_replayed(app, api, db_session):
    payload = worker_payload(seq=505, phone="13900000505")
    api.post("bureau", URL, json=payload, headers={"Idempotency-Key": "reg-505"})
    db_session.execute(update(IdempotencyRecord).values(
        created_at=utcnow() - timedelta(hours=app.config["IDEMPOTENCY_TTL_HOURS"] + 1)))
    db_session.commit()
    again = api.post("bureau", URL, json=payload, headers={"Idempotency-Key": "reg-505"})
    assert "Idempotent-Replayed" not in again.headers
    assert again.status_code == 409  # the duplicate-ID check answers, as for any new request


def test_concurrent_retries_of_one_key_all_get_the_first_reply(app, tokens, db_session):
    payload = worker_payload(seq=506, phone="13900000506")

    def register(_: int):
        own = ApiClient(app.test_client(), tokens)
        r = own.post("bureau", URL, json=payload, headers={"Idempotency-Key": "reg-506"})
        return r.status_code, r.get_json().get("id"), r.headers.get("Idempotent-Replayed")

    answers = at_once(register, range(16))
    assert {status for status, _, _ in answers} == {201}, answers
    assert len({wid for _, wid, _ in answers}) == 1
    assert sum(1 for _, _, replayed in answers if replayed is None) == 1
    db_session.expire_all()
    assert db_session.scalar(select(func.count(Worker.id))) == 1
