"""Storing the products' trending scores, computed elsewhere (recommendations.trending) from recent sales and views."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from catalog.models import Product
from catalog.search import index_events
from catalog.services.scopes import no_pieces
from shop.public_cache import bumps


@bumps("catalog", products=no_pieces)
def set_trending_scores(*, scores: Mapping[int, float]) -> int:
    """Make ``scores`` (product id -> score) the products' trending scores, every other product's 0; returns the
    number of products whose score is now above 0. One durable transaction: a listing never sees half a refresh."""
    wanted = {int(product_id): float(score) for product_id, score in scores.items() if score > 0}
    with transaction.atomic(durable=True):
        reset = Product.objects.filter(trending_score__gt=0).exclude(pk__in=list(wanted))
        if index_events.indexed_elsewhere():
            index_events.products_changed([*reset.values_list("pk", flat=True), *wanted])
        reset.update(trending_score=0)
        products = list(Product.objects.filter(pk__in=list(wanted)).only("pk", "trending_score").order_by("pk"))
        for product in products:
            product.trending_score = wanted[product.pk]
        Product.objects.bulk_update(products, ["trending_score"], batch_size=500)
    return len(products)
