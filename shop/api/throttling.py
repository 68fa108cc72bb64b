"""The API's throttles: DRF's anon, user and scoped throttles, counted atomically per client address.

DRF's own classes read a history from the cache and write it back, so concurrent requests each see the
old history and more than the rate gets through; they also name the client from ``X-Forwarded-For`` when
told of no proxy. These keep DRF's scopes, rates (``DEFAULT_THROTTLE_RATES``) and cache keys' meaning,
but name the client with ``shop.client_ip`` and count with ``shop.throttles.hit``: one atomic increment
in a fixed window, ``Retry-After`` being the seconds to the window's end.
"""

from rest_framework import throttling

from shop.client_ip import client_ip
from shop.throttles import hit


class AtomicRateThrottle(throttling.SimpleRateThrottle):
    """A ``SimpleRateThrottle`` that counts in one atomic round trip and trusts only the configured proxies."""

    cache_format = "%(ident)s"  # hit() adds the scope and the window

    def get_ident(self, request) -> str:
        return client_ip(request)

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        result = hit(self.scope, key, limit=self.num_requests, period=self.duration)
        self.retry_after = result.retry_after
        return result.allowed

    def wait(self) -> float:
        return self.retry_after


class AnonRateThrottle(throttling.AnonRateThrottle, AtomicRateThrottle):
    """Anonymous requests, per client address (scope ``anon``)."""


class UserRateThrottle(throttling.UserRateThrottle, AtomicRateThrottle):
    """Per signed-in user, else per client address (scope ``user``)."""


class ScopedRateThrottle(throttling.ScopedRateThrottle, AtomicRateThrottle):
    """Per the view's ``throttle_scope``, per user or client address (e.g. ``auth``)."""
