from django.contrib import admin

from recommendations.models import CoPurchase, CustomerItem, LearnedOrder, SimilarItem


@admin.register(CoPurchase)
class CoPurchaseAdmin(admin.ModelAdmin):
    list_display = ["product", "other", "orders"]
    raw_id_fields = ["product", "other"]
    ordering = ["product", "-orders"]


@admin.register(LearnedOrder)
class LearnedOrderAdmin(admin.ModelAdmin):
    list_display = ["order_id", "learned_at"]
    search_fields = ["order_id"]


@admin.register(SimilarItem)
class SimilarItemAdmin(admin.ModelAdmin):
    list_display = ["product", "other", "source", "together", "score"]
    list_filter = ["source"]
    raw_id_fields = ["product", "other"]
    ordering = ["product", "source", "-score"]


@admin.register(CustomerItem)
class CustomerItemAdmin(admin.ModelAdmin):
    list_display = ["user", "product", "first_bought_at"]
    raw_id_fields = ["user", "product"]
