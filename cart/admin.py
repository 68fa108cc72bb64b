"""Staff admin for carts: read-only (buyers change their carts through cart.services)."""

from django.contrib import admin

from cart.models import Cart, CartItem


class CartItemInline(admin.TabularInline):
    model = CartItem
    fields = ["variant", "quantity", "unit_price_at_add", "saved_for_later", "added_at", "updated_at"]
    readonly_fields = fields
    raw_id_fields = ["variant"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "created_at", "updated_at"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "created_at", "updated_at"]
    inlines = [CartItemInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
