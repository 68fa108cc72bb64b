"""Rate limits that hold under concurrency: one counter per client and window, and the storefront's throttle.

``hit`` counts a request in a fixed window (``thr:{scope}:{ident}:{window}`` in the ``default`` cache)
and says whether it is within the limit. On Redis the count is one ``MULTI``/``INCR``/``EXPIRE``/``EXEC``
round trip, so however many requests arrive at once exactly ``limit`` of them pass in a window. Without
Redis (the file cache of ``make run``) the increment runs under a file lock in the cache's directory,
exact for every process of the machine. If the store fails, requests pass (as the rest of the ``default``
cache does): the failure is logged and counted in ``shop_throttle_unavailable_total``.

``throttled`` guards a page's POSTs (sign-in, sign-up, add-to-cart, checkout) with the rates of
``PAGE_THROTTLE_RATES``; over the rate the visitor gets a 429 page with ``Retry-After`` and the view
does not run. The API's throttles (``shop/api/throttling.py``) count with the same ``hit``.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
import fcntl
from functools import wraps
import math
import os
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_redis.cache import RedisCache
from prometheus_client import Counter
from redis.exceptions import RedisError
import structlog

from shop.client_ip import client_ip

logger = structlog.get_logger(__name__)

_UNAVAILABLE = Counter(
    "shop_throttle_unavailable_total", "Throttle checks let through because the counter store failed", ["scope"]
)
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_process_lock = threading.Lock()


@dataclass(frozen=True)
class Hit:
    """One counted request: whether it is within the limit, and the seconds until its window ends."""

    allowed: bool
    retry_after: float


def parse_rate(rate: str) -> tuple[int, int]:
    """``"10/min"`` -> ``(10, 60)``: requests per period in seconds (DRF's syntax: s, m, h, d and longer)."""
    count, period = rate.split("/")
    return int(count), _PERIODS[period.strip()[0]]


def now() -> float:
    """The clock windows are cut from (a test may stop it)."""
    return time.time()


def hit(scope: str, ident: str, *, limit: int, period: int) -> Hit:
    """Count one request of ``ident`` in ``scope``'s current window; allowed while the count is <= ``limit``."""
    moment = now()
    window = int(moment // period)
    retry_after = (window + 1) * period - moment
    key = f"thr:{scope}:{ident}:{window}"
    try:
        count = _increment(key, period)
    except (RedisError, OSError):
        _UNAVAILABLE.labels(scope).inc()
        logger.warning("throttle.unavailable", scope=scope, exc_info=True)
        return Hit(allowed=True, retry_after=0)
    return Hit(allowed=count <= limit, retry_after=retry_after)


def _increment(key: str, period: int) -> int:
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        name = cache.make_key(key)
        pipe = cache.client.get_client(write=True).pipeline(transaction=True)
        pipe.incr(name)
        pipe.expire(name, period)
        count, _ = pipe.execute()
        return count
    with _machine_lock(getattr(cache, "_dir", None)):
        cache.add(key, 0, timeout=period)
        try:
            return cache.incr(key)
        except ValueError:  # the window's entry lapsed between add and incr
            cache.set(key, 1, timeout=period)
            return 1


@contextmanager
def _machine_lock(directory: str | None):
    """Serialize increments of this process's threads and, for a file cache, of every process sharing it."""
    with _process_lock:
        if directory is None:
            yield
            return
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, "throttle.lock"), "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)


def visitor_ident(request: HttpRequest) -> str:
    """The signed-in user, else the session, else the client address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if session_key:
        return f"session:{session_key}"
    return f"ip:{client_ip(request)}"


def throttled(scope: str, *, per: str = "address") -> Callable:
    """Limit a page's POSTs to ``PAGE_THROTTLE_RATES[scope]`` per client address (``per="address"``) or
    per visitor (``per="visitor"``: user, else session, else address); over it, a 429 page."""
    if per not in ("address", "visitor"):
        raise ValueError(f"per must be 'address' or 'visitor', not {per!r}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST":
                limit, period = parse_rate(settings.PAGE_THROTTLE_RATES[scope])
                ident = f"ip:{client_ip(request)}" if per == "address" else visitor_ident(request)
                result = hit(f"page:{scope}", ident, limit=limit, period=period)
                if not result.allowed:
                    return too_many_requests(request, retry_after=result.retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def too_many_requests(request: HttpRequest, *, retry_after: float) -> HttpResponse:
    """The 429 page, with ``Retry-After`` in whole seconds."""
    seconds = max(1, math.ceil(retry_after))
    context = {
        "status": 429,
        "title": "Too Many Requests",
        "detail": f"You have tried this too often. Please wait {seconds} seconds and try again.",
    }
    response = render(request, "errors/error.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
