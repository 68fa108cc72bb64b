"""The seller's overview page (``/seller/``): their sales figures, a chart per day, top products and what waits
for them (low-stock alerts, shipments to send, returns to handle).

Read only: figures come from ``orders.stats``, the waiting work from inventory's, logistics' and orders'
selectors.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from inventory import selectors as inventory_selectors
from logistics import selectors as logistics_selectors
from orders import charts, selectors, stats
from sellers import selectors as seller_selectors
from shop.currency import currency_symbol
from shop.db_router import reads_from_replica
from shop.money import format_money

PERIOD_LABELS = {1: "Today", 7: "7 days", 30: "30 days", 90: "90 days"}
# A shipment the seller has not handed to a carrier yet.
SHIPMENT_TO_SEND = "pending"


@dataclass(frozen=True)
class Figure:
    """One headline figure as the page shows it, with its change against the previous period."""

    label: str
    value: str
    previous: str
    change: Decimal | None
    # Whether a rise is good news (returns rising is not).
    rise_is_good: bool = True

    @property
    def trend(self) -> str:
        if self.change is None or self.change == 0:
            return "flat"
        return "good" if (self.change > 0) == self.rise_is_good else "bad"


def _days_from(request: HttpRequest) -> int:
    """The period asked for by ``?days=``; anything but a whole number from 1 to 365 is the default."""
    try:
        days = int(request.GET.get("days", stats.DEFAULT_DAYS))
    except ValueError:
        return stats.DEFAULT_DAYS
    return days if 1 <= days <= stats.MAX_DAYS else stats.DEFAULT_DAYS


# label, the Totals field, how a value is shown, whether a rise is good news.
FIGURES = (
    ("Revenue", "revenue", format_money, True),
    ("Orders", "orders", str, True),
    ("Units sold", "units", str, True),
    ("Units returned", "returns", str, False),
)


def _figures(figures: stats.SellerStats) -> list[Figure]:
    figure_list = []
    for label, field, shown, rise_is_good in FIGURES:
        now, before = getattr(figures.totals, field), getattr(figures.previous, field)
        figure_list.append(
            Figure(
                label=label,
                value=shown(now),
                previous=shown(before),
                change=stats.change(current=now, previous=before),
                rise_is_good=rise_is_good,
            )
        )
    return figure_list


@never_cache
@login_required
@require_http_methods(["GET"])
@reads_from_replica
def seller_overview(request: HttpRequest) -> HttpResponse:
    """The signed-in seller's figures for ``?days=`` (today, 7, 30 or 90 days; 30 by default); a buyer gets 403."""
    seller = seller_selectors.seller_of(user=request.user)
    days = _days_from(request)
    figures = stats.seller_stats(seller_id=seller.pk, days=days)
    return render(
        request,
        "orders/seller_overview.html",
        {
            "seller": seller,
            "days": days,
            "period_label": PERIOD_LABELS.get(days, f"{days} days"),
            "periods": [{"days": choice, "label": PERIOD_LABELS[choice]} for choice in stats.PERIOD_CHOICES],
            "stats": figures,
            "figures": _figures(figures),
            "revenue_chart": charts.revenue_chart(series=figures.series, currency_symbol=currency_symbol()),
            "orders_chart": charts.orders_chart(series=figures.series),
            "open_alerts": inventory_selectors.alerts_for_seller(seller_id=seller.pk, open_only=True).count(),
            "shipments_to_send": logistics_selectors.shipments_for_seller(
                seller=seller, status=SHIPMENT_TO_SEND
            ).count(),
            "returns_waiting": selectors.returns_awaiting_seller(seller=seller).count(),
        },
    )
