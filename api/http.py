"""HTTP conventions shared by every resource: ETags, If-Match, idempotency, paging."""
from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from flask import Response, current_app, make_response, request
from werkzeug.routing import IntegerConverter
import flask_smorest
from flask_smorest import abort
from webargs.flaskparser import FlaskParser
from marshmallow import Schema, fields
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from api import auth, db
from models.access import idempotency

F = TypeVar("F", bound=Callable[..., Any])
MAX_ID = 2**31 - 1
"""Ids are ``INTEGER`` columns (32-bit on PostgreSQL): a larger one cannot exist, so it is a 404
on every backend instead of PostgreSQL's out-of-range error."""



class StrictParser(FlaskParser):
    """Unknown query parameters are refused like unknown body fields (422 naming them):
    webargs drops them by default, so a misspelt filter (``?name=`` for ``?q=``) silently
    returned every record."""

    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": None, "querystring": None}

    def _raw_load_json(self, req: Any) -> Any:
        # A body nested thousands of levels deep exhausts the decoder's recursion, and an
        # integer of more than 4,300 digits exceeds Python's conversion limit: both are
        # malformed JSON to us, answered like any other (400), never a 500.
        try:
            return super()._raw_load_json(req)
        except RecursionError:
            raise json.JSONDecodeError("nested too deeply", "?", 0) from None
        except ValueError as exc:
            if isinstance(exc, (json.JSONDecodeError, UnicodeDecodeError)):
                raise
            raise json.JSONDecodeError(str(exc)[:80], "?", 0) from None


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint whose arguments parser refuses unknown query parameters."""

    ARGUMENTS_PARSER = StrictParser()

class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` ids never exceed the database's integer column: larger ones are simply a 404."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def etag_of(obj: Any) -> str:
    return f'"{obj.id}-{obj.version}"'


def require_if_match(obj: Any) -> None:
    """Optimistic concurrency: PATCH must carry the ETag it read (428 if absent, 412 if stale)."""
    header = request.headers.get("If-Match")
    if not header:
        abort(428)
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    if "*" not in tags and etag_of(obj) not in tags:
        abort(412)


def with_etag(body: Any, entity: Any, status: int = 200) -> tuple[Any, int, dict[str, str]]:
    """A response tuple carrying the entity's ETag."""
    return body, status, {"ETag": etag_of(entity)}


def created(body: Any, entity: Any, location: str) -> tuple[Any, int, dict[str, str]]:
    """A 201 response tuple with the new entity's ETag and Location."""
    return body, 201, {"ETag": etag_of(entity), "Location": location}


def idempotent(view: F) -> F:
    """Replay the first response for a repeated ``Idempotency-Key`` with the same body.

    The key is claimed (inserted and flushed) before the work starts, in the same transaction,
    so a reply lost on a rural mobile network can be retried safely and concurrent retries
    wait for the first and replay it. The kept body is encrypted and expires
    (``models.access.idempotency``). Same key, different request → 422.
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return view(*args, **kwargs)
        if not key.strip() or len(key) > 128:
            abort(400, message="Idempotency-Key 须为1-128个字符 / Idempotency-Key must be 1–128 characters")
        principal = auth.current()
        body = request.get_data()
        try:
            body = json.dumps(json.loads(body or b"null"), sort_keys=True).encode()
        except ValueError:
            pass
        digest = hashlib.sha256(body).hexdigest()
        target = f"{request.method} {request.path}"
        session, vault = db.session(), db.vault()
        ttl = int(current_app.config["IDEMPOTENCY_TTL_HOURS"])
        seen = idempotency.find(session, vault, user_id=principal.user_id, key=key, ttl_hours=ttl)
        if seen is None:
            try:
                record = idempotency.claim(session, user_id=principal.user_id, key=key,
                                           method_path=target, body_hash=digest)
            except IntegrityError:
                # Another request with this key committed while we waited on the index.
                session.rollback()
                seen = idempotency.find(session, vault, user_id=principal.user_id, key=key, ttl_hours=ttl)
                if seen is None:  # pragma: no cover - the winner was purged in between
                    abort(409, message="请求正在处理，请稍后重试 / The first request with this key is still being handled")
        if seen is not None:
            if seen.body_hash != digest or seen.method_path != target:
                abort(422, message="同一 Idempotency-Key 不能用于不同的请求 / This Idempotency-Key "
                      "was used with a different request", errors={"headers": {"Idempotency-Key": [
                          "已用于其他请求 / already used for another request"]}})
            if seen.status_code == idempotency.CLAIMED:  # pragma: no cover - only on a crashed commit
                abort(409, message="请求正在处理，请稍后重试 / The first request with this key is still being handled")
            replay = Response(seen.body, status=seen.status_code, mimetype="application/json", headers=seen.headers)
            replay.headers["Idempotent-Replayed"] = "true"
            return replay
        response = make_response(view(*args, **kwargs))
        if 200 <= response.status_code < 300:
            keep = {k: v for k, v in response.headers.items() if k in ("ETag", "Location")}
            idempotency.complete(session, vault, record, status_code=response.status_code,
                                 body=response.get_data(as_text=True), headers=keep, path=request.path)
        return response

    return wrapper  # type: ignore[return-value]


def page_schema(item: type[Schema] | Schema, name: str) -> type[Schema]:
    """The one pagination envelope: ``{items, total, page, page_size}``."""
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item)),
        "total": fields.Integer(),
        "page": fields.Integer(),
        "page_size": fields.Integer(),
    }, name=name)


def envelope(items: Sequence[Any], total: int, page: int, page_size: int) -> dict[str, Any]:
    """The page as ``page_schema`` presents it."""
    return {"items": items, "total": total, "page": page, "page_size": page_size}


def paginate(stmt: Select, page: int, page_size: int, *, rows: bool = False) -> dict[str, Any]:
    """One page of ``stmt`` (the ``PageQuery`` arguments) with the total count.

    Items are the first selected entity, or whole rows (tuples) when ``rows`` is set, for a
    list that selects several entities at once.
    """
    session = db.session()
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    window = stmt.limit(page_size).offset((page - 1) * page_size)
    items = [tuple(r) for r in session.execute(window)] if rows else session.scalars(window).unique().all()
    return envelope(items, total, page, page_size)


def paginate_list(items: Sequence[Any], page: int, page_size: int) -> dict[str, Any]:
    """One page of a list computed in memory (e.g. follow-ups that are overdue as of a date)."""
    start = (page - 1) * page_size
    return envelope(list(items[start:start + page_size]), len(items), page, page_size)


def where_equal(stmt: Select, model: Any, args: dict[str, Any], *keys: str) -> Select:
    """``stmt`` narrowed to ``model.<key> == args[key]`` for each of ``keys`` the query gave."""
    for key in keys:
        if key in args:
            stmt = stmt.where(getattr(model, key) == args[key])
    return stmt
