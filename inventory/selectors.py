"""Read functions of the inventory app: what is available, holds and low-stock alerts, for pages, the API
and other apps."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import (
    BooleanField,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from inventory.errors import StockNotFound
from inventory.models import Hold, LowStockAlert, StockLevel, StockMovement
from sellers import selectors as seller_selectors
from shop import public_cache


def available_by_variant(*, variant_ids: Iterable[int]) -> dict[int, int]:
    """Units available per variant id (see ``available``); variants without stock rows have 0. One query."""
    ids = list(variant_ids)
    levels = dict(
        StockLevel.objects.filter(variant_id__in=ids).annotate(units=available()).values_list("variant_id", "units")
    )
    return {variant_id: max(levels.get(variant_id, 0), 0) for variant_id in ids}


def available(variant_ref: str = "variant_id", *, now: datetime | None = None):
    """An expression for querysets of stock levels: units available, i.e. on hand, minus held, plus the
    units of the variant's lapsed holds (active past their ``expires_at``, not yet released).

    The one definition of "available": the other selectors here build on it, and hold_stock applies the
    same rule to the rows it locks (unheld units plus those of ``lapsed_holds``).
    """
    return F("on_hand") - F("held") + _lapsed_units(variant_ref, now=now)


def product_in_stock(product_ref: str | OuterRef = "pk", *, now: datetime | None = None) -> Expression:
    """An expression for querysets of products (or of rows with a path to one): true when any variant has a
    unit available.

    Use as ``Product.objects.annotate(in_stock=product_in_stock())`` or ``.filter(product_in_stock())``;
    ``product_ref`` is the path to the product's id (``"variant__product_id"`` for cart items) or an
    ``OuterRef`` to it. See ``in_stock_condition`` for how it is computed.
    """
    if isinstance(product_ref, OuterRef):  # a product has stock levels whenever it has a unit
        levels = StockLevel.objects.filter(variant__product_id=product_ref)
        return Exists(levels.filter(in_stock_condition("variant__product_id", now=now)))
    return ExpressionWrapper(in_stock_condition(product_ref, now=now), output_field=BooleanField())


def in_stock_condition(product_ref: str = "pk", *, now: datetime | None = None) -> Q:
    """``product_in_stock`` as a filter condition (``~`` for out of stock).

    A variant is in stock when on_hand > held, or when it has a lapsed hold (which leaves at least its own
    units available, since held never exceeds on hand). The first is counted per product by the database
    (catalog.Product.stocked_variants, kept by triggers on the stock levels: see inventory migration 0005),
    so the condition reads the product's own row; the second is one small uncorrelated subquery (the
    products of the lapsed holds' variants: a hashed subplan over the partial index on active holds'
    expiry) computed once per query, not per product. No scan of the catalogue's stock levels.
    """
    if product_ref in ("pk", "id"):
        product = ""
    elif product_ref.endswith(("__pk", "__id")):
        product = product_ref[:-4]
    elif product_ref.endswith("_id"):
        product = product_ref[:-3]
    else:
        raise ValueError(f"product_ref must name the product's id (pk, or a path ending in _id): {product_ref!r}")
    stocked = f"{product}__stocked_variants" if product else "stocked_variants"
    lapsed = lapsed_holds(now=now).values("variant__product_id")
    return Q(**{f"{stocked}__gt": 0}) | Q(**{f"{product_ref}__in": lapsed})


def variant_available(variant_ref: str = "pk", *, now: datetime | None = None):
    """An expression for querysets of variants: units available (0 without a stock row)."""
    level = StockLevel.objects.filter(variant_id=OuterRef(variant_ref)).annotate(a=available(now=now))
    return Coalesce(Subquery(level.values("a")[:1], output_field=IntegerField()), Value(0))


def lapsed_holds(*, now: datetime | None = None, variant_ids: Iterable[int] | None = None) -> QuerySet[Hold]:
    """Active holds past their ``expires_at``: their units are available although their orders still await
    the expiry that releases them (a checkout needing the units, or the sweep)."""
    holds = Hold.objects.filter(status=Hold.Status.ACTIVE, expires_at__lte=now or timezone.now())
    if variant_ids is not None:
        holds = holds.filter(variant_id__in=list(variant_ids))
    return holds


@public_cache.expires_by_itself("stock")
def next_hold_lapse(*, after: datetime) -> datetime | None:
    """The first moment after ``after`` at which an active hold lapses (cached public answers showing
    stock are kept no longer than that). One query on the partial index of active holds' expiry."""
    return (
        Hold.objects.filter(status=Hold.Status.ACTIVE, expires_at__gt=after)
        .order_by("expires_at")
        .values_list("expires_at", flat=True)
        .first()
    )


def _lapsed_units(variant_ref: str, *, now: datetime | None):
    units = (
        lapsed_holds(now=now)
        .filter(variant_id=OuterRef(variant_ref))
        .order_by()
        .values("variant_id")
        .annotate(units=Sum("quantity"))
        .values("units")
    )
    return Coalesce(Subquery(units, output_field=IntegerField()), Value(0))


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


# --- The seller's stock pages --------------------------------------------------------------------


def low_stock_threshold(variant_ref: str = "variant"):
    """An expression for querysets of stock levels: the threshold in force, the variant's own, else its
    product's, else its seller's default (the rule low-stock alerts follow)."""
    return Coalesce(
        f"{variant_ref}__low_stock_threshold",
        f"{variant_ref}__product__low_stock_threshold",
        seller_selectors.low_stock_threshold_of(seller_id=OuterRef(f"{variant_ref}__product__seller_id")),
    )


def stock_for_seller(*, seller_id: int, q: str = "", low_only: bool = False) -> QuerySet[StockLevel]:
    """The stock rows of a seller's variants (every product status), by product name, each annotated with
    ``units`` (available), ``threshold`` and ``low`` (units at or below it), with variant and product
    loaded: one query per page. ``q`` matches the product name or the SKU."""
    levels = StockLevel.objects.filter(variant__product__seller_id=seller_id)
    q = q.strip()
    if q:
        levels = levels.filter(Q(variant__product__name__icontains=q) | Q(variant__sku__icontains=q))
    levels = levels.annotate(units=available(), threshold=low_stock_threshold()).annotate(
        low=ExpressionWrapper(Q(units__lte=F("threshold")), output_field=BooleanField())
    )
    if low_only:
        levels = levels.filter(low=True)
    return levels.select_related("variant__product").order_by(
        "variant__product__name", "variant__product_id", "variant__position", "variant_id"
    )


def seller_stock_level(*, seller_id: int, variant_id: int) -> StockLevel:
    """One of the seller's stock rows, annotated as in ``stock_for_seller``; raises StockNotFound for a
    variant that is not theirs (or does not exist)."""
    level = stock_for_seller(seller_id=seller_id).filter(variant_id=variant_id).first()
    if level is None:
        raise StockNotFound()
    return level


def movements_for(
    *, variant_id: int, reasons: Iterable[str] = (), since: date | None = None, until: date | None = None
) -> QuerySet[StockMovement]:
    """``ledger_for`` narrowed to some kinds of movement and to the days from ``since`` to ``until`` (inclusive)."""
    movements = ledger_for(variant_id=variant_id)
    reasons = list(reasons)
    if reasons:
        movements = movements.filter(reason__in=reasons)
    if since is not None:
        movements = movements.filter(created_at__date__gte=since)
    if until is not None:
        movements = movements.filter(created_at__date__lte=until)
    return movements
