"""Read functions of the logistics app, for its API and for the apps above it (orders, notifications).

Every function returning shipments loads their lines and tracking events with them: a fixed number of
queries, whatever the number of shipments, lines or events.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from logistics.carriers import CARRIERS
from logistics.errors import ShipmentNotFound
from logistics.models import Shipment, ShipmentLine, TrackingEvent

CARRIER_NAMES = {code: label.split(" (", 1)[0] for code, label in CARRIERS}


def carrier_name(*, code: str) -> str:
    """A carrier's name as buyers read it ("UPS", "Simulated carrier"); an unknown code in capitals."""
    return CARRIER_NAMES.get(code, code.upper())


def _with_lines_and_events(shipments: QuerySet[Shipment]) -> QuerySet[Shipment]:
    return shipments.prefetch_related(
        Prefetch("lines", queryset=ShipmentLine.objects.order_by("order_line_id")),
        Prefetch("events", queryset=TrackingEvent.objects.order_by("at", "id")),
    )


def shipments_for_order(*, order_id: str) -> list[Shipment]:
    """The order's shipments (oldest first) with ``lines`` and ``events`` loaded: three queries."""
    return list(_with_lines_and_events(Shipment.objects.filter(order_id=order_id).order_by("created_at", "id")))


def shipments_for_orders(*, order_ids: Iterable[str]) -> dict[str, list[Shipment]]:
    """Each order id's shipments (oldest first; an empty list for none), lines and events loaded: three queries."""
    order_ids = list(dict.fromkeys(order_ids))
    found: dict[str, list[Shipment]] = {order_id: [] for order_id in order_ids}
    if not order_ids:
        return found
    shipments = _with_lines_and_events(Shipment.objects.filter(order_id__in=order_ids).order_by("created_at", "id"))
    for shipment in shipments:
        found[shipment.order_id].append(shipment)
    return found


def shipments_for_seller(*, seller, status: str | None = None) -> QuerySet[Shipment]:
    """The seller's shipments, newest first, optionally of one status, with lines and events loaded."""
    shipments = Shipment.objects.filter(seller_id=seller.pk).order_by("-created_at", "-id")
    if status:
        shipments = shipments.filter(status=status)
    return _with_lines_and_events(shipments)


def shipment_for_seller(*, seller, shipment_id: str) -> Shipment:
    """One of the seller's shipments with lines and events; another seller's is ShipmentNotFound (404)."""
    shipment = _with_lines_and_events(Shipment.objects.filter(pk=shipment_id, seller_id=seller.pk)).first()
    if shipment is None:
        raise ShipmentNotFound()
    return shipment


def shipment_status_for_line(*, order_line_id: int) -> str | None:
    """The status of the shipment carrying an order line, or None when it has none (yet)."""
    return Shipment.objects.filter(lines__order_line_id=order_line_id).values_list("status", flat=True).first()
