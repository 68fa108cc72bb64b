"""Notifications: what the shop told each user, in the notification centre and by e-mail.

One row per (event, recipient, kind): an event delivered twice finds its row and neither notifies nor
e-mails again (``emailed_at`` is claimed before the e-mail goes out).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Notification(models.Model):
    class Kind(models.TextChoices):
        ORDER_PLACED = "order_placed", "Order placed"
        ORDER_PAID = "order_paid", "Order confirmed"
        ORDER_EXPIRED = "order_expired", "Order expired"
        ORDER_SHIPPED = "order_shipped", "Shipped"
        ORDER_DELIVERED = "order_delivered", "Delivered"
        ORDER_CANCELLED = "order_cancelled", "Order cancelled"
        ITEM_CANCELLED = "item_cancelled", "Item cancelled"
        REFUND_SUCCEEDED = "refund_succeeded", "Refund issued"
        RETURN_APPROVED = "return_approved", "Return approved"
        RETURN_REJECTED = "return_rejected", "Return rejected"
        RETURN_RECEIVED = "return_received", "Return received"
        NEW_SALE = "new_sale", "New sale"
        RETURN_REQUESTED = "return_requested", "Return requested"
        STOCK_LOW = "stock_low", "Low stock"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=500, blank=True, help_text="Where the notification leads (a site path).")
    event_id = models.CharField(max_length=64, help_text="The domain event that caused it.")
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True, help_text="When its e-mail was sent (claimed).")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event_id", "user", "kind"], name="notifications_once_per_event"),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notifications_user_newest"),
            # The header badge counts only the unread ones.
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notifications_user_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for user {self.user_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
