"""What the notifications app tells buyers and sellers when other apps announce something.

Each handler picks what an event is worth saying (the texts are in ``notifications.messages``) and hands the
messages to ``services.notify``, which records and e-mails each once per (event, recipient, kind): an event
delivered twice notifies nobody twice. Subscriber names ("notifications.<handler>") are kept in the outbox's
delivery rows: rename a handler freely, never its name.
"""

from __future__ import annotations

from notifications import messages, services
from shop.events import subscriber

# --- Buyers: their orders -----------------------------------------------------------------------


@subscriber("order.placed", name="notifications.notify_order_placed")
def notify_order_placed(*, event_id: str, order_id: str, buyer_id: int, **_) -> None:
    """The buyer placed an order: it is held for them until they pay."""
    services.notify(event_id=event_id, messages=messages.order_placed(order_id=order_id, buyer_id=buyer_id))


@subscriber("order.paid", name="notifications.notify_order_paid")
def notify_order_paid(
    *, event_id: str, order_id: str, buyer_id: int, lines=(), shipping_method: str = "", paid_at=None, **_
) -> None:
    """The order is paid: the buyer gets a confirmation, each seller a "new sale" naming only their own lines."""
    services.notify(
        event_id=event_id,
        messages=messages.order_paid(
            order_id=order_id, buyer_id=buyer_id, lines=list(lines), shipping_method=shipping_method, paid_at=paid_at
        ),
    )


@subscriber("order.expired", name="notifications.notify_order_expired")
def notify_order_expired(*, event_id: str, order_id: str, buyer_id: int, **_) -> None:
    """Nobody paid in time: the order expired and nothing was charged."""
    services.notify(event_id=event_id, messages=messages.order_expired(order_id=order_id, buyer_id=buyer_id))


@subscriber("order.cancelled", name="notifications.notify_order_cancelled")
def notify_order_cancelled(*, event_id: str, order_id: str, buyer_id: int, **_) -> None:
    """The whole order is cancelled."""
    services.notify(event_id=event_id, messages=messages.order_cancelled(order_id=order_id, buyer_id=buyer_id))


@subscriber("order.item_cancelled", name="notifications.notify_item_cancelled")
def notify_item_cancelled(
    *, event_id: str, order_id: str, buyer_id: int, line_id: int, refund_amount=None, **_
) -> None:
    """One item of an order is cancelled, refunded if it was paid."""
    services.notify(
        event_id=event_id,
        messages=messages.item_cancelled(
            order_id=order_id, buyer_id=buyer_id, line_id=line_id, refund_amount=refund_amount
        ),
    )


@subscriber("refund.succeeded", name="notifications.notify_refund_succeeded")
def notify_refund_succeeded(*, event_id: str, order_id: str, buyer_id: int, amount, **_) -> None:
    """Money went back to the buyer."""
    services.notify(
        event_id=event_id, messages=messages.refund_succeeded(order_id=order_id, buyer_id=buyer_id, amount=amount)
    )


# --- Buyers: shipping -----------------------------------------------------------------------------


@subscriber("shipment.updated", name="notifications.notify_shipped")
def notify_shipped(
    *, event_id: str, shipment_id: str, order_id: str, buyer_id: int, status: str, line_ids=(), **payload
) -> None:
    """A parcel left the seller (only the "shipped" step is worth a message; the carrier's steps are on the page)."""
    if status != "shipped":
        return
    services.notify(
        event_id=event_id,
        messages=messages.shipped(
            shipment_id=shipment_id,
            order_id=order_id,
            buyer_id=buyer_id,
            line_ids=line_ids,
            carrier=payload.get("carrier") or "",
            tracking_number=payload.get("tracking_number") or "",
        ),
    )


@subscriber("shipment.delivered", name="notifications.notify_delivered")
def notify_delivered(*, event_id: str, shipment_id: str, order_id: str, buyer_id: int, line_ids=(), **_) -> None:
    """A parcel arrived."""
    services.notify(
        event_id=event_id, messages=messages.delivered(order_id=order_id, buyer_id=buyer_id, line_ids=line_ids)
    )


# --- Returns ----------------------------------------------------------------------------------


@subscriber("return.requested", name="notifications.notify_return_requested")
def notify_return_requested(
    *, event_id: str, return_id: str, order_id: str, buyer_id: int, seller_id: int, **payload
) -> None:
    """A buyer asks to return one of the seller's items: the seller decides."""
    services.notify(
        event_id=event_id,
        messages=messages.return_requested(
            return_id=return_id, order_id=order_id, buyer_id=buyer_id, seller_id=seller_id, payload=payload
        ),
    )


@subscriber("return.approved", name="notifications.notify_return_approved")
def notify_return_approved(
    *, event_id: str, return_id: str, order_id: str, buyer_id: int, return_code: str = "", **_
) -> None:
    """The seller takes the item back: the buyer gets the return code to put in the parcel."""
    services.notify(
        event_id=event_id,
        messages=messages.return_approved(
            return_id=return_id, order_id=order_id, buyer_id=buyer_id, return_code=return_code
        ),
    )


@subscriber("return.rejected", name="notifications.notify_return_rejected")
def notify_return_rejected(*, event_id: str, return_id: str, order_id: str, buyer_id: int, **payload) -> None:
    """The seller refused the return."""
    services.notify(
        event_id=event_id,
        messages=messages.return_rejected(
            return_id=return_id, order_id=order_id, buyer_id=buyer_id, reason=payload.get("reason") or ""
        ),
    )


@subscriber("return.received", name="notifications.notify_return_received")
def notify_return_received(
    *, event_id: str, return_id: str, order_id: str, buyer_id: int, refund_amount=None, **_
) -> None:
    """The seller has the item back: the refund is on its way."""
    services.notify(
        event_id=event_id,
        messages=messages.return_received(
            return_id=return_id, order_id=order_id, buyer_id=buyer_id, refund_amount=refund_amount
        ),
    )


# --- Sellers: stock ---------------------------------------------------------------------------------


@subscriber("stock.low", name="notifications.notify_stock_low")
def notify_stock_low(
    *, event_id: str, alert_id: int, seller_id: int, variant_id: int, sku: str, available: int, threshold: int, **_
) -> None:
    """A variant fell to its low-stock threshold: in the notification centre only (inventory e-mails it)."""
    services.notify(
        event_id=event_id,
        messages=messages.stock_low(
            alert_id=alert_id, seller_id=seller_id, sku=sku, available=available, threshold=threshold
        ),
    )
