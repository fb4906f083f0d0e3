"""Failed token authentications are counted per client address, audited and throttled (429 with
``Retry-After``); the counters live in the database, so every worker process sees the same
numbers (the console's sign-in limit uses the same storage)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from limits import parse
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import func, select

from models.access.rate_limits import DatabaseStorage, RateLimitCounter
from models.access.tables import AuditEntry
from models.db import make_engine
from tests.conftest import ENC_KEY, INDEX_KEY

ROOT = Path(__file__).resolve().parents[2]
WORKERS = "/api/v1/workers"


def _bad(api, address: str = "10.0.0.9", token: str = "jm_not-a-token"):
    return api.client.get(WORKERS, headers={"Authorization": f"Bearer {token}"},
                          environ_base={"REMOTE_ADDR": address})


def test_failed_tokens_are_audited_then_the_address_gets_429_with_retry_after(app, api, db_session):
    app.config["TOKEN_FAILURE_LIMIT"] = "3 per minute"
    assert [_bad(api).status_code for _ in range(3)] == [401, 401, 401]
    held = api.get("admin", WORKERS, environ_base={"REMOTE_ADDR": "10.0.0.9"})  # even a valid token
    assert held.status_code == 429 and 1 <= int(held.headers["Retry-After"]) <= 60
    body = held.get_json()
    assert body["code"] == 429 and "Too many invalid tokens" in body["message"]
    entries = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.token_failed")).all()
    assert len(entries) == 3
    assert {e.detail["address"] for e in entries} == {"10.0.0.9"} and {e.detail["reason"] for e in entries} == {
        "unknown"}
    assert all("not-a-token" not in json.dumps(e.detail) for e in entries)
    # another address is not held up, and a request without a token is not a failed token
    assert api.get("admin", WORKERS, environ_base={"REMOTE_ADDR": "10.0.0.10"}).status_code == 200
    assert api.client.get(WORKERS, environ_base={"REMOTE_ADDR": "10.0.0.11"}).status_code == 401
    assert api.get("admin", WORKERS, environ_base={"REMOTE_ADDR": "10.0.0.11"}).status_code == 200


def test_a_revoked_token_counts_as_a_failure_naming_its_user(app, api, db_session):
    from models.access.tables import ApiToken, hash_token

    token = api.tokens["fair"]
    row = db_session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    row.revoked_at = func.now()
    db_session.commit()
    assert _bad(api, token=token).status_code == 401
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.token_failed"))
    assert entry.detail["reason"] == "revoked" and entry.detail["token_user_id"] == row.user_id


def test_the_counts_are_shared_with_another_worker_process(app, api, database):
    """A second process (as a second gunicorn worker would be) fails three times; this one then
    holds the address up: the counts are in the database, not in either process."""
    app.config["TOKEN_FAILURE_LIMIT"] = "3 per minute"
    script = f"""
import json
from api import create_app
app = create_app({{"TESTING": True, "DATABASE_URL": {database.url!r}, "PII_ENC_KEY": {ENC_KEY!r},
                  "PII_INDEX_KEY": {INDEX_KEY!r}, "MODEL_SIGNING_KEY": {INDEX_KEY!r}, "LOG_LEVEL": "WARNING",
                  "TOKEN_FAILURE_LIMIT": "3 per minute"}})
client = app.test_client()
print(json.dumps([client.get({WORKERS!r}, headers={{"Authorization": "Bearer jm_wrong"}},
                             environ_base={{"REMOTE_ADDR": "10.7.7.7"}}).status_code for _ in range(3)]))
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [401, 401, 401]
    assert api.get("admin", WORKERS, environ_base={"REMOTE_ADDR": "10.7.7.7"}).status_code == 429
    assert api.get("admin", WORKERS, environ_base={"REMOTE_ADDR": "10.7.7.8"}).status_code == 200


def test_the_sign_in_limit_is_counted_in_the_database(app, client, db_session):
    from tests.console_support import csrf_token

    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"

    def attempt():
        page = client.get("/console/login")
        return client.post("/console/login", data={"username": "nobody", "password": "wrong-password",
                                                   "csrf_token": csrf_token(page.get_data(as_text=True))})

    assert [attempt().status_code for _ in range(3)] == [200, 200, 429]
    keys = db_session.scalars(select(RateLimitCounter.key)).all()
    assert any("login" in k for k in keys), keys


def test_concurrent_increments_are_never_lost(app, database):
    """Eight threads, each with its own engine (as separate processes would have), 25 hits each."""
    item = parse("1000 per hour")
    engines = [make_engine(database.url) for _ in range(8)]

    def hit(engine) -> None:
        strategy = FixedWindowRateLimiter(DatabaseStorage("database://", engine=engine))
        for _ in range(25):
            strategy.hit(item, "race", "10.1.1.1")

    threads = [threading.Thread(target=hit, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    storage = DatabaseStorage("database://", engine=engines[0])
    assert storage.get(item.key_for("race", "10.1.1.1")) == 200
    assert FixedWindowRateLimiter(storage).get_window_stats(item, "race", "10.1.1.1").remaining == 800
    storage.clear(item.key_for("race", "10.1.1.1"))
    assert storage.get(item.key_for("race", "10.1.1.1")) == 0
    for engine in engines:
        engine.dispose()
