"""The domain's errors: every service raises one of these, and ``api/errors.py`` maps each
to the one HTTP error shape in one place (views never translate them one by one).

``RuleViolation`` — an input breaks a rule (HTTP 422, on ``field`` when one is named);
``Conflict`` — the request clashes with the current state (HTTP 409);
``NotFound`` — no such record within the caller's reach (HTTP 404).
Messages are bilingual (Chinese / English) and shown to users as they are.
"""
from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of the errors a use case raises; ``str(exc)`` is the user-facing message."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None, location: str = "json",
                 detail: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.location = location
        self.detail = dict(detail or {})


class RuleViolation(DomainError, ValueError):
    """An input breaks a domain rule (422). ``field`` may be dotted (``terms.monthly_wage``)."""

    status = 422


class Conflict(DomainError):
    """The request clashes with the current state of a record (409)."""

    status = 409


class NotFound(DomainError, LookupError):
    """The record does not exist, or is outside the caller's scope (404: no existence leak)."""

    status = 404
