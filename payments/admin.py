"""Staff admin for payments: read-only. Money moves only through payments.services (and the gateway)."""

from django.contrib import admin

from payments.models import Payment, PaymentEvent, Refund, WebhookReceipt


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PaymentEventInline(admin.TabularInline):
    model = PaymentEvent
    fields = ["created_at", "kind", "status", "data"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class RefundInline(admin.TabularInline):
    model = Refund
    fields = ["id", "created_at", "amount", "status", "reason", "gateway_reference"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


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
