from django.contrib import admin

from recommendations.models import CoPurchase, LearnedOrder


@admin.register(CoPurchase)
class CoPurchaseAdmin(admin.ModelAdmin):
    list_display = ["product", "other", "orders"]
    raw_id_fields = ["product", "other"]
    ordering = ["product", "-orders"]


@admin.register(LearnedOrder)
class LearnedOrderAdmin(admin.ModelAdmin):
    list_display = ["order_id", "learned_at"]
    search_fields = ["order_id"]
