from django.contrib import admin

from sellers.models import Seller


@admin.register(Seller)
class SellerAdmin(admin.ModelAdmin):
    list_display = ["store_name", "user", "contact_email", "low_stock_threshold", "created_at"]
    search_fields = ["store_name", "user__email", "contact_email"]
    raw_id_fields = ["user"]
    prepopulated_fields = {"slug": ["store_name"]}
