"""Staff admin for orders: read-only, since every change goes through orders.services (with its event).

Besides the orders themselves, staff see the buyers who leave orders unpaid until they expire (holding
stock others wanted) and until when their checkouts are paused (orders.services.fairness). Staff with the
change permission act on an order through orders.services.staff: cancel it or one line, refund an amount,
retry a refund the gateway refused; each with a reason, written to the order's history.
"""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from orders import selectors
from orders.models import Order, OrderEvent, OrderLine, OrderRefund, ReturnRequest
from orders.services import staff
from orders.services.fairness import backoff_until
from shop.admin import ReadOnlyAdmin, ReadOnlyInline
from shop.errors import DomainError
from shop.money import to_str

ACT_PERMISSION = "orders.change_order"


def _line_choices(order: Order, *, label: str) -> list[tuple[str, str]]:
    lines = order.lines.order_by("id")
    return [("", label)] + [
        (
            str(line.pk),
            f"#{line.pk} {line.quantity} x {line.product_name} ({line.sku}): {line.line_total}, {line.status}",
        )
        for line in lines
    ]


class StaffCancelForm(forms.Form):
    line = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Line")
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = _line_choices(order, label="The whole order (every line not shipped yet)")


class StaffRefundForm(forms.Form):
    amount = forms.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    line = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Line")
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = _line_choices(order, label="No line: a goodwill refund")


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
        view = self.admin_site.admin_view
        return [
            path("abandoned-checkouts/", view(self.abandoned_checkouts_view), name="orders_order_abandoned_checkouts"),
            path("<path:object_id>/staff-cancel/", view(self.cancel_view), name="orders_order_staff_cancel"),
            path("<path:object_id>/staff-refund/", view(self.refund_view), name="orders_order_staff_refund"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_act": request.user.has_perm(ACT_PERMISSION)}
        return super().change_view(request, object_id, form_url, extra_context)

    def cancel_view(self, request: HttpRequest, object_id: str):
        """Cancel the order, or one line, for staff (orders.services.staff.staff_cancel)."""
        order = self._order_to_act_on(request, object_id)
        form = StaffCancelForm(request.POST or None, order=order)
        if request.method == "POST" and form.is_valid():
            try:
                result = staff.staff_cancel(
                    actor=request.user, order_id=order.pk, line_id=form.cleaned_data["line"],
                    reason=form.cleaned_data["reason"],
                )  # fmt: skip
            except DomainError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                refunded = (
                    f", {to_str(result.refund_amount)} refunded ({result.refund_status})" if result.refunds else ""
                )
                self.message_user(request, f"{len(result.cancelled)} line(s) cancelled{refunded}.", messages.SUCCESS)
                return self._back_to(order)
        return self._action_page(request, order, form, title=f"Cancel order {order.pk}", button="Cancel")

    def refund_view(self, request: HttpRequest, object_id: str):
        """Refund an amount of the order for staff (orders.services.staff.staff_refund)."""
        order = self._order_to_act_on(request, object_id)
        form = StaffRefundForm(request.POST or None, order=order)
        if request.method == "POST" and form.is_valid():
            try:
                claim = staff.staff_refund(
                    actor=request.user, order_id=order.pk, amount=form.cleaned_data["amount"],
                    line_id=form.cleaned_data["line"], reason=form.cleaned_data["reason"],
                )  # fmt: skip
            except DomainError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, f"Refund of {to_str(claim.amount)}: {claim.status}.", messages.SUCCESS)
                return self._back_to(order)
        extra = {"refundable": staff.refundable_amount(order=order)}
        return self._action_page(request, order, form, title=f"Refund order {order.pk}", button="Refund", **extra)

    def _order_to_act_on(self, request: HttpRequest, object_id: str) -> Order:
        if not request.user.has_perm(ACT_PERMISSION):
            raise PermissionDenied
        return get_object_or_404(Order, pk=object_id)

    def _back_to(self, order: Order) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:orders_order_change", args=[order.pk]))

    def _action_page(self, request, order: Order, form, *, title: str, button: str, **extra):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "original": order,
            "form": form,
            "button": button,
            **extra,
        }
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(request, "admin/orders/order/staff_action.html", context, status=status)

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
    actions = ["retry"]

    @admin.action(description="Retry the selected failed refunds", permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[OrderRefund]) -> None:
        """A new claim for each failed refund (orders.services.staff.retry_refund), paid at once."""
        for order_refund_id in queryset.order_by("created_at").values_list("pk", flat=True):
            try:
                claim = staff.retry_refund(actor=request.user, order_refund_id=order_refund_id)
            except DomainError as error:
                self.message_user(request, f"{order_refund_id}: {error}", messages.ERROR)
            else:
                self.message_user(
                    request, f"{order_refund_id} retried as {claim.pk}: {claim.status}.", messages.SUCCESS
                )

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(ACT_PERMISSION)
