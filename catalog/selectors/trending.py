"""What the trending job reads from the catalog: units sold per product and day over a recent window."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Sum
from django.db.models.functions import TruncDate

from catalog.models import SalesEntry


def daily_sales(*, since: datetime) -> list[tuple[int, date, int]]:
    """``(product_id, day, units)`` for the listed products' sales since ``since`` (cancellations and returns
    taken off), one grouped query: at most one row per product and day."""
    return list(
        SalesEntry.objects.filter(created_at__gte=since, product__status="active")
        .annotate(day=TruncDate("created_at"))
        .values_list("product_id", "day")
        .annotate(units=Sum("units"))
        .order_by()
    )
