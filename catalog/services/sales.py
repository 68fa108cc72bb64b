"""Units sold per product (``Product.sales_count``, the "Best selling" order and the suggestions' order),
moved by the orders' events: paid lines add their units, cancelled paid lines and received returns take
them off again.

Each event moves a product's figure once: a SalesEntry row per (event, product) is written in the same
transaction as the F() update, and its unique constraint refuses a second one, so a redelivered event
changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.db.models import F

from catalog.models import Product, SalesEntry
from catalog.search import index_events
from catalog.services.scopes import sold_products
from shop.public_cache import bumps


@bumps("catalog", products=sold_products)
def record_sales(*, event_id: str, units: Mapping[int, int]) -> bool:
    """Add ``units`` (product id -> units sold; negative for units cancelled or returned) to the products'
    sales figures, once per ``event_id``; returns False, changing nothing, for an event counted before.

    Products that no longer exist are skipped. A figure that would fall below zero (a cancellation
    delivered before its payment) raises IntegrityError, so the outbox retries it after the payment.
    """
    wanted = {int(product_id): int(count) for product_id, count in units.items() if product_id and count}
    existing = sorted(Product.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    if not existing:
        return False
    try:
        with transaction.atomic(durable=True):
            SalesEntry.objects.bulk_create(
                [
                    SalesEntry(event_id=event_id, product_id=product_id, units=wanted[product_id])
                    for product_id in existing
                ]
            )
            # Product ids in order: two events moving the same products lock their rows in the same order.
            for product_id in existing:
                Product.objects.filter(pk=product_id).update(sales_count=F("sales_count") + wanted[product_id])
            index_events.products_changed(existing)
    except IntegrityError:
        if SalesEntry.objects.filter(event_id=event_id).exists():
            return False  # counted by an earlier delivery of the same event
        raise
    return True
