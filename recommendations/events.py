"""Paid orders teach the recommendations which products are bought together, and by the same customers."""

from __future__ import annotations

from catalog import selectors as catalog_selectors
from recommendations import services
from shop.events import subscriber


def _product_ids(lines: list[dict]) -> list[int]:
    """The lines' product ids: from the payload when it carries them, else by SKU (unique) in one query."""
    known = [line["product_id"] for line in lines if line.get("product_id") is not None]
    skus = [line["sku"] for line in lines if line.get("product_id") is None and line.get("sku")]
    if skus:
        # Only products still listed: the ones that may be recommended at all.
        known += catalog_selectors.listed_products().filter(variants__sku__in=skus).values_list("pk", flat=True)
    return list(known)


@subscriber("order.paid", name="recommendations.learn_co_purchases")
def learn_co_purchases(*, event_id: str, order_id: str, lines: list[dict], buyer_id: int, **payload) -> None:
    """Counted once per order (LearnedOrder), however often the event is delivered; the buyer's item set grows."""
    services.learn_from_order(order_id=str(order_id), product_ids=_product_ids(lines), buyer_id=buyer_id)
