"""Row and advisory locks of the logistics app, always taken in one order (by id) so writers never deadlock.

Order lines are locked before shipments. An order line's advisory lock serialises creating its shipment
with removing it (a cancel can arrive before the "order.paid" event is handled).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from logistics.errors import ShipmentNotFound
from logistics.models import Shipment

# Namespace of the two-key advisory locks (pg_advisory_xact_lock(int, int)): "lg" as an int.
_ORDER_LINE_LOCK_SPACE = 0x6C67


def lock_order_lines(*, order_line_ids: Iterable[int]) -> None:
    """Take the transaction-scoped advisory lock of each order line, in line-id order.

    Must run inside a transaction. On SQLite (the embedded default) writers are serialised anyway.
    """
    ids = sorted(set(order_line_ids))
    if not ids or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, (line_id %% 2147483647)::int) FROM unnest(%s::bigint[]) AS line_id "
            "ORDER BY line_id",
            [_ORDER_LINE_LOCK_SPACE, ids],
        )


def lock_shipment(*, shipment_id: str, seller_id: int | None = None) -> Shipment:
    """Lock one shipment row (FOR UPDATE), of ``seller_id`` when given; raises ShipmentNotFound."""
    shipments = Shipment.objects.select_for_update().filter(pk=shipment_id)
    if seller_id is not None:
        shipments = shipments.filter(seller_id=seller_id)
    shipment = shipments.first()
    if shipment is None:
        raise ShipmentNotFound()
    return shipment


def lock_shipment_by_tracking(*, carrier: str, tracking_number: str) -> Shipment | None:
    """Lock the shipment a carrier knows by ``tracking_number`` (FOR UPDATE); None when there is none."""
    if not tracking_number:
        return None
    return Shipment.objects.select_for_update().filter(carrier=carrier, tracking_number=tracking_number).first()
