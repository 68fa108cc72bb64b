"""Marketplace money in double entry: accounts, balanced transactions of entries, what each paid order line
earns its seller (pending until the return window closes), payouts, payout holds and commission rates.

Sign: an entry's ``amount`` is positive for a credit and negative for a debit, and every transaction's entries sum
to zero. A seller account's balance (the sum of its entries) is what the platform owes the seller; the gateway's
clearing account carries a debit balance: the money captured and not refunded.
"""

from __future__ import annotations

from decimal import Decimal
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

SELLER_KINDS = ("seller_pending", "seller_available", "seller_paid_out")


def new_payout_id() -> str:
    return f"po_{secrets.token_hex(8)}"


class Account(models.Model):
    class Kind(models.TextChoices):
        SELLER_PENDING = "seller_pending", "Seller: pending (not yet past the return window)"
        SELLER_AVAILABLE = "seller_available", "Seller: available for payout"
        SELLER_PAID_OUT = "seller_paid_out", "Seller: paid out"
        PLATFORM_REVENUE = "platform_revenue", "Platform: commission revenue"
        GATEWAY_CLEARING = "gateway_clearing", "Gateway clearing (captured less refunded)"
        BUYER_FUNDS = "buyer_funds", "Buyers' money captured, not yet allocated to lines"
        TAX_PAYABLE = "tax_payable", "Sales tax collected"
        SHIPPING = "shipping", "Shipping charged"
        ADJUSTMENTS = "adjustments", "Platform: adjustments (staff, goodwill refunds)"

    kind = models.CharField(max_length=24, choices=Kind.choices)
    seller = models.ForeignKey("sellers.Seller", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "seller"], name="ledger_account_one_per_seller_kind"),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(seller__isnull=True), name="ledger_account_one_platform_kind"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SELLER_KINDS, seller__isnull=False)
                | (~Q(kind__in=SELLER_KINDS) & Q(seller__isnull=True)),
                name="ledger_account_seller_iff_seller_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.seller_id}" if self.seller_id else self.kind


class Transaction(models.Model):
    """One balanced movement of money, posted once (``key`` says what caused it: an event, a payout, staff)."""

    class Kind(models.TextChoices):
        CAPTURE = "capture", "Payment captured"
        GATEWAY_REFUND = "gateway_refund", "Refund paid by the gateway"
        ORDER_PAID = "order_paid", "Order paid: shares allocated"
        REFUND = "refund", "Refund: shares taken back"
        RELEASE = "release", "Funds released after the return window"
        PAYOUT = "payout", "Payout"
        PAYOUT_FAILED = "payout_failed", "Payout failed: funds returned"
        ADJUSTMENT = "adjustment", "Adjustment by staff"

    key = models.CharField(max_length=120, unique=True, help_text="What caused it, once: a second post is ignored.")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    order_id = models.CharField(max_length=32, blank=True, db_index=True)
    line_id = models.BigIntegerField(null=True, blank=True)
    seller = models.ForeignKey("sellers.Seller", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key


class Entry(models.Model):
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    seller = models.ForeignKey("sellers.Seller", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=14, decimal_places=2, help_text="Credit positive, debit negative.")
    payout = models.ForeignKey(
        "Payout",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
        help_text="On a seller's available account: the payout that settled it.",
    )
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["account", "occurred_at"], name="ledger_entry_account_time"),
            models.Index(fields=["seller", "occurred_at"], name="ledger_entry_seller_time"),
            models.Index(fields=["account"], condition=Q(payout__isnull=True), name="ledger_entry_unpaid"),
        ]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_not_zero")]

    def __str__(self) -> str:
        return f"{self.account} {self.amount}"


class LineFunds(models.Model):
    """What one paid order line earns its seller: pending until delivered plus the return window and the hold."""

    class Status(models.TextChoices):
        PENDING = "pending"
        AVAILABLE = "available"

    line_id = models.BigIntegerField(unique=True)
    order_id = models.CharField(max_length=32, db_index=True)
    seller = models.ForeignKey("sellers.Seller", on_delete=models.PROTECT, related_name="+")
    gross = models.DecimalField(max_digits=12, decimal_places=2)
    commission = models.DecimalField(max_digits=12, decimal_places=2)
    refunded_goods = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    commission_refunded = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    delivered_at = models.DateTimeField(null=True, blank=True)
    available_at = models.DateTimeField(null=True, blank=True, db_index=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(refunded_goods__lte=models.F("gross")), name="ledger_funds_refund_le_gross"
            ),
            models.CheckConstraint(
                condition=Q(commission_refunded__lte=models.F("commission")), name="ledger_funds_commission_refund_le"
            ),
        ]

    def __str__(self) -> str:
        return f"line {self.line_id}"

    @property
    def seller_share(self) -> Decimal:
        """What the seller earns from the line now: its goods less commission, less what was refunded."""
        return (self.gross - self.commission) - (self.refunded_goods - self.commission_refunded)


class Payout(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        PAID = "paid"
        FAILED = "failed"

    id = models.CharField(primary_key=True, max_length=32, default=new_payout_id, editable=False)
    seller = models.ForeignKey("sellers.Seller", on_delete=models.PROTECT, related_name="payouts")
    period = models.CharField(max_length=8, help_text="ISO week, e.g. 2026-W49.")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    provider = models.CharField(max_length=32)
    reference = models.CharField(max_length=64, blank=True, help_text="The provider's transfer id.")
    failure_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["seller", "period"], name="ledger_payout_one_per_seller_period"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_payout_positive"),
        ]

    def __str__(self) -> str:
        return self.id


class PayoutHold(models.Model):
    """Staff hold a seller's payouts (a dispute, a check); released by deleting the row."""

    seller = models.OneToOneField("sellers.Seller", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    held_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"payouts of seller {self.seller_id} held"


class CommissionRate(models.Model):
    """The platform's commission: per seller, per category (and below), or per seller in a category. The most
    specific rule wins (seller + category, then category, then seller, then COMMISSION_RATE)."""

    seller = models.ForeignKey("sellers.Seller", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey("catalog.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    rate = models.DecimalField(max_digits=5, decimal_places=4, help_text="A fraction: 0.1200 is 12 %.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["seller", "category"], name="ledger_commission_one_rule"),
            models.UniqueConstraint(
                fields=["category"], condition=Q(seller__isnull=True), name="ledger_commission_one_category_rule"
            ),
            models.UniqueConstraint(
                fields=["seller"], condition=Q(category__isnull=True), name="ledger_commission_one_seller_rule"
            ),
            models.CheckConstraint(
                condition=Q(seller__isnull=False) | Q(category__isnull=False), name="ledger_commission_has_scope"
            ),
            models.CheckConstraint(condition=Q(rate__gte=0) & Q(rate__lt=1), name="ledger_commission_rate_range"),
        ]

    def __str__(self) -> str:
        return f"{self.rate} (seller {self.seller_id or 'any'}, category {self.category_id or 'any'})"
