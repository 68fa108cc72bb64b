"""What the orders app does when other apps announce something: payments settling later (webhooks),
parcels shipped and delivered (logistics). Every handler takes the delivery's ``event_id`` and is safe
to run twice: a payment settles once, a line moves forward once."""

from __future__ import annotations

from decimal import Decimal

from orders import services
from shop.events import subscriber

SHIPPED_STATUSES = {"shipped", "in_transit", "out_for_delivery"}


@subscriber("payment.succeeded")
def settle_order_paid_later(*, payment_id: str, order_id: str, amount: str, event_id: str = "", **_) -> None:
    """An asynchronous payment succeeded: the order is paid, or, past its hold, the payment refunded."""
    services.settle_payment(order_id=order_id, payment_id=payment_id, amount=Decimal(str(amount)))


@subscriber("payment.failed")
def note_payment_failed(*, payment_id: str, order_id: str, decline_code: str = "", event_id: str = "", **_) -> None:
    """A payment failed after all: the order's history says so; it stays payable until it expires."""
    services.record_payment_failed(order_id=order_id, payment_id=payment_id, decline_code=decline_code or "")


@subscriber("shipment.updated")
def mark_lines_shipped(
    *, order_id: str, status: str, line_ids: list, shipment_id: str = "", event_id: str = "", **_
) -> None:
    """A parcel left the seller (or moved on): its lines are shipped. A delivery is left to
    "shipment.delivered", which carries the carrier's time of delivery (the return window counts from it)."""
    if status in SHIPPED_STATUSES or status == "delivered":
        services.mark_lines_shipped(order_id=order_id, line_ids=line_ids, shipment_id=shipment_id, event_id=event_id)


@subscriber("shipment.delivered")
def mark_lines_delivered(
    *, order_id: str, line_ids: list, shipment_id: str = "", delivered_at: str | None = None, event_id: str = "", **_
) -> None:
    """A parcel arrived: its lines are delivered (the return window starts)."""
    services.mark_lines_delivered(
        order_id=order_id, line_ids=line_ids, shipment_id=shipment_id, delivered_at=delivered_at, event_id=event_id
    )
