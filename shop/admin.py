"""Staff admin: the read-only bases every app's admin uses, and the platform's own records (written by the
API plumbing and the outbox).

Failed event deliveries are where staff act: after fixing the cause, "Retry" sends them again.
"""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from shop import events
from shop.models import EventDelivery, IdempotencyRecord, OutboxEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows only services write: staff see them but never add, change or (unless ``deletable``) delete them."""

    deletable = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.deletable and super().has_delete_permission(request, obj)


class ReadOnlyInline(admin.TabularInline):
    """A parent's rows shown in its page, never added, changed or deleted there."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdmin):
    deletable = True
    list_display = ["key", "user", "status_code", "created_at"]
    list_select_related = ["user"]
    search_fields = ["key", "user__email"]
    readonly_fields = ["user", "key", "fingerprint", "status_code", "body", "headers", "created_at"]
    date_hierarchy = "created_at"


class EventDeliveryInline(ReadOnlyInline):
    model = EventDelivery
    fields = ["subscriber", "status", "attempts", "next_attempt_at", "handled_at"]
    readonly_fields = fields
    show_change_link = True


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    deletable = True
    list_display = ["name", "version", "id", "created_at"]
    list_filter = ["name"]
    search_fields = ["=id", "name"]
    readonly_fields = ["id", "name", "version", "payload", "created_at"]
    date_hierarchy = "created_at"
    inlines = [EventDeliveryInline]


@admin.register(EventDelivery)
class EventDeliveryAdmin(ReadOnlyAdmin):
    deletable = True
    list_display = ["subscriber", "event_name", "status", "attempts", "next_attempt_at", "updated_at"]
    list_filter = ["status", "event__name"]
    list_select_related = ["event"]
    search_fields = ["subscriber", "=event__id", "event__name"]
    readonly_fields = [
        "event",
        "subscriber",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "claimed_until",
        "handled_at",
        "updated_at",
    ]
    ordering = ["-updated_at"]
    actions = ["retry"]

    @admin.display(description="event", ordering="event__name")
    def event_name(self, delivery: EventDelivery) -> str:
        return delivery.event.name

    @admin.action(description="Retry the selected failed deliveries", permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[EventDelivery]) -> None:
        retried = events.retry_failed(delivery_ids=queryset.values_list("pk", flat=True))
        skipped = queryset.count() - retried
        self.message_user(request, f"{retried} failed deliveries sent again.", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"{skipped} not failed, left as they were.", messages.WARNING)

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("shop.change_eventdelivery")
