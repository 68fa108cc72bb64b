"""Shipments: one parcel per seller per paid order, its lines (order lines by id) and its tracking history.

logistics sits below orders: it knows orders and their lines only by id, from the "order.paid" event.
The database holds the invariants: one shipment per (order, seller), an order line in one shipment,
each tracking status reached at most once per shipment, a webhook signature accepted once.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


def new_shipment_id() -> str:
    """An opaque, non-guessable shipment id: ``shp_`` and 16 URL-safe characters."""
    return "shp_" + secrets.token_urlsafe(12)


class Shipment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting shipment"
        SHIPPED = "shipped", "Shipped"
        IN_TRANSIT = "in_transit", "In transit"
        OUT_FOR_DELIVERY = "out_for_delivery", "Out for delivery"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"

    id = models.CharField(primary_key=True, max_length=32, default=new_shipment_id, editable=False)
    order_id = models.CharField(max_length=32, db_index=True)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="shipments")
    seller = models.ForeignKey("sellers.Seller", on_delete=models.PROTECT, related_name="shipments")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    shipping_method = models.CharField(max_length=32)
    shipping_address = models.JSONField(
        default=dict, blank=True, help_text="Where the parcel goes: the order's address at checkout ({} if unknown)."
    )
    carrier = models.CharField(max_length=32, blank=True)
    tracking_number = models.CharField(max_length=64, blank=True)
    eta = models.DateField(help_text="Estimated delivery: the paid date plus the method's business days.")
    created_at = models.DateTimeField(default=timezone.now)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order_id", "seller"], name="logistics_shipment_one_per_seller"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "cancelled"]) | Q(shipped_at__isnull=False),
                name="logistics_shipment_shipped_has_shipped_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="delivered") | Q(delivered_at__isnull=False),
                name="logistics_shipment_delivered_has_delivered_at",
            ),
        ]
        indexes = [
            models.Index(fields=["seller", "-created_at"], name="logistics_shipment_seller"),
            models.Index(fields=["carrier", "tracking_number"], name="logistics_shipment_tracking"),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.order_id}, {self.status})"


class ShipmentLine(models.Model):
    """One order line in the parcel, with what it was called at checkout."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line_id = models.PositiveBigIntegerField(unique=True)
    product_name = models.CharField(max_length=200)
    sku = models.CharField(max_length=64)
    quantity = models.PositiveIntegerField()
    cancelled = models.BooleanField(default=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order_line_id"]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.quantity} x {self.sku}"


class RemovedLine(models.Model):
    """An order line cancelled before its shipment existed: the shipment, once created, leaves it out."""

    order_line_id = models.PositiveBigIntegerField(unique=True)
    removed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.order_line_id)


class TrackingEvent(models.Model):
    """A step of the parcel's journey: when and where it reached a status."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=20, choices=Shipment.Status.choices)
    location = models.CharField(max_length=200, blank=True)
    description = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "status"], name="logistics_tracking_status_once"),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id} {self.status} at {self.at:%Y-%m-%d %H:%M}"


class CarrierWebhookReceipt(models.Model):
    """One row per accepted carrier webhook: a signature is accepted once, an event applied once."""

    carrier = models.CharField(max_length=32)
    event_id = models.CharField(max_length=128)
    signature_digest = models.CharField(max_length=64, unique=True, help_text="sha256 of the verified signature.")
    duplicate = models.BooleanField(default=False, help_text="The event had already been received.")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["carrier", "event_id"], name="logistics_receipt_event")]

    def __str__(self) -> str:
        return f"{self.carrier} {self.event_id}"
