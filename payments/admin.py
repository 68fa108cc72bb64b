"""Staff admin for payments: read-only. Money moves only through payments.services (and the gateway).

The daily reconciliation report lives here (payments sits above the ledger): what the gateway captured less what
it refunded, per day, against the ledger's clearing account.
"""

from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from payments import selectors
from payments.models import Payment, PaymentEvent, Refund, WebhookReceipt
from shop.admin import ReadOnlyAdmin, ReadOnlyInline

# The report's default span, and the longest it shows at once.
RECONCILIATION_DAYS = 30
RECONCILIATION_MAX_DAYS = 366


class ReconciliationForm(forms.Form):
    since = forms.DateField(required=False, label="From")
    until = forms.DateField(required=False, label="To")

    def span(self) -> tuple[date, date]:
        """The days asked for (default: the last RECONCILIATION_DAYS, today included)."""
        until = self.cleaned_data.get("until") or timezone.localdate()
        since = self.cleaned_data.get("since") or until - timedelta(days=RECONCILIATION_DAYS - 1)
        return since, until

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            since, until = self.span()
            if since > until:
                raise forms.ValidationError("The first day comes after the last one.")
            if (until - since).days >= RECONCILIATION_MAX_DAYS:
                raise forms.ValidationError(f"Show at most {RECONCILIATION_MAX_DAYS} days at once.")
        return cleaned


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

    def get_urls(self):
        report = path(
            "reconciliation/",
            self.admin_site.admin_view(self.reconciliation_view),
            name="payments_payment_reconciliation",
        )
        return [report, *super().get_urls()]

    def reconciliation_view(self, request):
        """Per day: captured less refunded at the gateway against the ledger's clearing account, and the difference
        (``?from=YYYY-MM-DD&to=YYYY-MM-DD``)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ReconciliationForm({"since": request.GET.get("from", ""), "until": request.GET.get("to", "")})
        days, totals = [], None
        if form.is_valid():
            since, until = form.span()
            days = selectors.reconciliation(since=since, until=until)
            gateway = sum((day.gateway for day in days), Decimal("0.00"))
            ledger = sum((day.ledger for day in days), Decimal("0.00"))
            totals = {"gateway": gateway, "ledger": ledger, "difference": gateway - ledger, "since": since,
                      "until": until}  # fmt: skip
        context = {
            **self.admin_site.each_context(request),
            "title": "Daily reconciliation: gateway against ledger",
            "opts": self.model._meta,
            "form": form,
            "days": days,
            "totals": totals,
            "mismatched": sum(1 for day in days if day.difference),
        }
        return TemplateResponse(
            request, "admin/payments/reconciliation.html", context, status=200 if form.is_valid() else 400
        )


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
