"""Data of the platform itself: remembered answers to Idempotency-Keys, and the outbox of domain events."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class IdempotencyRecord(models.Model):
    """The first answer to an unsafe API request sent with an ``Idempotency-Key``, replayed to retries.

    ``fingerprint`` (sha256 of method, path and canonical body) tells a retry from a different request
    that reuses the key. Kept at least IDEMPOTENCY_KEY_HOURS; older ones may be purged.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField(null=True, blank=True)
    headers = models.JSONField(default=dict, blank=True, help_text="Headers replayed with the body (Location).")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="shop_idempotency_one_per_user_key")]
        indexes = [models.Index(fields=["created_at"], name="shop_idempotency_created")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key} -> {self.status_code}"


class OutboxEvent(models.Model):
    """A domain event, written in the transaction of the change it announces (the transactional outbox).

    ``version`` is its declaration's version then (shop.events.declare_event). Its deliveries, one per
    subscriber registered when it was published, are sent to the workers once
    that transaction commits; nothing is sent for a transaction that rolls back.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100, db_index=True)
    version = models.PositiveSmallIntegerField(
        default=1, help_text="The version of the payload's shape when published."
    )
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} {self.id}"


class EventDelivery(models.Model):
    """One subscriber's handling of one event: retried with backoff until done, or failed for staff.

    ``claimed_until`` is the lease of the attempt running now: a second copy of the task (a redispatch,
    a broker redelivery) does not run the handler while it holds, and a worker that dies mid-attempt
    frees the delivery when it expires.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.CharField(
        max_length=255, help_text="The subscriber's stable name (``@subscriber(..., name=...)``), not its function's."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "event deliveries"
        constraints = [
            models.UniqueConstraint(fields=["event", "subscriber"], name="shop_delivery_one_per_event_subscriber"),
        ]
        indexes = [
            # The beat task's scan: only the (few) pending deliveries, oldest due first.
            models.Index(
                fields=["next_attempt_at"],
                name="shop_delivery_pending_due",
                condition=models.Q(status="pending"),
            ),
            models.Index(fields=["status", "-updated_at"], name="shop_delivery_status_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} <- {self.event_id} ({self.status})"
