"""A short memory for big result sets: their count, facets and pages, for a minute.

Counting and ranking tens of thousands of matches is what makes a broad search slow; the same broad
searches ("shoes", a top category) are also the most repeated, and a count that is a minute old is
indistinguishable from an exact one at that size. Result sets below ``MIN_COUNT`` are never cached, so a
narrow search (and every test with a handful of products) always sees the current state.
Settings: SEARCH_CACHE_SECONDS (60; 0 turns the cache off), SEARCH_CACHE_MIN_COUNT (200).
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from catalog.search import SearchParams
from catalog.search.query import ParsedQuery

VERSION = 1


def _seconds() -> int:
    return getattr(settings, "SEARCH_CACHE_SECONDS", 60)


def _min_count() -> int:
    return getattr(settings, "SEARCH_CACHE_MIN_COUNT", 200)


def key(kind: str, params: SearchParams, query: ParsedQuery, **extra) -> str:
    """A key from what decides the result: the normalized query and filters (not the spelling typed)."""
    parts = {
        "database": str(connection.settings_dict.get("NAME")),
        "query": query.text(),
        "category": params.category_id,
        "brands": sorted({b.strip().lower() for b in params.brands}),
        "min": None if params.min_price is None else str(params.min_price),
        "max": None if params.max_price is None else str(params.max_price),
        "rating": params.rating_gte,
        "in_stock": params.in_stock,
        "sizes": sorted({s.strip().lower() for s in params.sizes}),
        "colors": sorted({c.strip().lower() for c in params.colors}),
        "seller": params.seller_id,
        **extra,
    }
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]
    return f"catalog:search:v{VERSION}:{kind}:{digest}"


def get(cache_key: str, *, count: int | None = None):
    """The cached value, or None. With ``count`` (already known): None at once for a small result set."""
    if not _seconds() or (count is not None and count < _min_count()):
        return None
    return cache.get(cache_key)


def put(cache_key: str, value, *, count: int) -> None:
    if _seconds() and count >= _min_count():
        cache.set(cache_key, value, _seconds())
