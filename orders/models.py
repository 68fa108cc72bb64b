"""Orders: what a buyer checked out (lines snapshotting name, SKU, seller and price), its money and its
history of state changes.

An order is created ``pending_payment`` holding its stock until ``expires_at``; it becomes ``paid``
once a payment succeeds, or ``expired`` (stock returned) when nobody paid in time. After payment each
line moves on its own (open, shipped, delivered, cancelled, returned) and the order's status is derived
from its lines. Every move goes through one ``transition`` method that refuses illegal ones.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from orders.errors import IllegalTransition


def new_order_id() -> str:
    """An opaque, non-guessable order id: ``ord_`` and 16 URL-safe characters."""
    return "ord_" + secrets.token_urlsafe(12)


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", "Awaiting payment"
        PAID = "paid", "Paid"
        PARTIALLY_SHIPPED = "partially_shipped", "Partially shipped"
        SHIPPED = "shipped", "Shipped"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired"

    # Where each status may go; derived moves after payment follow the lines.
    TRANSITIONS = {
        Status.PENDING_PAYMENT: {Status.PAID, Status.CANCELLED, Status.EXPIRED},
        Status.PAID: {Status.PARTIALLY_SHIPPED, Status.SHIPPED, Status.DELIVERED, Status.CANCELLED},
        Status.PARTIALLY_SHIPPED: {Status.SHIPPED, Status.DELIVERED},
        Status.SHIPPED: {Status.DELIVERED},
        Status.DELIVERED: set(),
        Status.CANCELLED: set(),
        Status.EXPIRED: set(),
    }

    id = models.CharField(primary_key=True, max_length=32, default=new_order_id, editable=False)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING_PAYMENT)
    shipping_address = models.JSONField(help_text="A copy of the address at checkout.")
    shipping_method = models.CharField(max_length=32)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    shipping = models.DecimalField(max_digits=12, decimal_places=2)
    tax = models.DecimalField(max_digits=12, decimal_places=2)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    expires_at = models.DateTimeField(help_text="Stock is held until then; unpaid, the order then expires.")
    placed_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, help_text="When it expired or was cancelled.")
    payment_id = models.CharField(max_length=64, blank=True, help_text="The payment that paid it.")
    payment_attempt_key = models.CharField(
        max_length=80,
        blank=True,
        help_text="The key of the payment attempt begun last: no item is cancelled while it is in flight.",
    )
    refunded_amount = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=0,
        help_text="Refunds claimed for cancelled and returned items (never more than the total).",
    )
    checkout_key = models.CharField(
        max_length=255,
        blank=True,
        default="",
        help_text="The checkout request's Idempotency-Key, kept with the order it made in the same transaction.",
    )

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [
            models.Index(fields=["buyer", "-placed_at"], name="orders_order_buyer_placed"),
            # A retried checkout finds the order its key made (orders.services.place_order).
            models.Index(
                fields=["buyer", "checkout_key"], condition=~Q(checkout_key=""), name="orders_order_checkout_key"
            ),
            # The expiry sweep reads only the unpaid orders.
            models.Index(
                fields=["expires_at"],
                condition=Q(status="pending_payment"),
                name="orders_order_unpaid_expiry",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(subtotal__gte=0) & Q(shipping__gte=0) & Q(tax__gte=0),
                name="orders_order_money_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_at__isnull=False), name="orders_order_paid_has_paid_at"
            ),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=models.F("total")),
                name="orders_order_refunded_within_total",
            ),
        ]

    def __str__(self) -> str:
        return self.id

    @property
    def is_overdue(self) -> bool:
        """Unpaid past its hold: it is expired, whether or not the sweep has run yet."""
        return self.status == self.Status.PENDING_PAYMENT and self.expires_at <= timezone.now()

    def can_move_to(self, status: str) -> bool:
        return status == self.status or status in self.TRANSITIONS[self.status]

    def transition(self, status: str) -> bool:
        """Move to ``status`` (in memory; the caller saves): True when it changed, False when it was
        there already. Raises IllegalTransition for a move the lifecycle does not allow."""
        if status == self.status:
            return False
        if status not in self.TRANSITIONS[self.status]:
            raise IllegalTransition(kind="order", from_status=self.status, to_status=status)
        self.status = status
        return True


class OrderLine(models.Model):
    """One variant bought, with what it was called and cost at checkout, and where it is now."""

    class Status(models.TextChoices):
        OPEN = "open", "Not shipped yet"
        SHIPPED = "shipped", "Shipped"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"
        RETURNED = "returned", "Returned"

    # A delivery may be announced before its shipping (events can overtake each other).
    TRANSITIONS = {
        Status.OPEN: {Status.SHIPPED, Status.DELIVERED, Status.CANCELLED},
        Status.SHIPPED: {Status.DELIVERED},
        Status.DELIVERED: {Status.RETURNED},
        Status.CANCELLED: set(),
        Status.RETURNED: set(),
    }

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    seller = models.ForeignKey("sellers.Seller", on_delete=models.PROTECT, related_name="order_lines")
    product_name = models.CharField(max_length=200)
    sku = models.CharField(max_length=64)
    options = models.JSONField(default=dict, blank=True)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField()
    line_total = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True, help_text="The return window counts from here.")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    returned_quantity = models.PositiveIntegerField(default=0, help_text="Units received back from the buyer.")
    refunded_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    commission_rate = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=0,
        help_text="The platform's commission rate (a fraction) when the order was placed; never changed afterwards.",
    )
    commission = models.DecimalField(
        max_digits=12, decimal_places=2, default=0, help_text="The commission on line_total at that rate, rounded once."
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "variant"], name="orders_line_one_per_variant"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="orders_line_price_not_negative"),
            models.CheckConstraint(
                condition=Q(returned_quantity__lte=models.F("quantity")), name="orders_line_returned_within_quantity"
            ),
            models.CheckConstraint(condition=Q(refunded_amount__gte=0), name="orders_line_refunded_not_negative"),
            models.CheckConstraint(
                condition=Q(commission__gte=0) & Q(commission__lte=models.F("line_total")),
                name="orders_line_commission_within_total",
            ),
        ]
        indexes = [models.Index(fields=["seller", "order"], name="orders_line_seller")]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.quantity} x {self.sku}"

    def transition(self, status: str) -> bool:
        """Move to ``status`` (in memory; the caller saves), stamping when: True when it changed, False
        when it was there already. Raises IllegalTransition for a move the lifecycle does not allow."""
        if status == self.status:
            return False
        if status not in self.TRANSITIONS[self.status]:
            raise IllegalTransition(kind="line", from_status=self.status, to_status=status)
        now = timezone.now()
        if status in (self.Status.SHIPPED, self.Status.DELIVERED) and self.shipped_at is None:
            self.shipped_at = now
        if status == self.Status.DELIVERED:
            self.delivered_at = now
        if status == self.Status.CANCELLED:
            self.cancelled_at = now
        self.status = status
        return True


class OrderEvent(models.Model):
    """The order's history: every state change (and payment outcome), written with the change."""

    class Kind(models.TextChoices):
        PLACED = "placed", "Placed"
        PAID = "paid", "Paid"
        EXPIRED = "expired", "Expired"
        PAYMENT_FAILED = "payment_failed", "Payment failed"
        LATE_PAYMENT_REFUNDED = "late_payment_refunded", "Late payment refunded"
        RESTORED_TO_CART = "restored_to_cart", "Items put back in the cart"
        STATUS_CHANGED = "status_changed", "Status changed"
        ITEM_CANCELLED = "item_cancelled", "Item cancelled"
        CANCELLED = "cancelled", "Cancelled"
        LINES_SHIPPED = "lines_shipped", "Items shipped"
        LINES_DELIVERED = "lines_delivered", "Items delivered"
        RETURN_REQUESTED = "return_requested", "Return requested"
        RETURN_APPROVED = "return_approved", "Return approved"
        RETURN_REJECTED = "return_rejected", "Return rejected"
        RETURN_RECEIVED = "return_received", "Return received"
        REFUND_REQUESTED = "refund_requested", "Refund requested"
        REFUND_SUCCEEDED = "refund_succeeded", "Refund succeeded"
        REFUND_FAILED = "refund_failed", "Refund failed"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["order", "created_at"], name="orders_event_order")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"


