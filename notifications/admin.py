from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "title", "read_at", "emailed_at"]
    list_filter = ["kind"]
    search_fields = ["user__email", "title", "event_id"]
    raw_id_fields = ["user"]
    readonly_fields = ["event_id", "created_at", "emailed_at"]
    date_hierarchy = "created_at"
