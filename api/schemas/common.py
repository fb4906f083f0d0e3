"""Base schema and field helpers shared by every resource."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import unicodedata

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

from api.config import Config
from models.errors import RuleViolation


UNSTORABLE = ("含有无法保存的字符（空字符或不成对的代理码位）/ Contains a character that cannot be stored "
              "(NUL or a lone surrogate)")
CONTROL = "不能含有换行、制表符等控制字符 / Must not contain line breaks, tabs or other control characters"


def _unstorable(value: str) -> bool:
    """NUL, which PostgreSQL's text cannot hold, or a lone UTF-16 surrogate, which no encoding
    can write: refused on every backend alike, before any rule sees the value."""
    return "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value)


def _unstorable_paths(data: Any) -> dict[str, Any]:
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for key, value in data.items():
            if isinstance(key, str) and _unstorable(key):
                out["_schema"] = [UNSTORABLE]
            elif isinstance(value, str):
                if _unstorable(value):
                    out[key] = [UNSTORABLE]
            elif found := _unstorable_paths(value):
                out[key] = found
        return out
    if isinstance(data, list):
        return {i: found for i, item in enumerate(data)
                if (found := ([UNSTORABLE] if isinstance(item, str) and _unstorable(item) else _unstorable_paths(item)))}
    return {}


class StrictSchema(Schema):
    """Request bodies: unknown fields are an error, never silently dropped; a string that
    cannot be stored (NUL, lone surrogate) is refused by field."""

    class Meta:
        unknown = RAISE

    @pre_load(pass_collection=True)
    def _refuse_unstorable(self, data: Any, **_: Any) -> Any:
        if found := _unstorable_paths(data):
            raise ValidationError(found)
        return data


class PageQuery(StrictSchema):
    """The one paging query, ``?page=&page_size=``, that every list's query schema extends;
    ``api.http.paginate`` answers it with the ``{items, total, page, page_size}`` envelope.

    The largest page is ``Config.MAX_PAGE_SIZE``'s class default: schemas are built at import,
    before any app (and its environment) exists, and the limit is published in the OpenAPI.
    """

    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=Config.MAX_PAGE_SIZE))


def refused(message: str) -> fields.Raw:
    """A field that is always refused with a specific reason (instead of "Unknown field")."""

    def _refuse(_value: Any) -> None:
        raise ValidationError(message)

    return fields.Raw(load_only=True, validate=_refuse, metadata={"description": f"Refused: {message}"})


DERIVED_FROM_ID = "由身份证号自动得出，不可另行填写 / Derived from the ID number; do not send it"


def rule(check: Callable[..., Any]) -> Callable[[Any], None]:
    """Adapt a domain rule check (``models.*.rules``, ``region_codes``) to a marshmallow validator."""

    def validator(value: Any) -> None:
        try:
            check(value)
        except RuleViolation as exc:
            raise ValidationError(str(exc)) from None

    return validator


def one_of(choices: tuple[str, ...]) -> validate.OneOf:
    return validate.OneOf(choices, error="取值须为 {choices} 之一 / Must be one of: {choices}.")


def single_line(value: str) -> None:
    """Names, titles and places are one line: a CR/LF in a name later broke every workbook
    and header that carried it."""
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValidationError(CONTROL)


def text(max_len: int, required: bool = True, **kw: Any) -> fields.String:
    """A single-line text field (names, titles, places)."""
    return fields.String(required=required, validate=[
        validate.Length(min=1 if required else 0, max=max_len), single_line], **kw)


def enum_list(choices: tuple[str, ...], *, min_items: int = 0, **kw: Any) -> fields.List:
    return fields.List(fields.String(validate=one_of(choices)),
                       validate=validate.Length(min=min_items, max=len(choices)), **kw)


def code_list(max_items: int = 20, **kw: Any) -> fields.List:
    return fields.List(fields.String(validate=validate.Length(min=1, max=32)),
                       validate=validate.Length(max=max_items), **kw)


class ErrorSchema(Schema):
    """The one error shape (``api.errors.error_response``), documented for every operation."""

    code = fields.Integer(metadata={"description": "HTTP status code"})
    status = fields.String(metadata={"description": "HTTP status phrase"})
    message = fields.String(metadata={"description": "Bilingual message (中文 / English)"})
    errors = fields.Dict(metadata={"description": "Field-level messages by location and field"})
