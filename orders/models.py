"""Orders: what a buyer checked out (lines snapshotting name, SKU, seller and price), its money and its
history of state changes.

An order is created ``pending_payment`` holding its stock until ``expires_at``; it becomes ``paid``
once a payment succeeds, or ``expired`` (stock returned) when nobody paid in time.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


def new_order_id() -> str:
    """An opaque, non-guessable order id: ``ord_`` and 16 URL-safe characters."""
    return "ord_" + secrets.token_urlsafe(12)


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", "Awaiting payment"
        PAID = "paid", "Paid"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired"

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

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [
            models.Index(fields=["buyer", "-placed_at"], name="orders_order_buyer_placed"),
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
        ]

    def __str__(self) -> str:
        return self.id

    @property
    def is_overdue(self) -> bool:
        """Unpaid past its hold: it is expired, whether or not the sweep has run yet."""
        return self.status == self.Status.PENDING_PAYMENT and self.expires_at <= timezone.now()


class OrderLine(models.Model):
    """One variant bought, with what it was called and cost at checkout."""

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

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "variant"], name="orders_line_one_per_variant"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="orders_line_price_not_negative"),
        ]
        indexes = [models.Index(fields=["seller", "order"], name="orders_line_seller")]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.quantity} x {self.sku}"


class OrderEvent(models.Model):
    """The order's history: every state change (and payment outcome), written with the change."""

    class Kind(models.TextChoices):
        PLACED = "placed", "Placed"
        PAID = "paid", "Paid"
        EXPIRED = "expired", "Expired"
        PAYMENT_FAILED = "payment_failed", "Payment failed"
        LATE_PAYMENT_REFUNDED = "late_payment_refunded", "Late payment refunded"
        RESTORED_TO_CART = "restored_to_cart", "Items put back in the cart"

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
