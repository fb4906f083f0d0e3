"""One configuration object: class defaults → environment variables → test overrides."""
from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from models.access.pii import PiiKeys
from models.scheduling.runner import BATCH_PARTITION_SIZE, DEFAULT_LEASE_SECONDS
from training.stream import NEGATIVE_RATE as TRAINING_NEGATIVE_RATE
from training.stream import PARTITION_SIZE as TRAINING_PARTITION_SIZE


class Config:
    """Defaults; every name can be overridden by an environment variable of the same name."""

    DATABASE_URL = "sqlite:///var/jingmeng.db"
    MIGRATION_DATABASE_URL = ""
    """Who runs ``jingmeng db upgrade`` (the tables' owner); empty: ``DATABASE_URL``."""
    DB_APP_ROLE = "jingmeng_app"
    """PostgreSQL: the role the service works as (``SET ROLE`` on each connection; created by
    migration 0022; it cannot TRUNCATE, ALTER, UPDATE or DELETE the audit log). Empty: work as
    the URL's user (e.g. a login that is itself a member of the role). Ignored on SQLite."""
    PII_ENC_KEY = ""
    """Base64 AES-256 key for ID numbers and phones; generated into instance/ if empty."""
    PII_INDEX_KEY = ""
    """Base64 HMAC key for the lookup index; generated into instance/ if empty."""
    MODEL_SIGNING_KEY = ""
    """Key that signs ranker artifacts (HMAC-SHA256); generated into instance/ if empty."""
    SECRET_KEY = ""
    """Signs the console's session cookie and CSRF tokens; generated into instance/ if empty."""
    CONSOLE_IDLE_MINUTES = 30
    """A console session unused this long is signed out."""
    SESSION_COOKIE_SECURE = False
    """Send the console cookie over HTTPS only; requests that arrive over HTTPS get it anyway."""
    LOGIN_MAX_ATTEMPTS = 5
    """Wrong passwords in a row that lock an account …"""
    LOGIN_LOCK_MINUTES = 15
    """… for this long (the right password is refused meanwhile)."""
    LOGIN_RATE_LIMIT = "20 per minute;100 per hour"
    """Sign-in attempts (POST /console/login) per client address (Flask-Limiter syntax)."""
    TOKEN_FAILURE_LIMIT = "10 per 5 minutes"
    """Failed bearer-token authentications per client address (Flask-Limiter syntax); beyond it
    every bearer request from that address is a 429 with ``Retry-After`` until the window ends."""
    RATELIMIT_STORAGE_URI = "database://"
    """Where the sign-in and token-failure counts are kept: ``database://`` is the service's own
    database (shared by every gunicorn worker, SQLite or PostgreSQL); ``memory://`` is per
    process; ``redis://…`` works too. The per-account lockout is in the users table either way."""
    LOG_LEVEL = "INFO"
    LOG_FILE = ""
    """Write the JSON log lines to this file (``make run``: var/log/…); the terminal then shows
    only warnings and errors. Empty: JSON lines on standard error (containers, journald)."""
    BEIJING_MIN_WAGE = 2540
    """Beijing monthly minimum wage, yuan (from 2025-09-01)."""
    POVERTY_PRIORITY_WEIGHT = 0.05
    """Score bonus for 脱贫 and 监测 workers in posting→worker rankings (policy, shown in reasons)."""
    MAX_PAGE_SIZE = 200
    """Largest ``page_size`` of a list (read by ``api.schemas.common.PageQuery`` at import)."""
    MAX_UPLOAD_BYTES = 20 * 1024 * 1024
    """An uploaded roster or posting file (multipart form) may be at most this large."""
    MAX_JSON_BYTES = 1024 * 1024
    """Any other request body (JSON, forms): the largest real one, a posting, is a few KB."""
    DB_RETRY_AFTER_SECONDS = 5
    """``Retry-After`` of the 503 answered while the database is unreachable."""
    MAX_IMPORT_ROWS = 200_000
    MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
    """An uploaded .xlsx may inflate to at most this much (zip-bomb defence; 413 beyond it)."""
    MAX_IMPORT_ERRORS = 1000
    """An import report lists at most this many errors (it counts the rest), and an atomic import
    stops checking rows once this many are rejected (it says how many were left unchecked)."""
    IMPORT_PARSE_SECONDS = 60
    """Reading one uploaded file (rows, blank lines included) may take this long; 413 beyond it."""
    BACKDATE_GRACE_DAYS = 30
    """A job recorded more than this many days after its start is back-dated: outside jobs only,
    with a reason, and its start verified before any subsidy claim."""
    IDEMPOTENCY_TTL_HOURS = 48
    """Kept replies to `Idempotency-Key` requests expire after this (job `idempotency_purge`)."""
    DOWNLOAD_KEEP_MINUTES = 60
    """A roster upload's rows-to-fix workbook (personal data) downloads for this long, by its
    uploader only (job ``download_purge``; signing out or the next upload deletes it sooner)."""
    FAIR_INTERVIEWS_START = "09:00"
    """Printed fair lists: the first interview at each booth starts at this time (HH:MM) …"""
    FAIR_INTERVIEW_MINUTES = 15
    """… and every later one this many minutes after the one before."""
    TESTING = False

    # Scheduler (``jingmeng scheduler``); an empty cron means the job's default schedule.
    JOB_CRON_RECOMMENDATIONS = ""
    """Nightly recommendation refresh; default ``30 1 * * *``."""
    JOB_CRON_ELIGIBILITY = ""
    """Daily subsidy eligibility check; default ``15 2 * * *``."""
    JOB_CRON_FOLLOWUPS = ""
    """Daily follow-up reminders and at-risk alerts; default ``0 8 * * *``."""
    JOB_CRON_POSTING_EXPIRY = ""
    """Hourly posting expiry; default ``5 * * * *``."""
    JOB_CRON_RETRAINING = ""
    """Weekly retraining with promotion only if better; default ``0 3 * * 0``."""
    JOB_CRON_OUTBOX = ""
    """Notification delivery; default ``*/5 * * * *``."""
    JOB_CRON_IDEMPOTENCY_PURGE = ""
    """Hourly purge of expired idempotency records; default ``20 * * * *``."""
    JOB_CRON_DOWNLOAD_PURGE = ""
    """Purge of expired kept downloads; default ``*/10 * * * *``."""
    JOB_LEASE_SECONDS = DEFAULT_LEASE_SECONDS
    """SQLite only: a job's lease, renewed every third of it while the job runs, so a killed
    job can run again (catch-up, next trigger) within a minute."""
    JOB_MISFIRE_GRACE_SECONDS = 3600
    JOB_CATCH_UP_LOOKBACK_DAYS = 8
    RECOMMENDATIONS_PER_WORKER = 10
    BATCH_PARTITION_SIZE = BATCH_PARTITION_SIZE
    """Placements the eligibility check and the follow-up job read and commit together."""
    NIGHTLY_PARTITION_SIZE = 2000
    """Seeking workers loaded, ranked and stored together by the nightly refresh (one
    keyset partition); memory follows this, not the population."""
    NIGHTLY_EXACT_PAIRS = 300_000
    """Up to this many candidate pairs the night's caps are met by the exact LP; beyond,
    by posting prices (``matching.pricing``)."""
    TRAINING_PARTITION_SIZE = TRAINING_PARTITION_SIZE
    """Workers whose history is read and turned into training rows together (``jingmeng
    train``, the weekly retraining); memory follows the rows kept, not the ORM objects."""
    TRAINING_NEGATIVE_RATE = TRAINING_NEGATIVE_RATE
    """Share of the training period's ignored pairs (shown, not applied to) kept, each
    weighted ``1 / rate``; 1.0 keeps all. The evaluation period is never sampled."""
    DASK_SCHEDULER_ADDRESS = ""
    """Empty: the batch jobs run in this process. ``tcp://host:8786``: on that Dask
    cluster; ``local`` or ``local:N``: on a ``distributed.LocalCluster`` of N workers."""
    OUTBOX_ADAPTER = "log"
    """Delivery adapter for the notification outbox (``log`` writes to the log)."""
    OUTBOX_SENDING_TIMEOUT_MINUTES = 15
    """A message still ``sending`` after this was interrupted: the adapter is asked whether it went out."""

    API_TITLE = "Jingmeng Match API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "/docs"
    OPENAPI_SWAGGER_UI_URL = "/api/swagger-ui/"
    """Served from the swagger-ui-bundle package, so the docs work without internet."""
    API_SPEC_OPTIONS: dict[str, Any] = {
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
        "info": {
            "description": (
                "京蒙劳务协作 job matching. Authenticate with `Authorization: Bearer <token>` "
                "(`jingmeng token create`). Errors share one shape: "
                "`{code, status, message, errors}`."
            ),
        },
    }

    @classmethod
    def load(cls, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        values: dict[str, Any] = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
        for key, default in list(values.items()):
            raw = os.environ.get(key)
            if raw is None:
                continue
            if isinstance(default, bool):
                values[key] = raw.lower() in ("1", "true", "yes")
            elif isinstance(default, int):
                values[key] = int(raw)
            elif isinstance(default, float):
                values[key] = float(raw)
            elif isinstance(default, str):
                values[key] = raw
        values.update(overrides or {})
        return values


def ensure_secrets(config: dict[str, Any], instance_path: str) -> None:
    """Fill missing keys from ``instance/secrets.json``, generating it once for development.

    The file is created with mode 0600 and is never committed (instance/ is git-ignored).
    """
    needed = ("PII_ENC_KEY", "PII_INDEX_KEY", "MODEL_SIGNING_KEY", "SECRET_KEY")
    if all(config.get(k) for k in needed):
        return
    if config.get("TESTING") and all(config.get(k) for k in needed[:3]):
        # Tests give the data keys; the cookie key of a test app need not outlive it.
        config["SECRET_KEY"] = secrets.token_urlsafe(32)
        return
    path = Path(instance_path) / "secrets.json"
    stored: dict[str, str] = {}
    if path.exists():
        stored = json.loads(path.read_text())
    if not all(stored.get(k) for k in needed):
        enc, idx = PiiKeys.generate().to_b64()
        stored = {"PII_ENC_KEY": enc, "PII_INDEX_KEY": idx,
                  "MODEL_SIGNING_KEY": PiiKeys.generate().to_b64()[1], "SECRET_KEY": secrets.token_urlsafe(32),
                  **{k: v for k, v in stored.items() if v}}
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(stored, fh)
    for key in needed:
        if not config.get(key):
            config[key] = stored[key]
