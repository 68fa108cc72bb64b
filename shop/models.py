"""Data of the platform itself, shared by every app's API: remembered answers to Idempotency-Keys."""

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
