"""Stock per variant, the ledger of every change to it, holds for unpaid orders and low-stock alerts.

held is the sum of the variant's active holds; CHECK constraints keep on_hand >= held >= 0, so that no
code path can ever oversell. A hold lapses at its ``expires_at`` by itself: from then on its units are
available again although it stays active (and in ``held``) until its order is expired, so

    available = on_hand - held + units of active holds past their expires_at

(inventory.selectors computes it, the one way every page, API, cart, search and checkout uses). Whether
on_hand > held is also counted per product, by database triggers on this table (migration 0005), in
catalog.Product.stocked_variants: what "in stock" reads instead of every product's stock levels.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from inventory import sqlite_triggers  # noqa: F401  (keeps SQLite's stock triggers out of migrate's way)


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
    def unheld(self) -> int:
        """Units no active hold covers: what a new hold may take now (lapsed holds still count here until
        they are released; selectors give what is available)."""
        return self.on_hand - self.held


class StockMovement(models.Model):
    """One row per change of a variant's stock: who, why, by how much, and the level after it."""

    class Reason(models.TextChoices):
        INITIAL = "initial", "Initial stock"
        ADJUSTMENT = "adjustment", "Adjustment"
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
    note = models.CharField(max_length=200, blank=True, help_text="Why, in the seller's words (their own changes).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["variant", "-created_at"], name="inventory_movement_variant")]
        constraints = [
            models.CheckConstraint(condition=Q(on_hand_after__gte=0), name="inventory_movement_on_hand_after"),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id} {self.reason} {self.on_hand_delta:+d}"


class Hold(models.Model):
    """Units of a variant set aside for one order (``reference``) until it is paid or released.

    While active, its quantity is part of its stock level's ``held``; a hold closes exactly once. Past
    ``expires_at`` (None: until closed) it has lapsed: its units count as available again, and the next
    checkout that needs them, or the sweep, expires its order, which releases it.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RELEASED = "released", "Released"
        SOLD = "sold", "Sold"

    reference = models.CharField(max_length=64, help_text="The order id.")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="holds")
    quantity = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Its order's hold ends then.")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["reference", "variant_id"]
        # Active holds are few (the orders awaiting payment): small partial indexes find the lapsed ones
        # store-wide (the in-stock filter) and per variant (availability).
        indexes = [
            models.Index(fields=["expires_at"], condition=Q(status="active"), name="inventory_hold_active_expiry"),
            models.Index(
                fields=["variant", "expires_at"], condition=Q(status="active"), name="inventory_hold_active_variant"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["reference", "variant"], name="inventory_hold_one_per_variant"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="inventory_hold_quantity_positive"),
            models.CheckConstraint(
                condition=Q(status="active", closed_at__isnull=True)
                | (~Q(status="active") & Q(closed_at__isnull=False)),
                name="inventory_hold_closed_when_not_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.quantity} x {self.variant_id} ({self.status})"


class LowStockAlert(models.Model):
    """A variant's available stock fell to or below its threshold; open until stock rises above it again."""

    seller = models.ForeignKey("sellers.Seller", on_delete=models.CASCADE, related_name="low_stock_alerts")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="low_stock_alerts")
    threshold = models.IntegerField(help_text="The threshold in force when the alert was raised.")
    available = models.IntegerField(help_text="Units available when the alert was raised.")
    created_at = models.DateTimeField(auto_now_add=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True, help_text="When the seller was e-mailed.")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["variant"], condition=Q(cleared_at__isnull=True), name="inventory_alert_one_open_per_variant"
            ),
        ]
        indexes = [models.Index(fields=["seller", "-created_at"], name="inventory_alert_seller")]

    def __str__(self) -> str:
        state = "cleared" if self.cleared_at else "open"
        return f"{self.variant_id}: {self.available} ≤ {self.threshold} ({state})"
