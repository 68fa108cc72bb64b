"""Domain errors: a business rule said no, with a stable ``code`` for clients and a human message.

Every app's ``errors.py`` subclasses these; the API (``shop/api/errors.py``) and the pages render them
the same way. They know nothing of HTTP frameworks beyond the status number they map to.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any


class DomainError(Exception):
    """A business rule said no. ``code`` is stable for clients; ``extra`` adds fields to the body."""

    code = "conflict"
    status = int(HTTPStatus.CONFLICT)
    title = "Conflict"
    default_message = "The request conflicts with the current state."

    def __init__(self, message: str | None = None, **extra: Any) -> None:
        self.message = message or self.default_message
        self.extra = extra
        super().__init__(self.message)


class FieldConflict(DomainError):
    """Input that is well-formed but collides with existing data (a taken e-mail, a duplicate SKU).

    Reported like any validation error, naming the field, so clients handle both the same way.
    """

    code = "validation_error"
    status = int(HTTPStatus.BAD_REQUEST)
    title = "Invalid input"
    field = "non_field_errors"

    def __init__(self, message: str | None = None) -> None:
        message = message or self.default_message
        super().__init__(message, errors={self.field: [message]})


class PermissionDenied(DomainError):
    """Signed in, but this user may not do this."""

    code = "permission_denied"
    status = int(HTTPStatus.FORBIDDEN)
    title = "Forbidden"
    default_message = "You are not allowed to do this."


class NotFound(DomainError):
    code = "not_found"
    status = int(HTTPStatus.NOT_FOUND)
    title = "Not found"
    default_message = "Not found."
