"""Demo data support for seed_demo: dating the demo orders' parcels back to the days the orders were placed.

The demo history is made "now" through the real services (orders.demo), then moved back as a whole so that
the seller's sales chart spreads over past days; here the parcels and their tracking events follow it.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F

from logistics.models import Shipment, ShipmentLine, TrackingEvent


def move_back(*, order_ids: list[str], by: dt.timedelta) -> None:
    """Date the shipments of ``order_ids`` (their lines and tracking events too) ``by`` earlier: every timestamp
    shifts together, so their order and the time between them stay as the services wrote them."""
    with transaction.atomic():
        shipments = Shipment.objects.filter(order_id__in=order_ids)
        TrackingEvent.objects.filter(shipment__in=shipments).update(at=F("at") - by)
        ShipmentLine.objects.filter(shipment__in=shipments).update(cancelled_at=F("cancelled_at") - by)
        for shipment in shipments:
            Shipment.objects.filter(pk=shipment.pk).update(
                created_at=shipment.created_at - by,
                shipped_at=shipment.shipped_at and shipment.shipped_at - by,
                delivered_at=shipment.delivered_at and shipment.delivered_at - by,
                eta=shipment.eta - dt.timedelta(days=by.days),
            )