def new_return_id() -> str:
    return "ret_" + secrets.token_urlsafe(12)


def new_return_code() -> str:
    """What the buyer writes on the parcel: short, unambiguous, not guessable."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "RMA-" + "".join(secrets.choice(alphabet) for _ in range(8))


class ReturnRequest(models.Model):
    """A buyer asking to send delivered units back; the line's seller decides and receives them."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        RECEIVED = "received", "Received"

    TRANSITIONS = {
        Status.REQUESTED: {Status.APPROVED, Status.REJECTED},
        Status.APPROVED: {Status.RECEIVED},
        Status.REJECTED: set(),
        Status.RECEIVED: set(),
    }

    id = models.CharField(primary_key=True, max_length=32, default=new_return_id, editable=False)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="returns")
    line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="returns")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="return_requests")
    seller = models.ForeignKey("sellers.Seller", on_delete=models.PROTECT, related_name="return_requests")
    quantity = models.PositiveIntegerField()
    reason = models.CharField(max_length=500)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REQUESTED)
    return_code = models.CharField(max_length=16, blank=True)
    rejection_reason = models.CharField(max_length=500, blank=True)
    resellable = models.BooleanField(null=True, blank=True)
    refund_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    refund_id = models.CharField(max_length=64, blank=True, help_text="The payments refund that paid it back.")
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["buyer", "-created_at"], name="orders_return_buyer"),
            models.Index(fields=["seller", "-created_at"], name="orders_return_seller"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_return_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.quantity} x line {self.line_id})"

    def transition(self, status: str) -> None:
        """Move to ``status`` (in memory; the caller saves); raises IllegalTransition otherwise."""
        if status not in self.TRANSITIONS[self.status]:
            raise IllegalTransition(kind="return", from_status=self.status, to_status=status)
        now = timezone.now()
        if status in (self.Status.APPROVED, self.Status.REJECTED):
            self.decided_at = now
        if status == self.Status.RECEIVED:
            self.received_at = now
        self.status = status


