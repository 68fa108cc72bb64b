"""A seller's sales figures for a period: totals against the previous period, a per-day series, top products.

Private to the orders app: the seller overview page and ``GET /api/v1/seller/stats`` read it. Every
figure is aggregated in the database (one query for both periods' totals, one for the series, one for
the top products), whatever the number of days, orders or products.

What counts (one rule for every figure): the seller's own order lines of orders that were paid, each
counted on the local date of its order's ``paid_at`` (an unpaid or expired order never counts). What
happened to a sale later is taken off the day it was sold: a cancelled line counts for nothing, and the
units received back by a return are taken off its units and revenue (at the line's unit price) and
counted under ``returns``. So:

- ``revenue``: the sum of unit price * (quantity - units returned) of the lines not cancelled (before
  tax and shipping, which are not the seller's);
- ``orders``: the orders with at least one such line;
- ``units``: the sum of (quantity - units returned) of those lines;
- ``returns``: the sum of units received back from those lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from orders.models import Order, OrderLine
from shop.money import quantize

DEFAULT_DAYS = 30
MAX_DAYS = 365
# The periods the overview offers as links: today, a week, a month, a quarter.
PERIOD_CHOICES = (1, 7, 30, 90)
TOP_PRODUCTS = 5

_NET_REVENUE = ExpressionWrapper(
    F("line_total") - F("unit_price") * F("returned_quantity"),
    output_field=DecimalField(max_digits=14, decimal_places=2),
)
_NET_UNITS = ExpressionWrapper(F("quantity") - F("returned_quantity"), output_field=IntegerField())
_ZERO = Decimal(0)


@dataclass(frozen=True)
class Period:
    """``days`` local calendar days from ``start`` to ``end``, both inclusive."""

    days: int
    start: date
    end: date

    @property
    def begins_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def ends_before(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def previous(self) -> Period:
        """The period of the same length that ends the day before this one begins."""
        end = self.start - timedelta(days=1)
        return Period(days=self.days, start=end - timedelta(days=self.days - 1), end=end)

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=offset) for offset in range(self.days)]


@dataclass(frozen=True)
class Totals:
    revenue: Decimal
    orders: int
    units: int
    returns: int


@dataclass(frozen=True)
class DayFigures:
    date: date
    revenue: Decimal
    orders: int


@dataclass(frozen=True)
class TopProduct:
    product_id: int
    name: str
    units: int
    revenue: Decimal


@dataclass(frozen=True)
class SellerStats:
    period: Period
    totals: Totals
    previous: Totals
    series: list[DayFigures]
    top_products: list[TopProduct]
    currency: str


def period_ending_today(*, days: int, today: date | None = None) -> Period:
    """The last ``days`` local days up to and including today; raises ValueError outside 1..MAX_DAYS."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be between 1 and {MAX_DAYS}.")
    end = today or timezone.localdate()
    return Period(days=days, start=end - timedelta(days=days - 1), end=end)


def _sold_lines(*, seller_id: int, begins_at: datetime, ends_before: datetime) -> QuerySet[OrderLine]:
    """The seller's lines that count (see the module docstring), of orders paid in [begins_at, ends_before)."""
    return (
        OrderLine.objects.filter(seller_id=seller_id, order__paid_at__gte=begins_at, order__paid_at__lt=ends_before)
        .exclude(order__status__in=[Order.Status.PENDING_PAYMENT, Order.Status.EXPIRED])
        .exclude(status=OrderLine.Status.CANCELLED)
    )


def _totals(row: dict, suffix: str) -> Totals:
    return Totals(
        revenue=quantize(row[f"revenue_{suffix}"]),
        orders=row[f"orders_{suffix}"],
        units=row[f"units_{suffix}"],
        returns=row[f"returns_{suffix}"],
    )


def seller_stats(*, seller_id: int, days: int = DEFAULT_DAYS, today: date | None = None) -> SellerStats:
    """The seller's figures for the last ``days`` days and the period before; raises ValueError for bad ``days``."""
    period = period_ending_today(days=days, today=today)
    previous = period.previous()
    tz = timezone.get_current_timezone()

    # Both periods' totals in one query: each aggregate filtered to its half of the span.
    halves = {"now": Q(order__paid_at__gte=period.begins_at), "before": Q(order__paid_at__lt=period.begins_at)}
    aggregates = {}
    for suffix, half in halves.items():
        aggregates[f"revenue_{suffix}"] = Sum(_NET_REVENUE, filter=half, default=_ZERO)
        aggregates[f"orders_{suffix}"] = Count("order_id", filter=half, distinct=True)
        aggregates[f"units_{suffix}"] = Sum(_NET_UNITS, filter=half, default=0)
        aggregates[f"returns_{suffix}"] = Sum("returned_quantity", filter=half, default=0)
    row = _sold_lines(seller_id=seller_id, begins_at=previous.begins_at, ends_before=period.ends_before).aggregate(
        **aggregates
    )

    current = _sold_lines(seller_id=seller_id, begins_at=period.begins_at, ends_before=period.ends_before)
    by_day = {
        day["day"]: day
        for day in current.annotate(day=TruncDate("order__paid_at", tzinfo=tz))
        .values("day")
        .annotate(revenue=Sum(_NET_REVENUE), orders=Count("order_id", distinct=True))
        .order_by()
    }
    series = [
        DayFigures(
            date=day,
            revenue=quantize(by_day[day]["revenue"]) if day in by_day else quantize(_ZERO),
            orders=by_day[day]["orders"] if day in by_day else 0,
        )
        for day in period.dates()
    ]

    # The name the product was last sold under by this seller (order lines keep it; no catalog read).
    last_name = (
        OrderLine.objects.filter(seller_id=seller_id, product_id=OuterRef("product_id"))
        .order_by("-id")
        .values("product_name")[:1]
    )
    top = (
        current.values("product_id")
        .annotate(revenue=Sum(_NET_REVENUE), units=Sum(_NET_UNITS), name=Subquery(last_name))
        .filter(units__gt=0)
        .order_by("-revenue", "-units", "product_id")[:TOP_PRODUCTS]
    )
    top_products = [
        TopProduct(
            product_id=item["product_id"], name=item["name"], units=item["units"], revenue=quantize(item["revenue"])
        )
        for item in top
    ]
    return SellerStats(
        period=period,
        totals=_totals(row, "now"),
        previous=_totals(row, "before"),
        series=series,
        top_products=top_products,
        currency=settings.STORE_CURRENCY,
    )


def change(*, current: Decimal | int, previous: Decimal | int) -> Decimal | None:
    """The change from ``previous`` to ``current`` in per cent (one decimal), or None when there was nothing before."""
    if not previous:
        return None
    return ((Decimal(current) - Decimal(previous)) * 100 / Decimal(previous)).quantize(Decimal("0.1"))
