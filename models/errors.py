"""The domain's errors: every service raises one of these, and ``api/errors.py`` maps each
to the one HTTP error shape in one place (views never translate them one by one).

``RuleViolation`` — an input breaks a rule (HTTP 422, on ``field`` when one is named);
``RuleViolations`` — several inputs break rules at once (422, every field reported together);
``Conflict`` — the request clashes with the current state (HTTP 409);
``StaleVersion`` — the version the caller read was superseded meanwhile (HTTP 412);
``NotFound`` — no such record within the caller's reach (HTTP 404).
Messages are bilingual (Chinese / English) and shown to users as they are.
"""
from __future__ import annotations

from collections.abc import Mapping
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

    def field_messages(self) -> dict[str, list[str]]:
        """Messages by (dotted) field name; empty when the error names no field."""
        return {self.field: [self.message]} if self.field else {}


class RuleViolation(DomainError, ValueError):
    """An input breaks a domain rule (422). ``field`` may be dotted (``terms.monthly_wage``)."""

    status = 422


class RuleViolations(RuleViolation):
    """Several inputs break rules (422): a form shows every wrong field at once, not one per try."""

    def __init__(self, errors: Mapping[str, list[str]], *, location: str = "json") -> None:
        super().__init__("; ".join(m for messages in errors.values() for m in messages), location=location)
        self.errors = {field: list(messages) for field, messages in errors.items()}

    def field_messages(self) -> dict[str, list[str]]:
        return dict(self.errors)


class Conflict(DomainError):
    """The request clashes with the current state of a record (409)."""

    status = 409


class StaleVersion(Conflict):
    """The record the caller read has been superseded by a newer version (412)."""

    status = 412


class NotFound(DomainError, LookupError):
    """The record does not exist, or is outside the caller's scope (404: no existence leak)."""

    status = 404
