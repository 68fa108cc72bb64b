"""The events the logistics app publishes (shipments created and moving), and what it does when other apps
announce something: a paid order gets its shipments."""

from __future__ import annotations

from django.utils.dateparse import parse_datetime

from logistics import services
from shop.events import declare_event, subscriber

# --- Published ----------------------------------------------------------------------------------
# Shipment ids "shp_…" and order ids as str, users, sellers and order lines as int; eta an ISO date, times ISO 8601.

SHIPMENT = {"shipment_id": str, "order_id": str, "buyer_id": int, "seller_id": int, "line_ids": list[int], "eta": str}
TRACKING = {**SHIPMENT, "carrier": str, "tracking_number": str}

SHIPMENT_CREATED = declare_event(
    "shipment.created", description="A paid order's lines of one seller got their shipment (pending).", fields=SHIPMENT
)
SHIPMENT_UPDATED = declare_event(
    "shipment.updated",
    description="A shipment moved: shipped, in_transit, out_for_delivery or delivered (status).",
    fields={**TRACKING, "status": str},
)
SHIPMENT_DELIVERED = declare_event(
    "shipment.delivered",
    description="A parcel arrived at delivered_at (the carrier's time): the return window starts.",
    fields={**TRACKING, "delivered_at": str},
)


# --- Subscribed ---------------------------------------------------------------------------------


@subscriber("order.paid", name="logistics.create_shipments_for_paid_order")
def create_shipments_for_paid_order(
    *,
    event_id: str = "",
    order_id: str,
    buyer_id: int,
    shipping_method: str,
    paid_at: str,
    lines: list,
    shipping_address: dict | None = None,
    **_,
) -> None:
    """One shipment per seller of the order; a second delivery of the event creates nothing."""
    services.create_shipments(
        order_id=order_id,
        buyer_id=int(buyer_id),
        shipping_method=shipping_method,
        paid_at=parse_datetime(paid_at) if isinstance(paid_at, str) else paid_at,
        lines=lines,
        shipping_address=shipping_address,
    )
