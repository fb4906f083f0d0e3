"""The one error shape: ``{code, status, message, errors}`` with bilingual messages."""
from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, current_app, jsonify
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError, StatementError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from models.errors import DomainError, RuleViolation

log = logging.getLogger("jingmeng.errors")

MESSAGES: dict[int, str] = {
    400: "请求无效 / Bad request",
    401: "需要有效的访问令牌 / A valid bearer token is required",
    403: "无权执行此操作 / You are not allowed to do this",
    404: "未找到 / Not found",
    405: "不支持该方法 / Method not allowed",
    409: "与现有记录冲突 / Conflicts with an existing record",
    412: "记录已被修改，请重新获取后再提交 / The record changed since you read it; fetch it again",
    413: "请求内容过大 / Payload too large",
    415: "不支持的内容类型 / Unsupported media type",
    422: "输入数据有误，请按字段提示修改 / Invalid input; see the field messages",
    428: "需要 If-Match 请求头（来自 ETag）/ The If-Match header (from the ETag) is required",
    500: "服务器内部错误 / Internal server error",
    503: "数据库暂时不可用，请稍后重试 / The database is unavailable for a moment; retry shortly",
}

# marshmallow's own messages, given a Chinese half so every field message is bilingual.
_TRANSLATIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Missing data for required field\.$"), "必填字段"),
    (re.compile(r"^Unknown field\.$"), "不允许的字段"),
    (re.compile(r"^Field may not be null\.$"), "不能为空"),
    (re.compile(r"^Not a valid integer\.$"), "须为整数"),
    (re.compile(r"^Not a valid boolean\.$"), "须为布尔值"),
    (re.compile(r"^Not a valid string\.$"), "须为字符串"),
    (re.compile(r"^Not a valid date\.$"), "须为日期 YYYY-MM-DD"),
    (re.compile(r"^Not a valid list\.$"), "须为列表"),
    (re.compile(r"^Invalid input type\.$"), "类型错误"),
    (re.compile(r"^Must be one of: .*"), "取值不在允许范围内"),
    (re.compile(r"^Must be greater than or equal to .*|^Must be less than or equal to .*|^Must be greater than .*"), "数值超出范围"),
    (re.compile(r"^(Shorter|Longer) than .*|^Length must be .*"), "长度不符合要求"),
    (re.compile(r"^String does not match expected pattern\.$"), "格式不正确"),
    (re.compile(r"^Invalid value\.$"), "无效值"),
    (re.compile(r"^Invalid JSON body\.$|^Invalid json body\.$"), "JSON 格式错误"),
]


def bilingual(message: str) -> str:
    if " / " in message:
        return message
    for pattern, zh in _TRANSLATIONS:
        if pattern.match(message):
            return f"{zh} / {message}"
    return message


def _translate(errors: Any) -> Any:
    if isinstance(errors, dict):
        # List positions come as ints beside "_schema": JSON keys must all be strings.
        return {str(k): _translate(v) for k, v in errors.items()}
    if isinstance(errors, list):
        return [_translate(v) for v in errors]
    if isinstance(errors, str):
        return bilingual(errors)
    return errors


def error_response(status: int, message: str | None = None, errors: Any = None,
                   headers: dict[str, str] | None = None) -> Response:
    body: dict[str, Any] = {
        "code": status,
        "status": HTTPStatus(status).phrase,
        "message": message or MESSAGES.get(status, HTTPStatus(status).phrase),
    }
    if errors:
        body["errors"] = _translate(errors)
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)
"""What SQLAlchemy raises while the database is down, restarting, locked or out of
connections: the request changed nothing, so the client may simply retry."""


def database_unavailable(exc: Exception) -> Response:
    # The statement and its parameters may carry personal data: log the class only.
    log.warning("database unavailable", extra={"error": type(getattr(exc, "orig", exc)).__name__})
    seconds = current_app.config.get("DB_RETRY_AFTER_SECONDS", 5)
    return error_response(503, headers={"Retry-After": str(seconds)})


def handle_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    message = data.get("message") if isinstance(data.get("message"), str) else None
    headers = dict(data.get("headers") or {})
    if status == 405:
        # werkzeug's MethodNotAllowed knows the allowed methods; RFC 9110 requires ``Allow``.
        headers.update({k: v for k, v in exc.get_headers() if k == "Allow"})
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="jingmeng"')
    return error_response(status, message, errors, headers)


def field_errors(messages: dict[str, list[str]], location: str = "json") -> dict[str, Any]:
    """``{location: {a: {b: [message]}}}`` for dotted field names such as ``a.b``."""
    root: dict[str, Any] = {}
    for field, texts in messages.items():
        node = root.setdefault(location, {})
        *parents, leaf = field.split(".")
        for name in parents:
            node = node.setdefault(name, {})
        node.setdefault(leaf, []).extend(texts)
    return root


def handle_domain_error(exc: DomainError) -> Response:
    """The one translation of a service's error into the HTTP error shape.

    Field messages go under ``errors``; a broken rule keeps the status's standard message
    (the fields say what to fix), any other error says what clashed in ``message``.
    """
    if messages := exc.field_messages():
        message = None if isinstance(exc, RuleViolation) else exc.message
        return error_response(exc.status, message, field_errors(messages, exc.location))
    return error_response(exc.status, exc.message, exc.detail or None)


def init_app(app: Flask) -> None:
    # HTTPException is handled by api.docs.JingmengApi, which overrides flask-smorest's
    # handler; here the domain's errors and the database's are mapped, each once.
    app.register_error_handler(DomainError, handle_domain_error)

    @app.errorhandler(StaleDataError)
    def _stale(_exc: StaleDataError) -> Response:
        return error_response(412)

    out_of_range = "数值超出范围 / A number is out of range"

    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def _out_of_range(_exc: Exception) -> Response:
        # Numbers beyond the database's 64-bit integers (SQLite raises OverflowError, PostgreSQL
        # a DataError); reads and writes both roll back, so nothing is half-written.
        return error_response(422, out_of_range)

    @app.errorhandler(StatementError)
    def _statement(exc: StatementError) -> Response:
        if isinstance(exc.orig, OverflowError):
            return error_response(422, out_of_range)
        log.error("statement error", exc_info=exc)
        return error_response(500)

    for kind in DATABASE_UNAVAILABLE:
        app.register_error_handler(kind, database_unavailable)

    @app.errorhandler(IntegrityError)
    def _integrity(exc: IntegrityError) -> Response:
        log.warning("integrity error", extra={"error": str(exc.orig)[:300]})
        return error_response(409)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unhandled error")
        return error_response(500)
