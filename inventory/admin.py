"""Staff admin for stock: levels are changed only through inventory.services (a ledger row each time);
the ledger, holds and low-stock alerts are read-only."""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from inventory import selectors, services
from inventory.models import Hold, LowStockAlert, StockLevel, StockMovement
from shop.admin import ReadOnlyAdmin
from shop.errors import DomainError


class StockLevelForm(forms.ModelForm):
    class Meta:
        model = StockLevel
        fields = ["on_hand"]

    def clean_on_hand(self):
        on_hand = self.cleaned_data["on_hand"]
        if on_hand < 0:
            raise forms.ValidationError("Stock on hand cannot be negative.")
        if on_hand < self.instance.held:
            raise forms.ValidationError(f"{self.instance.held} units are held for pending orders; set at least that.")
        return on_hand


@admin.register(StockLevel)
class StockLevelAdmin(admin.ModelAdmin):
    form = StockLevelForm
    list_display = ["variant", "variant__product__name", "on_hand", "held", "available", "updated_at"]
    list_select_related = ["variant__product"]
    search_fields = ["variant__sku", "variant__product__name"]
    fields = ["variant", "on_hand", "held", "available", "updated_at", "ledger"]
    readonly_fields = ["variant", "held", "available", "updated_at", "ledger"]

    def has_add_permission(self, request):
        return False  # stock rows come with their variants

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(available_units=selectors.available())

    @admin.display(description="available", ordering="available_units")
    def available(self, level):
        return max(level.available_units, 0)

    @admin.display(description="ledger")
    def ledger(self, level):
        url = reverse("admin:inventory_stockmovement_changelist") + f"?variant__id__exact={level.variant_id}"
        return format_html('<a href="{}">Every change of this stock</a>', url)

    def save_model(self, request, obj, form, change):
        # Through the service: row lock, the held check and a ledger row naming the staff member.
        try:
            services.set_on_hand(variant_id=obj.variant_id, quantity=form.cleaned_data["on_hand"], actor=request.user)
        except DomainError as error:
            self.message_user(request, error.message, level=messages.ERROR)


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    """The ledger: rows written only by inventory.services."""

    list_display = [
        "created_at",
        "variant",
        "reason",
        "on_hand_delta",
        "on_hand_after",
        "held_delta",
        "held_after",
        "actor",
        "reference",
        "note",
    ]
    list_filter = ["reason", "created_at"]
    list_select_related = ["variant", "actor"]
    search_fields = ["variant__sku", "reference", "actor__email", "note"]


@admin.register(Hold)
class HoldAdmin(ReadOnlyAdmin):
    list_display = ["reference", "variant", "quantity", "status", "created_at", "closed_at"]
    list_filter = ["status", "created_at"]
    list_select_related = ["variant"]
    search_fields = ["reference", "variant__sku"]


@admin.register(LowStockAlert)
class LowStockAlertAdmin(ReadOnlyAdmin):
    list_display = ["variant", "seller", "available", "threshold", "created_at", "cleared_at", "notified_at"]
    list_filter = [("cleared_at", admin.EmptyFieldListFilter), "created_at"]
    list_select_related = ["variant", "seller"]
    search_fields = ["variant__sku", "seller__store_name"]
