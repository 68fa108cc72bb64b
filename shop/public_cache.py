"""A short-lived cache of whole public answers, for visitors who are not signed in.

Catalog reads outnumber writes a hundred to one, and an anonymous visitor's listing, search, product
page or API answer is the same for every such visitor. They are kept in the shared cache (Redis) for
``PUBLIC_CACHE_SECONDS``. Keys carry a version per subject (``catalog``, ``stock``) that the services
bump on every write, so nothing our own writes changed is ever served stale.

The home page and the paths in ``PUBLIC_CACHE_PATHS`` qualify. Only GET/HEAD requests without
credentials (no Authorization header, no session cookie) are served from or stored in this cache,
and only 200 answers that set no cookie and are not marked private.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

SUBJECTS = ("catalog", "stock")
_VERSION_KEY = "public-cache:version:{}"


def bumps(subject: str):
    """Decorator for a write service: once its transaction commits, cached answers showing
    ``subject`` are invalidated."""

    def decorate(service):
        @functools.wraps(service)
        def wrapper(*args, **kwargs):
            result = service(*args, **kwargs)
            # Now, and again once committed: a reader between the two may have cached what it saw
            # before the commit under the new version.
            bump(subject)
            transaction.on_commit(functools.partial(bump, subject))
            return result

        return wrapper

    return decorate


def bump(subject: str) -> None:
    """Invalidate every cached answer that may show ``subject``."""
    key = _VERSION_KEY.format(subject)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=None)


def _versions() -> str:
    found = cache.get_many([_VERSION_KEY.format(s) for s in SUBJECTS])
    return ".".join(str(found.get(_VERSION_KEY.format(s), 0)) for s in SUBJECTS)


def _anonymous(request) -> bool:
    return "HTTP_AUTHORIZATION" not in request.META and settings.SESSION_COOKIE_NAME not in request.COOKIES


def _eligible(request) -> bool:
    return (
        settings.PUBLIC_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and (request.path == "/" or request.path.startswith(settings.PUBLIC_CACHE_PATHS))
        and _anonymous(request)
    )


class PublicCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _eligible(request):
            return self.get_response(request)
        key = f"public-cache:{_versions()}:{request.get_full_path()}"
        stored = cache.get(key)
        if stored is not None:
            response = HttpResponse(stored["content"], status=200)
            for name, value in stored["headers"]:
                response[name] = value
            response["X-Cache"] = "hit"
            return response  # ConditionalGetMiddleware, outside this one, adds the ETag and answers 304s
        response = self.get_response(request)
        if self._storable(response):
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
            patch_vary_headers(response, ("Cookie", "Authorization"))
            headers = [(k, v) for k, v in response.items() if k.lower() not in ("set-cookie", "x-cache")]
            cache.set(key, {"content": response.content, "headers": headers}, settings.PUBLIC_CACHE_SECONDS)
            response["X-Cache"] = "miss"
        return response

    @staticmethod
    def _storable(response) -> bool:
        control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in control
            and "no-store" not in control
            and "no-cache" not in control
        )
