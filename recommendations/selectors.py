"""Reading the co-purchases: the products most often bought together with one product."""

from __future__ import annotations

from catalog import selectors as catalog_selectors
from recommendations.models import CoPurchase


def also_bought_ids(*, product_id: int, limit: int = 6) -> list[int]:
    """Ids of the listed products bought together with ``product_id``, most orders first, then by id."""
    return list(
        CoPurchase.objects.filter(product_id=product_id, other__in=catalog_selectors.listed_products())
        .order_by("-orders", "other_id")
        .values_list("other_id", flat=True)[:limit]
    )


def also_bought(*, product_id: int, limit: int = 6) -> list:
    """The listed products bought together with ``product_id``, ready for cards (catalog's card attributes),
    most orders first, then by id; a fixed number of queries whatever ``limit``."""
    ids = also_bought_ids(product_id=product_id, limit=limit)
    if not ids:
        return []
    by_id = {p.pk: p for p in catalog_selectors.product_cards_queryset().filter(pk__in=ids)}
    products = [by_id[pk] for pk in ids if pk in by_id]
    return catalog_selectors.product_cards(products)
