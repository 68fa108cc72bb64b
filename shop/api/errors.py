"""The one place that turns any API error into RFC 9457 problem details.

Services raise a ``shop.errors.DomainError`` subclass with a stable ``code``; views never build error bodies.
"""

from __future__ import annotations

import logging
from typing import Any

from axes.exceptions import AxesBackendPermissionDenied
from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response

from shop.errors import DomainError

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_type(code: str) -> str:
    """The problem ``type`` URI: one stable identifier per error code."""
    return f"urn:{settings.STORE_NAME.lower()}:problem:{code}"


def problem_body(*, status_code: int, code: str, title: str, detail: str, **extra: Any) -> dict:
    return {
        "type": problem_type(code),
        "title": title,
        "status": status_code,
        "detail": detail,
        "code": code,
        **extra,
    }


def problem_response(*, status_code: int, code: str, title: str, detail: str, headers=None, **extra) -> Response:
    body = problem_body(status_code=status_code, code=code, title=title, detail=detail, **extra)
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error tree as ``{"field": [...], "address.city": [...], "lines.0.sku": [...]}``."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = "non_field_errors" if key == "non_field_errors" and not prefix else f"{prefix}{key}"
            flat.update(flatten_errors(value, f"{name}."))
        return flat
    if isinstance(detail, list) and detail and all(not isinstance(d, (dict, list)) for d in detail):
        return {prefix.rstrip(".") or "non_field_errors": [str(d) for d in detail]}
    if isinstance(detail, list):
        flat = {}
        for index, value in enumerate(detail):
            if value:
                flat.update(flatten_errors(value, f"{prefix}{index}."))
        return flat
    return {prefix.rstrip(".") or "non_field_errors": [str(detail)]}


_STATUS_CODES = {
    exceptions.ParseError: "parse_error",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


def _title(status_code: int) -> str:
    from http import HTTPStatus

    return HTTPStatus(status_code).phrase


def problem_exception_handler(exc: Exception, context: dict) -> Response:
    """DRF's EXCEPTION_HANDLER: every error, expected or not, leaves as problem details."""
    if isinstance(exc, DomainError):
        # An error that says when to come back (``retry_after`` seconds) says it in the header too.
        retry_after = getattr(exc, "retry_after", None)
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        return problem_response(
            status_code=exc.status, code=exc.code, title=exc.title, detail=exc.message, headers=headers, **exc.extra
        )
    request = context.get("request")
    if isinstance(exc, AxesBackendPermissionDenied) or (
        # django-axes refused a locked-out sign-in inside authenticate(), which then looked like bad credentials.
        isinstance(exc, exceptions.AuthenticationFailed) and getattr(request, "axes_locked_out", False)
    ):
        return lockout_problem()
    if isinstance(exc, RequestDataTooBig):
        # A multipart body whose fields (not files) outgrow DATA_UPLOAD_MAX_MEMORY_SIZE, met while parsing.
        return problem_response(
            status_code=413,
            code="request_too_large",
            title="Content Too Large",
            detail="The request is larger than this store accepts.",
        )
    if isinstance(exc, SuspiciousOperation):  # e.g. too many form fields or files
        return problem_response(
            status_code=400, code="bad_request", title="Bad Request", detail="The request could not be understood."
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    if isinstance(exc, exceptions.ValidationError):
        return problem_response(
            status_code=400,
            code="validation_error",
            title="Invalid input",
            detail="The request has invalid fields; see errors.",
            errors=flatten_errors(exc.detail),
        )
    if isinstance(exc, exceptions.APIException):
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(max(1, int(exc.wait + 0.999)))
        code = _STATUS_CODES.get(type(exc)) or next((c for k, c in _STATUS_CODES.items() if isinstance(exc, k)), None)
        code = code or (exc.get_codes() if isinstance(exc.get_codes(), str) else "error")
        return problem_response(
            status_code=exc.status_code,
            code=code,
            title=_title(exc.status_code),
            detail=str(exc.detail),
            headers=headers,
        )

    logger.exception("unhandled API error", extra={"path": getattr(request, "path", None)})
    return problem_response(
        status_code=500,
        code="internal_error",
        title="Internal Server Error",
        detail="Something went wrong on our side. It has been logged; please try again.",
    )


def lockout_problem() -> Response:
    """Too many failed sign-ins for this e-mail from this address."""
    retry_after = int(settings.AXES_COOLOFF_TIME.total_seconds())
    return problem_response(
        status_code=429,
        code="too_many_login_attempts",
        title="Too Many Requests",
        detail="Too many failed sign-in attempts. Try again later.",
        headers={"Retry-After": str(retry_after)},
    )
