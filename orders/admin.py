"""Staff admin for orders: read-only, since every change goes through orders.services (with its event)."""

from django.contrib import admin

from orders.models import Order, OrderEvent, OrderLine, OrderRefund, ReturnRequest
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
