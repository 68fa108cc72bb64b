"""Requests refused before any view runs: bodies too large to read, addresses holding text nothing can store.

- A body larger than the store accepts is a 413: ``MAX_REQUEST_BYTES`` for multipart uploads (catalogue
  imports and pictures), ``DATA_UPLOAD_MAX_MEMORY_SIZE`` for everything else.
- A NUL character or an unpaired surrogate in the (percent-decoded) path addresses nothing: a 404.
- The same in a query parameter's name or value is a 400 naming the parameter (``validation_error``).

Under /api/ each answer is problem details, elsewhere the error page (shop.views).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from shop.api.errors import PROBLEM_CONTENT_TYPE, problem_body
from shop.api.parsers import UNSTORABLE, UNSTORABLE_MESSAGE, escape_unstorable
from shop.views import bad_request, page_not_found, request_too_large


def _body_limit(request: HttpRequest) -> int:
    """The most bytes this request's body may hold."""
    if request.content_type == "multipart/form-data":
        return settings.MAX_REQUEST_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django reads no body at all then


def _unstorable_parameter(request: HttpRequest) -> str | None:
    for name, values in request.GET.lists():
        if UNSTORABLE.search(name) or any(UNSTORABLE.search(value) for value in values):
            return escape_unstorable(name)
    return None


def _bad_parameter(request: HttpRequest, name: str) -> HttpResponse:
    if not request.path.startswith("/api/"):
        return bad_request(request)
    body = problem_body(
        status_code=400,
        code="validation_error",
        title="Invalid input",
        detail="The request has invalid fields; see errors.",
        errors={name: [UNSTORABLE_MESSAGE]},
    )
    return JsonResponse(body, status=400, content_type=PROBLEM_CONTENT_TYPE)


class RequestGuardMiddleware:
    """Answers oversized bodies, and unstorable text in the path or query, before anything reads them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _declared_length(request) > _body_limit(request):
            return request_too_large(request)
        if UNSTORABLE.search(request.path):
            return page_not_found(request)
        name = _unstorable_parameter(request)
        if name is not None:
            return _bad_parameter(request, name)
        return self.get_response(request)
