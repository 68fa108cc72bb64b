"""Staff admin for payments: read-only. Money moves only through payments.services (and the gateway)."""

from django.contrib import admin

from payments.models import Payment, PaymentEvent, Refund, WebhookReceipt
from shop.admin import ReadOnlyAdmin, ReadOnlyInline


class PaymentEventInline(ReadOnlyInline):
    model = PaymentEvent
    fields = ["created_at", "kind", "status", "data"]
    readonly_fields = fields


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = ["id", "created_at", "amount", "status", "reason", "gateway_reference"]
    readonly_fields = fields


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["id", "order_id", "amount", "currency", "status", "decline_code", "refunded_amount", "created_at"]
    list_filter = ["status", "gateway", "created_at"]
    search_fields = ["id", "order_id", "gateway_reference", "attempt_key"]
    inlines = [PaymentEventInline, RefundInline]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["id", "payment", "amount", "status", "reason", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["id", "payment__id", "payment__order_id", "gateway_reference"]
    list_select_related = ["payment"]


@admin.register(WebhookReceipt)
class WebhookReceiptAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "gateway", "event_id", "event_type", "duplicate"]
    list_filter = ["gateway", "event_type", "duplicate"]
    search_fields = ["event_id"]
