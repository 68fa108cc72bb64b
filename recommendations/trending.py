"""Trending: what sells and is looked at now, per category, over a recent window with older days decayed.

A product's score is the sum over the last ``WINDOW_DAYS`` days of (units sold + ``VIEW_WEIGHT`` x views) that
day, each day weighed by ``0.5 ** (age in days / HALF_LIFE_DAYS)``. ``refresh_trending`` stores the scores on the
products (``catalog.services.set_trending_scores``), where ``sort=trending`` and the landing page read them;
"trending in a category" is the category's products in that order.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
import secrets

from django.core.cache import cache
from django.utils import timezone

from catalog import selectors as catalog_selectors
from catalog import services as catalog_services
from recommendations import selectors

WINDOW_DAYS = 14
HALF_LIFE_DAYS = 3.0
VIEW_WEIGHT = 0.05  # twenty views weigh as much as one unit sold
VERSION_KEY = "recommendations:trending:version"


def _decay(day, today) -> float:
    return 0.5 ** (max((today - day).days, 0) / HALF_LIFE_DAYS)


def trending_scores(*, now: datetime | None = None) -> dict[int, float]:
    """Each listed product's trending score (only products sold or viewed in the window appear)."""
    now = now or timezone.now()
    since = now - timedelta(days=WINDOW_DAYS)
    today = timezone.localdate(now)
    scores: dict[int, float] = defaultdict(float)
    for product_id, day, units in catalog_selectors.daily_sales(since=since):
        scores[product_id] += units * _decay(day, today)
    for product_id, day, views in selectors.daily_views(since=since):
        scores[product_id] += VIEW_WEIGHT * views * _decay(day, today)
    return {product_id: round(score, 6) for product_id, score in scores.items() if score > 0}


def refresh_trending(*, now: datetime | None = None) -> int:
    """Recompute and store every product's trending score, then invalidate the landing pages built on the old
    ones; returns the number of trending products. Safe to run twice (a scheduled job)."""
    count = catalog_services.set_trending_scores(scores=trending_scores(now=now))
    cache.set(VERSION_KEY, secrets.token_hex(4), timeout=None)
    return count


def trending_version() -> str:
    """A token that changes whenever the scores are recomputed: part of every cached landing page's key."""
    return cache.get(VERSION_KEY) or "0"