def new_order_refund_id() -> str:
    return "orf_" + secrets.token_urlsafe(12)


class OrderRefund(models.Model):
    """Money owed back for a cancelled or returned item: claimed under the order's lock, then paid
    through payments.services.refund after commit (a sweep retries claims left pending)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    TRANSITIONS = {
        Status.PENDING: {Status.SUCCEEDED, Status.FAILED},
        Status.SUCCEEDED: set(),
        Status.FAILED: set(),
    }

    id = models.CharField(primary_key=True, max_length=32, default=new_order_refund_id, editable=False)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    return_request = models.ForeignKey(
        ReturnRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    payment_id = models.CharField(max_length=64)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    # What ``amount`` gives back (they add up to it), so the ledger can book it; all 0 for a payment that
    # never paid the order (a late payment) and for claims made before the breakdown was kept.
    goods_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    tax_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    shipping_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    reason = models.CharField(max_length=32)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    refund_id = models.CharField(max_length=64, blank=True, help_text="The payments app's refund.")
    attempts = models.PositiveIntegerField(default=0)
    attempted_at = models.DateTimeField(null=True, blank=True, help_text="When the last attempt to pay it began.")
    created_at = models.DateTimeField(default=timezone.now)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(status="pending"), name="orders_refund_pending"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="orders_refund_amount_positive"),
            models.CheckConstraint(
                condition=Q(goods_amount__gte=0) & Q(tax_amount__gte=0) & Q(shipping_amount__gte=0),
                name="orders_refund_breakdown_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(amount=models.F("goods_amount") + models.F("tax_amount") + models.F("shipping_amount"))
                | Q(goods_amount=0, tax_amount=0, shipping_amount=0),
                name="orders_refund_breakdown_adds_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.amount} of {self.order_id} {self.status}"

    def transition(self, status: str) -> bool:
        """Move to ``status`` (in memory; the caller saves), stamping when it settled: True when it changed,
        False when it was there already. Raises IllegalTransition for a move the lifecycle does not allow."""
        if status == self.status:
            return False
        if status not in self.TRANSITIONS[self.status]:
            raise IllegalTransition(kind="refund", from_status=self.status, to_status=status)
        self.settled_at = timezone.now()
        self.status = status
        return True
