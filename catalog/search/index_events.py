"""Telling the search index which products changed, in the writer's own transaction (the outbox).

Only the Elasticsearch backend keeps an index outside the database; with any other backend these calls return
at once, costing no query on the write paths.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from shop.events import publish


def indexed_elsewhere() -> bool:
    """Whether search reads an index that catalog writes must be told about (SEARCH_BACKEND=elasticsearch)."""
    return settings.SEARCH_BACKEND == "elasticsearch"


def products_changed(product_ids: Iterable[int]) -> None:
    """Publish ``catalog.products_changed`` for these products (inside the caller's transaction), when the
    search index lives outside the database; nothing otherwise."""
    if not indexed_elsewhere():
        return
    ids = sorted({int(pk) for pk in product_ids if pk is not None})
    if ids:
        publish("catalog.products_changed", product_ids=ids)
