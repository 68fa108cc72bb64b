"""Staff admin for the platform's own records (read-only: they are written by the API plumbing)."""

from django.contrib import admin

from shop.models import IdempotencyRecord


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    list_display = ["key", "user", "status_code", "created_at"]
    list_select_related = ["user"]
    search_fields = ["key", "user__email"]
    readonly_fields = ["user", "key", "fingerprint", "status_code", "body", "headers", "created_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
