"""Staff admin for orders: read-only, since every change goes through orders.services (with its event).

Besides the orders themselves, staff see the buyers who leave orders unpaid until they expire (holding
stock others wanted) and until when their checkouts are paused (orders.services.fairness).
"""

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from orders import selectors
from orders.models import Order, OrderEvent, OrderLine, OrderRefund, ReturnRequest
from orders.services.fairness import backoff_until
from shop.admin import ReadOnlyAdmin, ReadOnlyInline


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = [
        "sku",
        "product_name",
        "options",
        "seller",
        "unit_price",
        "quantity",
        "line_total",
        "status",
        "delivered_at",
        "returned_quantity",
        "refunded_amount",
    ]
    readonly_fields = fields


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ["created_at", "kind", "from_status", "to_status", "actor", "data"]
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    """Staff with the view permission see the order read-only."""

    list_display = ["id", "buyer", "status", "total", "refunded_amount", "currency", "placed_at", "paid_at"]
    list_filter = ["status", "shipping_method"]
    list_select_related = ["buyer"]
    search_fields = ["id", "buyer__email", "payment_id"]
    date_hierarchy = "placed_at"
    inlines = [OrderLineInline, OrderEventInline]

    def get_urls(self):
        abandoned = path(
            "abandoned-checkouts/",
            self.admin_site.admin_view(self.abandoned_checkouts_view),
            name="orders_order_abandoned_checkouts",
        )
        return [abandoned, *super().get_urls()]

    def abandoned_checkouts_view(self, request):
        """Buyers who left orders unpaid until they expired (7 days), with their checkout back-off."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        now = timezone.now()
        buyers = []
        for row in selectors.buyers_with_abandoned_checkouts(now=now):
            until = _paused_until(row)
            buyers.append({"row": row, "paused_until": until if until is not None and until > now else None})
        context = {
            **self.admin_site.each_context(request),
            "title": "Buyers with abandoned checkouts",
            "opts": self.model._meta,
            "buyers": buyers,
            "backoff_after": settings.CHECKOUT_BACKOFF_AFTER,
        }
        return TemplateResponse(request, "admin/orders/abandoned_checkouts.html", context)


def _paused_until(row: selectors.AbandonedCheckouts):
    # Only the last 24 h count towards the back-off, and the latest abandonment falls within them.
    last = row.last_abandoned_at if row.last_day else None
    return backoff_until(abandoned=row.last_day, last_abandoned_at=last)


@admin.register(ReturnRequest)
class ReturnRequestAdmin(ReadOnlyAdmin):
    list_display = ["id", "order", "seller", "quantity", "status", "refund_amount", "created_at"]
    list_filter = ["status"]
    list_select_related = ["seller"]
    search_fields = ["id", "order__id", "return_code"]


@admin.register(OrderRefund)
class OrderRefundAdmin(ReadOnlyAdmin):
    """Refunds owed for cancelled and returned items; a failed one needs a person to look."""

    list_display = ["id", "order", "amount", "reason", "status", "attempts", "refund_id", "created_at"]
    list_filter = ["status", "reason"]
    search_fields = ["id", "order__id", "refund_id"]
