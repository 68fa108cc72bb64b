"""A short-lived cache of whole public answers, for visitors who are not signed in.

Catalog reads outnumber writes a hundred to one, and an anonymous visitor's listing, search, product
page or API answer is the same for every such visitor. Whole answers (status, every header, body) are
kept in the shared cache (Redis) for ``PUBLIC_CACHE_SECONDS``. Each stored answer records the
version of every subject (``catalog``, ``stock``) current when it began to be computed; the write
services bump a subject's version, and an answer whose versions are no longer current is never
served, so nothing our own writes changed is ever served stale.

The home page and the paths in ``PUBLIC_CACHE_PATHS`` qualify. Only GET/HEAD requests without
credentials (no Authorization header, no session cookie) are served from or stored in this cache,
and only 200 answers that set no cookie and are not marked private.

Two doors lead to the same entries:

- ``PublicCacheMiddleware`` (outermost but for the metrics) stores answers and serves hits to any
  Django handler, the test client included;
- ``FastPath`` wraps the WSGI application (``shop/wsgi.py``) and serves hits before Django builds a
  request or runs any middleware: one cache round trip (``get_many``) and the stored bytes. A hit
  costs a fraction of the cheapest Django answer; see docs/PERFORMANCE.md.
"""

from __future__ import annotations

import functools
from http import HTTPStatus
from http.cookies import SimpleCookie

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags
from prometheus_client import Counter
import structlog

logger = structlog.get_logger(__name__)

SUBJECTS = ("catalog", "stock")
_VERSION_KEYS = tuple(f"public-cache:version:{subject}" for subject in SUBJECTS)
_HITS = Counter("shop_public_cache_hits_total", "Public answers served from the shared cache", ["door"])


def bumps(subject: str):
    """Decorator for a write service: once its transaction commits, cached answers showing
    ``subject`` are invalidated."""

    def decorate(service):
        @functools.wraps(service)
        def wrapper(*args, **kwargs):
            result = service(*args, **kwargs)
            # Now, and again once committed: a reader between the two may have computed its answer
            # from what it saw before the commit, under the version of the first bump.
            bump(subject)
            transaction.on_commit(functools.partial(bump, subject))
            return result

        return wrapper

    return decorate


def bump(subject: str) -> None:
    """Invalidate every cached answer that may show ``subject``."""
    key = _VERSION_KEYS[SUBJECTS.index(subject)]
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=None)


# --- Which requests qualify, and under which key ------------------------------------------------


def _eligible(meta: dict) -> bool:
    """``meta`` is the WSGI environ (``request.META`` is the same dict)."""
    if settings.PUBLIC_CACHE_SECONDS <= 0 or meta.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return False
    path = meta.get("PATH_INFO", "")
    if path != "/" and not path.startswith(settings.PUBLIC_CACHE_PATHS):
        return False
    if "HTTP_AUTHORIZATION" in meta:
        return False
    cookies = meta.get("HTTP_COOKIE")
    if cookies and settings.SESSION_COOKIE_NAME in cookies:
        try:
            return settings.SESSION_COOKIE_NAME not in SimpleCookie(cookies)
        except Exception:  # an unparsable Cookie header: let Django answer it
            return False
    return True


def _key(meta: dict) -> str:
    """The answer's address, as the client asked for it: scheme, host, raw path and query. A host
    Django refuses is never stored under any key, so an unknown Host header can only miss."""
    proxy_header, secure_value = settings.SECURE_PROXY_SSL_HEADER or (None, None)
    scheme = "https" if proxy_header and meta.get(proxy_header) == secure_value else meta.get("wsgi.url_scheme")
    host = meta.get("HTTP_HOST") or meta.get("SERVER_NAME", "")
    query = meta.get("QUERY_STRING", "")
    return f"public-cache:{scheme}://{host}{meta.get('PATH_INFO', '')}{'?' if query else ''}{query}"


def _lookup(meta: dict) -> tuple[str, str, dict | None]:
    """(key, current versions, the stored answer if it is still current) in one round trip."""
    key = _key(meta)
    found = cache.get_many([*_VERSION_KEYS, key])
    versions = ".".join(str(found.get(k, 0)) for k in _VERSION_KEYS)
    stored = found.get(key)
    if stored is None or stored["versions"] != versions:
        return key, versions, None
    return key, versions, stored


def _not_modified(meta: dict, stored: dict) -> bool:
    etag = stored["etag"]
    wanted = meta.get("HTTP_IF_NONE_MATCH")
    if not etag or not wanted:
        return False
    tags = parse_etags(wanted)
    return "*" in tags or etag in tags or etag.removeprefix("W/") in [t.removeprefix("W/") for t in tags]


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


# --- The two doors --------------------------------------------------------------------------------


class PublicCacheMiddleware:
    """Stores public answers, and serves hits to requests that reach Django."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _eligible(request.META):
            return self.get_response(request)
        try:
            key, versions, stored = _lookup(request.META)
        except Exception:  # the cache is down: answer without it
            logger.warning("public_cache.unavailable", exc_info=True)
            return self.get_response(request)
        if stored is not None:
            _HITS.labels("django").inc()
            return self._replay(request, stored)
        response = self.get_response(request)
        if _storable(response):
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
            patch_vary_headers(response, ("Cookie", "Authorization"))
            headers = [(k, v) for k, v in response.items() if k.lower() not in ("set-cookie", "x-cache")]
            entry = {
                "versions": versions,
                "headers": headers,
                "etag": response.get("ETag", ""),
                "content": response.content,
            }
            try:
                cache.set(key, entry, settings.PUBLIC_CACHE_SECONDS)
            except Exception:
                logger.warning("public_cache.unavailable", exc_info=True)
            response["X-Cache"] = "miss"
        return response

    @staticmethod
    def _replay(request, stored: dict) -> HttpResponse:
        if _not_modified(request.META, stored):
            response = HttpResponseNotModified()
            for name, value in stored["headers"]:
                if name.lower() in ("etag", "cache-control", "vary", "expires", "last-modified"):
                    response[name] = value
        else:
            response = HttpResponse(stored["content"])
            for name, value in stored["headers"]:
                response[name] = value
        response["X-Cache"] = "hit"
        return response


class FastPath:
    """WSGI wrapper answering public cache hits before Django runs; everything else goes to Django."""

    _KEPT_ON_304 = ("etag", "cache-control", "vary", "expires", "last-modified")

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if _eligible(environ):
            try:
                _, _, stored = _lookup(environ)
            except Exception:  # the cache is down: Django answers (and reports it) as usual
                stored = None
            if stored is not None:
                _HITS.labels("wsgi").inc()
                return self._replay(environ, start_response, stored)
        return self.application(environ, start_response)

    def _replay(self, environ, start_response, stored: dict):
        if _not_modified(environ, stored):
            headers = [(k, v) for k, v in stored["headers"] if k.lower() in self._KEPT_ON_304]
            start_response(_status(304), [*headers, ("X-Cache", "hit")])
            return []
        content = stored["content"]
        headers = [(k, v) for k, v in stored["headers"] if k.lower() != "content-length"]
        headers += [("Content-Length", str(len(content))), ("X-Cache", "hit")]
        start_response(_status(200), headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [content]


@functools.cache
def _status(code: int) -> str:
    return f"{code} {HTTPStatus(code).phrase}"
