"""Staff admin for marketplace money: the books read-only (transactions and their entries, accounts with their
balances, line funds, payouts), commission rates editable, and the seller-level acts of ledger.services: hold and
release a seller's payouts, adjust a seller's balance (balanced entries against the platform's adjustments).

Money in the books changes only through ledger.services; staff never edit an entry.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from ledger import services
from ledger.models import Account, CommissionRate, Entry, LineFunds, Payout, PayoutHold, Transaction
from shop.admin import ReadOnlyAdmin, ReadOnlyInline
from shop.errors import DomainError

# The Seller model, through the ledger's own foreign key: sellers' models are theirs to import.
Seller = Account._meta.get_field("seller").related_model


class EntryInline(ReadOnlyInline):
    model = Entry
    fields = ["account", "seller", "amount", "payout", "occurred_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("account", "account__seller", "seller")


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = ["key", "kind", "occurred_at", "order_id", "line_id", "seller", "reason", "actor"]
    list_filter = ["kind", "occurred_at"]
    list_select_related = ["seller", "actor"]
    search_fields = ["=key", "order_id", "reason"]
    date_hierarchy = "occurred_at"
    ordering = ["-occurred_at", "-id"]
    inlines = [EntryInline]


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "transaction", "transaction_kind", "account", "seller", "amount", "payout", "occurred_at"]
    list_filter = ["account__kind", "transaction__kind", "occurred_at"]
    list_select_related = ["transaction", "account", "account__seller", "seller", "payout"]
    search_fields = ["=transaction__key", "transaction__order_id"]
    date_hierarchy = "occurred_at"
    ordering = ["-occurred_at", "-id"]

    @admin.display(description="kind", ordering="transaction__kind")
    def transaction_kind(self, entry: Entry) -> str:
        return entry.transaction.kind


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    """Every account with its balance (credit positive): one query for the page, however many accounts."""

    list_display = ["id", "kind", "seller", "balance", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["seller"]
    search_fields = ["seller__store_name"]
    ordering = ["kind", "seller_id"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(total=Sum("entries__amount"))

    @admin.display(description="balance (credit +)", ordering="total")
    def balance(self, account: Account) -> Decimal:
        return account.total or Decimal("0.00")

    def get_urls(self):
        adjust = path(
            "adjust-balance/",
            self.admin_site.admin_view(self.adjust_balance_view),
            name="ledger_account_adjust_balance",
        )
        return [adjust, *super().get_urls()]

    def adjust_balance_view(self, request: HttpRequest):
        """Credit or debit a seller's available funds with a reason (ledger.services.adjust_balance)."""
        if not request.user.has_perm("ledger.add_transaction"):
            raise PermissionDenied
        form = AdjustBalanceForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            seller = form.cleaned_data["seller"]
            try:
                posted = services.adjust_balance(
                    seller_id=seller.pk, amount=form.cleaned_data["amount"], reason=form.cleaned_data["reason"],
                    actor=request.user,
                )  # fmt: skip
            except DomainError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, f"Balance of {seller} adjusted ({posted.key}).", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:ledger_transaction_change", args=[posted.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Adjust a seller's balance",
            "opts": self.model._meta,
            "form": form,
        }
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(request, "admin/ledger/adjust_balance.html", context, status=status)


class AdjustBalanceForm(forms.Form):
    seller = forms.ModelChoiceField(queryset=Seller.objects.order_by("store_name"))
    amount = forms.DecimalField(
        max_digits=14, decimal_places=2, help_text="Positive: credited to the seller; negative: debited."
    )
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if not amount:
            raise forms.ValidationError("An adjustment is not zero.")
        return amount


@admin.register(LineFunds)
class LineFundsAdmin(ReadOnlyAdmin):
    list_display = [
        "line_id", "order_id", "seller", "gross", "commission", "refunded_goods", "commission_refunded", "status",
        "delivered_at", "available_at", "released_at",
    ]  # fmt: skip
    list_filter = ["status"]
    list_select_related = ["seller"]
    search_fields = ["=line_id", "order_id"]
    ordering = ["-line_id"]


class PeriodFilter(admin.SimpleListFilter):
    title = "period"
    parameter_name = "period"

    def lookups(self, request, model_admin):
        periods = Payout.objects.order_by("-period").values_list("period", flat=True).distinct()[:26]
        return [(period, period) for period in periods]

    def queryset(self, request, queryset):
        return queryset.filter(period=self.value()) if self.value() else queryset


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ["id", "seller", "period", "amount", "currency", "status", "provider", "reference", "settled_at"]
    list_filter = ["status", PeriodFilter, "seller"]
    list_select_related = ["seller"]
    search_fields = ["=id", "reference", "seller__store_name"]


@admin.register(PayoutHold)
class PayoutHoldAdmin(admin.ModelAdmin):
    """Hold a seller's payouts (add, with a reason) and release them (the action): through ledger.services."""

    list_display = ["seller", "reason", "held_by", "held_at"]
    list_select_related = ["seller", "held_by"]
    fields = ["seller", "reason"]
    actions = ["release"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # released by the action, through the service

    def save_model(self, request, obj: PayoutHold, form, change) -> None:
        services.hold_payouts(seller_id=obj.seller_id, reason=obj.reason, actor=request.user)
        obj.pk = PayoutHold.objects.values_list("pk", flat=True).get(seller_id=obj.seller_id)

    @admin.action(description="Release the selected sellers' payouts", permissions=["release"])
    def release(self, request: HttpRequest, queryset: QuerySet[PayoutHold]) -> None:
        seller_ids = list(queryset.values_list("seller_id", flat=True))
        for seller_id in seller_ids:
            services.release_payouts(seller_id=seller_id)
        self.message_user(request, f"Payouts of {len(seller_ids)} seller(s) released.", messages.SUCCESS)

    def has_release_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("ledger.delete_payouthold")


class CommissionRateForm(forms.ModelForm):
    class Meta:
        model = CommissionRate
        fields = ["seller", "category", "rate"]

    def clean_rate(self):
        rate = self.cleaned_data["rate"]
        if rate is not None and not (0 <= rate < 1):
            raise forms.ValidationError("A rate is a fraction from 0 up to (not including) 1: 0.1200 is 12 %.")
        return rate

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("seller") and not cleaned.get("category"):
            raise forms.ValidationError("Choose a seller, a category, or both.")
        return cleaned


@admin.register(CommissionRate)
class CommissionRateAdmin(admin.ModelAdmin):
    form = CommissionRateForm
    list_display = ["id", "seller", "category", "rate", "updated_at"]
    list_select_related = ["seller", "category"]
    list_filter = ["seller"]
