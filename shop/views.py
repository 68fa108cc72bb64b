"""Operations endpoints (liveness, readiness, metrics) and the site-wide error pages."""

from __future__ import annotations

import hmac
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django_prometheus.exports import ExportToDjangoView

from shop.api.errors import PROBLEM_CONTENT_TYPE, problem_body

logger = logging.getLogger(__name__)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive and answering; says nothing about its dependencies."""
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    key = "readyz:probe"
    value = str(time.monotonic())
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        raise RuntimeError("cache did not return what was written")


def _check_broker() -> None:
    from shop.celery import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=2)


def _dependency_checks() -> dict:
    checks = {"database": _check_database, "cache": _check_cache}
    if settings.CELERY_BROKER_URL:
        checks["broker"] = _check_broker
    return checks


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to serve: database, cache and (when configured) the broker answer. 503 names what is down."""
    results: dict[str, str] = {}
    down: list[str] = []
    for name, check in _dependency_checks().items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # any failure of a dependency means not ready
            logger.warning("readiness check failed", extra={"dependency": name, "error": str(exc)})
            results[name] = f"down: {exc.__class__.__name__}"
            down.append(name)
    if down:
        return JsonResponse(
            {"status": "unavailable", "down": down, "checks": results, "detail": f"{', '.join(down)} unreachable"},
            status=503,
        )
    return JsonResponse({"status": "ok", "checks": results})


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format. With METRICS_TOKEN set (always when DEBUG is off: the settings refuse to start
    without it), scrapers must send ``Authorization: Bearer <token>``; anything else is a 401."""
    token = settings.METRICS_TOKEN
    if token:
        scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(sent.strip().encode(), token.encode()):
            response = HttpResponse("unauthorized\n", status=401, content_type="text/plain")
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
    return ExportToDjangoView(request)


# status: (code, title, what the visitor is told)
_ERRORS = {
    400: ("bad_request", "Bad Request", "The request could not be understood."),
    403: ("permission_denied", "Forbidden", "You are not allowed to do this."),
    404: ("not_found", "Not found", "There is nothing at this address."),
    413: ("request_too_large", "Content Too Large", "The request is larger than this store accepts."),
    500: ("internal_error", "Internal Server Error", "Something went wrong on our side. It has been logged."),
}


def _error(request: HttpRequest, status: int) -> HttpResponse:
    """The same error as problem details under /api/, as a page everywhere else."""
    code, title, detail = _ERRORS[status]
    if request.path.startswith("/api/"):
        body = problem_body(status_code=status, code=code, title=title, detail=detail)
        return JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE)
    # The 500 page stands alone: rendering the full shell could fail the same way the request did.
    template = "errors/500.html" if status == 500 else "errors/error.html"
    return render(request, template, {"status": status, "title": title, "detail": detail}, status=status)


def bad_request(request, exception=None):
    # Django reports a body over DATA_UPLOAD_MAX_MEMORY_SIZE as a "suspicious" 400; it is a 413.
    return _error(request, 413 if isinstance(exception, RequestDataTooBig) else 400)


def request_too_large(request, exception=None):
    return _error(request, 413)


def permission_denied(request, exception=None):
    return _error(request, 403)


def page_not_found(request, exception=None):
    return _error(request, 404)


def server_error(request):
    return _error(request, 500)
