"""Read functions of the logistics app, for its API and for the apps above it (orders, notifications).

Every function returning shipments loads their lines and tracking events with them: a fixed number of
queries, whatever the number of shipments, lines or events.
"""

from __future__ import annotations

from collections.abc import Iterable
import datetime as dt

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from logistics.carriers import CARRIERS, SIMULATED_CARRIER
from logistics.errors import ShipmentNotFound
from logistics.models import Shipment, ShipmentLine, TrackingEvent

CARRIER_NAMES = {code: label.split(" (", 1)[0] for code, label in CARRIERS}


def carrier_name(*, code: str) -> str:
    """A carrier's name as buyers read it ("UPS"; the simulated one as the store's test courier, never its
    code); an unknown code in capitals."""
    if code == SIMULATED_CARRIER:
        return f"{settings.STORE_NAME} Courier (test carrier)"
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


def shipments_for_seller(
    *,
    seller,
    status: str | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    search: str = "",
) -> QuerySet[Shipment]:
    """The seller's shipments, newest first, with buyer, lines and events loaded; each filter optional.

    ``status`` is one shipment status; ``start_date``/``end_date`` bound the day the shipment was made (the
    order's payment, in the store's time zone), both inclusive; ``search`` matches part of the order id or
    of the buyer's or recipient's name, ignoring case.
    """
    shipments = Shipment.objects.filter(seller_id=seller.pk).select_related("buyer").order_by("-created_at", "-id")
    if status:
        shipments = shipments.filter(status=status)
    if start_date is not None:
        shipments = shipments.filter(created_at__date__gte=start_date)
    if end_date is not None:
        shipments = shipments.filter(created_at__date__lte=end_date)
    if search := search.strip():
        shipments = shipments.filter(
            Q(order_id__icontains=search)
            | Q(buyer__name__icontains=search)
            | Q(shipping_address__name__icontains=search)
        )
    return _with_lines_and_events(shipments)


def shipment_for_seller(*, seller, shipment_id: str) -> Shipment:
    """One of the seller's shipments with lines and events; another seller's is ShipmentNotFound (404)."""
    shipment = _with_lines_and_events(Shipment.objects.filter(pk=shipment_id, seller_id=seller.pk)).first()
    if shipment is None:
        raise ShipmentNotFound()
    return shipment


def shipments_by_id(*, seller, shipment_ids: Iterable[str]) -> dict[str, Shipment]:
    """Those of ``shipment_ids`` that are the seller's shipments, by id (another seller's are left out)."""
    return {
        shipment.pk: shipment for shipment in Shipment.objects.filter(pk__in=set(shipment_ids), seller_id=seller.pk)
    }


def shipment_status_for_line(*, order_line_id: int) -> str | None:
    """The status of the shipment carrying an order line, or None when it has none (yet)."""
    return Shipment.objects.filter(lines__order_line_id=order_line_id).values_list("status", flat=True).first()
