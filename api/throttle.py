"""Throttles per client address, counted where every gunicorn worker sees the same numbers.

- the console's sign-in form (``LOGIN_RATE_LIMIT``, Flask-Limiter's ``@limiter.limit``);
- failed bearer-token authentications (``TOKEN_FAILURE_LIMIT``): each unknown, revoked or
  disabled token is counted and audited (``auth.token_failed``); once an address is over the
  limit every bearer request from it is a 429 with ``Retry-After`` until the window ends.

Both keep their counters in ``RATELIMIT_STORAGE_URI``: by default ``database://``, the
service's own database (``models.access.rate_limits.DatabaseStorage``), so the counts are
shared by all workers and survive a restart; ``memory://`` (per process) or a Redis URL work
too.
"""
from __future__ import annotations

import math
import time

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

from models.access.rate_limits import SCHEME

limiter = Limiter(get_remote_address, default_limits=[], headers_enabled=False)
"""Flask-Limiter: only the console's sign-in form is limited with it (see ``console/signin.py``)."""

TOKEN_FAILURES = "token_failures"


def storage_options(app: Flask) -> dict[str, object]:
    """What the configured storage needs: our database's engine for ``database://``."""
    if app.config["RATELIMIT_STORAGE_URI"].startswith(f"{SCHEME}://"):
        return {"engine": app.extensions["jm.engine"]}
    return {}


def init_app(app: Flask) -> None:
    options = storage_options(app)
    app.config["RATELIMIT_STORAGE_OPTIONS"] = options
    limiter.init_app(app)
    storage: Storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"], **options)
    app.extensions["jm.token_failures"] = FixedWindowRateLimiter(storage)


def _limits() -> list[RateLimitItem]:
    return parse_many(current_app.config["TOKEN_FAILURE_LIMIT"])


def client_address() -> str:
    return get_remote_address() or "unknown"


def token_retry_after() -> int | None:
    """Seconds until this address may try a token again; None when it is not held up."""
    strategy: FixedWindowRateLimiter = current_app.extensions["jm.token_failures"]
    address = client_address()
    wait = 0.0
    for item in _limits():
        if not strategy.test(item, TOKEN_FAILURES, address):
            reset, _remaining = strategy.get_window_stats(item, TOKEN_FAILURES, address)
            wait = max(wait, reset - time.time())
    return max(1, math.ceil(wait)) if wait > 0 else None


def count_token_failure() -> None:
    strategy: FixedWindowRateLimiter = current_app.extensions["jm.token_failures"]
    address = client_address()
    for item in _limits():
        strategy.hit(item, TOKEN_FAILURES, address)
