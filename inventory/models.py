"""Stock per variant and the ledger of every change to it.

available = on_hand - held. Holds (taken at checkout) arrive with the purchase flow; the columns and
constraints are here from the start so that no code path can ever oversell.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class StockLevel(models.Model):
    variant = models.OneToOneField("catalog.Variant", on_delete=models.CASCADE, primary_key=True, related_name="stock")
    on_hand = models.IntegerField(default=0)
    held = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="inventory_on_hand_not_negative"),
            models.CheckConstraint(condition=Q(held__gte=0), name="inventory_held_not_negative"),
            models.CheckConstraint(condition=Q(held__lte=F("on_hand")), name="inventory_held_within_on_hand"),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id}: {self.on_hand} on hand, {self.held} held"

    @property
    def available(self) -> int:
        return self.on_hand - self.held


class StockMovement(models.Model):
    """One row per change of a variant's stock: who, why, by how much, and the level after it."""

    class Reason(models.TextChoices):
        INITIAL = "initial", "Initial stock"
        ADJUSTMENT = "adjustment", "Set by seller"
        RESTOCK = "restock", "Restock"
        HOLD = "hold", "Held at checkout"
        RELEASE = "release", "Hold released"
        SALE = "sale", "Sold"
        RETURN = "return", "Returned"

    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="stock_movements")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    on_hand_delta = models.IntegerField(default=0)
    held_delta = models.IntegerField(default=0)
    on_hand_after = models.IntegerField()
    held_after = models.IntegerField(default=0)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    reference = models.CharField(max_length=64, blank=True, help_text="Order or return id, when there is one.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["variant", "-created_at"], name="inventory_movement_variant")]
        constraints = [
            models.CheckConstraint(condition=Q(on_hand_after__gte=0), name="inventory_movement_on_hand_after"),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id} {self.reason} {self.on_hand_delta:+d}"
