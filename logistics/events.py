"""What the logistics app does when other apps announce something: a paid order gets its shipments."""

from __future__ import annotations

from django.utils.dateparse import parse_datetime

from logistics import services
from shop.events import subscriber


@subscriber("order.paid")
def create_shipments_for_paid_order(
    *, event_id: str = "", order_id: str, buyer_id: int, shipping_method: str, paid_at: str, lines: list, **_
) -> None:
    """One shipment per seller of the order; a second delivery of the event creates nothing."""
    services.create_shipments(
        order_id=order_id,
        buyer_id=int(buyer_id),
        shipping_method=shipping_method,
        paid_at=parse_datetime(paid_at) if isinstance(paid_at, str) else paid_at,
        lines=lines,
    )
