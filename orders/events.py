"""The events the orders app publishes (orders, their refunds and returns), and what it does when other apps
announce something: payments settling later (webhooks), parcels shipped and delivered (logistics). Every handler
takes the delivery's ``event_id`` and is safe to run twice: a payment settles once, a line moves forward once."""

from __future__ import annotations

from decimal import Decimal

from orders import services
from shop.events import declare_event, subscriber

SHIPPED_STATUSES = {"shipped", "in_transit", "out_for_delivery"}

# --- Published ----------------------------------------------------------------------------------
# Ids are the models' own (orders "ord_…", returns "ret_…" as str; users, sellers and lines as int); amounts are
# decimal strings in the store's currency; times are ISO 8601 strings.

ORDER = {"order_id": str, "buyer_id": int}
RETURN = {"return_id": str, "order_id": str, "buyer_id": int, "seller_id": int}

ORDER_PLACED = declare_event(
    "order.placed", description="A buyer placed an order; its stock is held until it is paid.", fields=ORDER
)
ORDER_PAID = declare_event(
    "order.paid",
    description=(
        "An order was paid by payment_id. lines: its open lines, each {line_id, seller_id, product_id, product_name,"
        " sku, quantity, line_total, commission, commission_rate} (commission and its rate fixed when the order was"
        " placed). subtotal (the lines' line_total), tax and shipping add up to total, in currency."
    ),
    fields={**ORDER, "shipping_method": str, "paid_at": str, "lines": list[dict]},
    # Optional so that payloads written before the money was carried still validate.
    optional={
        "shipping_address": dict,  # the address snapshot, where the parcels go
        "payment_id": str,
        "currency": str,
        "subtotal": str,
        "tax": str,
        "shipping": str,
        "total": str,
    },
)
ORDER_EXPIRED = declare_event(
    "order.expired", description="An order was not paid in time; its holds are released.", fields=ORDER
)
ORDER_CANCELLED = declare_event("order.cancelled", description="Every line of an order is cancelled.", fields=ORDER)
ORDER_ITEM_CANCELLED = declare_event(
    "order.item_cancelled",
    description=(
        "One line of an order was cancelled: quantity units of product_id; paid tells whether the order had been paid"
        " (refund_amount is then set)."
    ),
    fields={
        **ORDER,
        "line_id": int,
        "seller_id": int,
        "product_id": int,
        "quantity": int,
        "paid": bool,
        "refund_amount": str | None,
    },
)
ORDER_LINES_DELIVERED = declare_event(
    "order.lines_delivered",
    description="Lines of an order reached the buyer (their parcel was delivered): product_ids are their products.",
    fields={**ORDER, "line_ids": list[int], "product_ids": list[int]},
)
REFUND_SUCCEEDED = declare_event(
    "refund.succeeded",
    description=(
        "A refund of part of an order reached the buyer: amount is goods + tax + shipping given back. reason:"
        ' "cancel" (a cancelled line), "return" (a received return) or "late_payment" (a payment that never paid the'
        " order: goods, tax and shipping are 0). line_id and seller_id name the line refunded, absent when none."
    ),
    fields={**ORDER, "amount": str, "refund_id": str},
    # Optional so that payloads written before the breakdown was carried still validate.
    optional={
        "order_refund_id": str,
        "reason": str,
        "line_id": int,
        "seller_id": int,
        "goods": str,
        "tax": str,
        "shipping": str,
    },
)
RETURN_REQUESTED = declare_event(
    "return.requested", description="A buyer asked to return a delivered line.", fields=RETURN
)
RETURN_APPROVED = declare_event(
    "return.approved",
    description="The seller accepted a return; return_code goes in the parcel.",
    fields={**RETURN, "return_code": str},
)
RETURN_REJECTED = declare_event(
    "return.rejected",
    description="The seller refused a return, for reason.",
    fields={**RETURN, "return_code": str, "reason": str},
)
RETURN_RECEIVED = declare_event(
    "return.received",
    description=(
        "The seller received the returned item (quantity units of product_id); refund_amount is on its way to the"
        " buyer."
    ),
    fields={**RETURN, "product_id": int, "quantity": int, "refund_amount": str},
)


# --- Subscribed ---------------------------------------------------------------------------------


@subscriber("payment.succeeded", name="orders.settle_order_paid_later")
def settle_order_paid_later(*, payment_id: str, order_id: str, amount: str, event_id: str = "", **_) -> None:
    """A payment succeeded (at once or by webhook): the order is paid if the request has not already done
    so, or, when it can no longer be (expired, cancelled, another amount), the payment refunded once."""
    services.settle_payment(order_id=order_id, payment_id=payment_id, amount=Decimal(str(amount)))


@subscriber("payment.failed", name="orders.note_payment_failed")
def note_payment_failed(*, payment_id: str, order_id: str, decline_code: str = "", event_id: str = "", **_) -> None:
    """A payment failed after all: the order's history says so; it stays payable until it expires."""
    services.record_payment_failed(order_id=order_id, payment_id=payment_id, decline_code=decline_code or "")


@subscriber("shipment.updated", name="orders.mark_lines_shipped")
def mark_lines_shipped(
    *, order_id: str, status: str, line_ids: list, shipment_id: str = "", event_id: str = "", **_
) -> None:
    """A parcel left the seller (or moved on): its lines are shipped. A delivery is left to
    "shipment.delivered", which carries the carrier's time of delivery (the return window counts from it)."""
    if status in SHIPPED_STATUSES or status == "delivered":
        services.mark_lines_shipped(order_id=order_id, line_ids=line_ids, shipment_id=shipment_id, event_id=event_id)


@subscriber("shipment.delivered", name="orders.mark_lines_delivered")
def mark_lines_delivered(
    *, order_id: str, line_ids: list, shipment_id: str = "", delivered_at: str | None = None, event_id: str = "", **_
) -> None:
    """A parcel arrived: its lines are delivered (the return window starts)."""
    services.mark_lines_delivered(
        order_id=order_id, line_ids=line_ids, shipment_id=shipment_id, delivered_at=delivered_at, event_id=event_id
    )
