"""Read functions of the inventory app: what is available, holds and low-stock alerts, for pages, the API
and other apps."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from inventory.models import Hold, LowStockAlert, StockLevel, StockMovement


def available_by_variant(*, variant_ids: Iterable[int]) -> dict[int, int]:
    """Units available (on hand minus held) per variant id; variants without stock rows have 0."""
    ids = list(variant_ids)
    levels = dict(
        StockLevel.objects.filter(variant_id__in=ids)
        .annotate(available=F("on_hand") - F("held"))
        .values_list("variant_id", "available")
    )
    return {variant_id: max(levels.get(variant_id, 0), 0) for variant_id in ids}


def product_in_stock(product_ref: str | OuterRef = "pk") -> Exists:
    """An expression for querysets of products: true when any variant has a unit available.

    Use as ``Product.objects.annotate(in_stock=product_in_stock())``.
    """
    ref = OuterRef(product_ref) if isinstance(product_ref, str) else product_ref
    return Exists(StockLevel.objects.filter(variant__product_id=ref, on_hand__gt=F("held")))


def variant_available(variant_ref: str = "pk"):
    """An expression for querysets of variants: units available (0 without a stock row)."""
    level = StockLevel.objects.filter(variant_id=OuterRef(variant_ref)).annotate(a=F("on_hand") - F("held"))
    return Coalesce(Subquery(level.values("a")[:1], output_field=IntegerField()), Value(0))


def ledger_for(*, variant_id: int) -> QuerySet[StockMovement]:
    """Every stock movement of a variant, newest first."""
    return StockMovement.objects.filter(variant_id=variant_id).select_related("actor").order_by("-created_at", "-id")


def holds_for(*, reference: str) -> dict[int, Hold]:
    """Every hold (active or closed) of an order, by variant id."""
    return {hold.variant_id: hold for hold in Hold.objects.filter(reference=reference)}


def alerts_for_seller(*, seller_id: int, open_only: bool = False) -> QuerySet[LowStockAlert]:
    """A seller's low-stock alerts, newest first, with their variants and products (for rendering)."""
    alerts = LowStockAlert.objects.filter(seller_id=seller_id)
    if open_only:
        alerts = alerts.filter(cleared_at__isnull=True)
    return alerts.select_related("variant__product").order_by("-created_at", "-id")
