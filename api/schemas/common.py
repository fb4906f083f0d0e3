"""Base schema and field helpers shared by every resource."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from api.config import Config
from models.errors import RuleViolation


class StrictSchema(Schema):
    """Request bodies: unknown fields are an error, never silently dropped."""

    class Meta:
        unknown = RAISE


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


def text(max_len: int, required: bool = True, **kw: Any) -> fields.String:
    return fields.String(required=required, validate=validate.Length(min=1 if required else 0, max=max_len), **kw)


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
