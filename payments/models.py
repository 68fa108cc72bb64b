"""Payments, their status history, refunds, and the receipts of gateway webhooks.

A payment belongs to an order by its id only (no foreign key: payments sits below orders). The
database keeps the money invariants: refunds never exceed what was captured, and only a captured
payment has refunds at all.
"""

from decimal import Decimal
import secrets

from django.db import models
from django.db.models import F, Q

from payments.errors import IllegalPaymentTransition


def new_payment_id() -> str:
    return "pay_" + secrets.token_urlsafe(12)


def new_refund_id() -> str:
    return "re_" + secrets.token_urlsafe(12)


class Payment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    id = models.CharField(max_length=32, primary_key=True, default=new_payment_id, editable=False)
    order_id = models.CharField(max_length=64, db_index=True)
    attempt_key = models.CharField(
        max_length=255, unique=True, help_text="The caller's key for this attempt: the same key never charges twice."
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    gateway = models.CharField(max_length=32)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    gateway_reference = models.CharField(max_length=128, unique=True, null=True, blank=True)
    decline_code = models.CharField(max_length=64, blank=True)
    refunded_amount = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=0,
        help_text="Refunded or being refunded (pending refunds reserve their amount).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_payment_amount_positive"),
            models.CheckConstraint(condition=Q(refunded_amount__gte=0), name="payments_payment_refunded_not_negative"),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=F("amount")), name="payments_payment_refunded_within_amount"
            ),
            models.CheckConstraint(
                condition=Q(refunded_amount=0) | Q(status="succeeded"),
                name="payments_payment_refunds_only_when_captured",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.amount} {self.currency} {self.status}"

    # A payment settles once: a webhook or the gateway's answer moves it out of pending, never back.
    TRANSITIONS = {
        Status.PENDING: {Status.SUCCEEDED, Status.FAILED},
        Status.SUCCEEDED: set(),
        Status.FAILED: set(),
    }

    def transition(self, status: str) -> bool:
        """Move to ``status`` (in memory; the caller saves): True when it changed, False when it was
        there already. Raises IllegalPaymentTransition for a move the lifecycle does not allow."""
        return _transition(self, status, kind="payment")

    @property
    def refundable_amount(self) -> Decimal:
        """What may still be refunded: the captured amount less refunds (nothing unless captured)."""
        if self.status != self.Status.SUCCEEDED:
            return Decimal("0.00")
        return self.amount - self.refunded_amount


class PaymentEvent(models.Model):
    """The status history of a payment: one row per thing that happened to it, with the gateway's data."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        CHARGE = "charge", "Gateway answered the charge"
        WEBHOOK = "webhook", "Settled by a webhook"
        REFUND_REQUESTED = "refund_requested", "Refund requested"
        REFUND_SUCCEEDED = "refund_succeeded", "Refund succeeded"
        REFUND_FAILED = "refund_failed", "Refund failed"

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Payment.Status.choices, help_text="The payment's status after it.")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.payment_id} {self.kind} → {self.status}"


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    id = models.CharField(max_length=32, primary_key=True, default=new_refund_id, editable=False)
    TRANSITIONS = {
        Status.PENDING: {Status.SUCCEEDED, Status.FAILED},
        Status.SUCCEEDED: set(),
        Status.FAILED: set(),
    }

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(max_length=200, blank=True)
    gateway_reference = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.amount} of {self.payment_id} {self.status}"

    def transition(self, status: str) -> bool:
        """Move to ``status`` (in memory; the caller saves): True when it changed, False when it was
        there already. Raises IllegalPaymentTransition for a move the lifecycle does not allow."""
        return _transition(self, status, kind="refund")


class WebhookReceipt(models.Model):
    """One row per accepted webhook delivery: a signature is accepted once, an event applied once."""

    gateway = models.CharField(max_length=32)
    event_id = models.CharField(max_length=128)
    event_type = models.CharField(max_length=64, blank=True)
    signature_digest = models.CharField(max_length=64, unique=True, help_text="sha256 of the verified signature.")
    duplicate = models.BooleanField(default=False, help_text="The event had already been received.")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["gateway", "event_id"], name="payments_receipt_event")]

    def __str__(self) -> str:
        return f"{self.gateway} {self.event_id}"


def _transition(record: Payment | Refund, status: str, *, kind: str) -> bool:
    if status == record.status:
        return False
    if status not in record.TRANSITIONS[record.status]:
        raise IllegalPaymentTransition(kind=kind, from_status=record.status, to_status=status)
    record.status = status
    return True
