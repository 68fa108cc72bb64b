"""Write use cases of the logistics app: shipments for paid orders, shipping them, tracking updates
(the simulated carrier's steps and signed carrier webhooks), and taking a cancelled line out.

A shipment changes only under its row lock (locks.py); every status change writes its TrackingEvent and
publishes its event in the same transaction. Status only moves forward:
pending → shipped → in_transit → out_for_delivery → delivered (a carrier may skip steps), or
pending → cancelled when every line was cancelled before shipping.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
import datetime as dt
import functools
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
import structlog

from logistics import carriers, selectors
from logistics.errors import (
    AlreadyShipped,
    CarrierNotAvailable,
    IllegalShipmentTransition,
    InvalidCarrierWebhook,
    ShipmentNotPending,
)
from logistics.locks import lock_order_lines, lock_shipment, lock_shipment_by_tracking
from logistics.models import CarrierWebhookReceipt, RemovedLine, Shipment, ShipmentLine, TrackingEvent
from sellers import selectors as seller_selectors
from shop import events, webhooks
from shop.dates import add_business_days
from shop.side_effects import after_commit

logger = structlog.get_logger(__name__)

Status = Shipment.Status

# Forward order of a parcel's journey; cancelled is off the road.
_RANK = {
    Status.PENDING: 0,
    Status.SHIPPED: 1,
    Status.IN_TRANSIT: 2,
    Status.OUT_FOR_DELIVERY: 3,
    Status.DELIVERED: 4,
}
TRACKING_STATUSES = (Status.IN_TRANSIT, Status.OUT_FOR_DELIVERY, Status.DELIVERED)
SIMULATED_CARRIER = carriers.SIMULATED_CARRIER
# Where the simulated carrier reports each step.
_SIMULATED_STEPS = {
    Status.IN_TRANSIT: ("Regional sorting hub", "The parcel left the sorting hub."),
    Status.OUT_FOR_DELIVERY: ("Local delivery depot", "The parcel is out for delivery."),
    Status.DELIVERED: ("Recipient's address", "The parcel was delivered."),
}


# --- Estimated delivery -------------------------------------------------------------------------


def estimated_delivery(*, shipping_method: str, paid_on: dt.date, handling_days: int = 0) -> dt.date:
    """Paid date plus the seller's handling days and the method's most business days (SHIPPING_METHODS);
    an unknown method counts as standard."""
    methods = settings.SHIPPING_METHODS
    method = methods.get(shipping_method) or methods["standard"]
    return add_business_days(paid_on, days=handling_days + int(method["max_days"]))


# --- Shipments for a paid order -----------------------------------------------------------------


def create_shipments(
    *,
    order_id: str,
    buyer_id: int,
    shipping_method: str,
    paid_at: dt.datetime,
    lines: Iterable[Mapping],
    shipping_address: Mapping | None = None,
) -> list[Shipment]:
    """One pending shipment per seller of a paid order, each with that seller's lines and an ETA counting
    that seller's handling days (estimated_delivery); idempotent.

    ``lines`` are ``{"line_id","seller_id","product_name","sku","quantity"}``; ``shipping_address`` is where
    the parcels go (the order's snapshot). A second call for the same
    order creates nothing and publishes nothing; lines removed before (remove_line) are left out, and a
    seller whose lines were all removed gets no shipment. Publishes "shipment.created" per new shipment.
    Returns the order's shipments.
    """
    lines = list(lines)
    paid_on = timezone.localdate(paid_at)
    handling = seller_selectors.handling_days_of(seller_ids={int(line["seller_id"]) for line in lines})
    line_ids = [int(line["line_id"]) for line in lines]
    with transaction.atomic():
        # Under the lines' locks a concurrent delivery of the event, or a remove_line, has committed or waits.
        lock_order_lines(order_line_ids=line_ids)
        existing = set(Shipment.objects.filter(order_id=order_id).values_list("seller_id", flat=True))
        left_out = set(
            ShipmentLine.objects.filter(order_line_id__in=line_ids).values_list("order_line_id", flat=True)
        ) | set(RemovedLine.objects.filter(order_line_id__in=line_ids).values_list("order_line_id", flat=True))
        by_seller: dict[int, list[Mapping]] = {}
        for line in lines:
            line_id = int(line["line_id"])
            if line_id in left_out:
                continue
            by_seller.setdefault(int(line["seller_id"]), []).append(line)
        created = []
        for seller_id, seller_lines in sorted(by_seller.items()):
            if seller_id in existing:
                continue
            eta = estimated_delivery(
                shipping_method=shipping_method, paid_on=paid_on, handling_days=handling.get(seller_id, 0)
            )
            shipment = Shipment.objects.create(
                order_id=order_id,
                buyer_id=buyer_id,
                seller_id=seller_id,
                shipping_method=shipping_method,
                shipping_address=dict(shipping_address or {}),
                eta=eta,
            )
            ShipmentLine.objects.bulk_create(
                [
                    ShipmentLine(
                        shipment=shipment,
                        order_line_id=int(line["line_id"]),
                        product_name=str(line["product_name"])[:200],
                        sku=str(line["sku"])[:64],
                        quantity=int(line["quantity"]),
                    )
                    for line in seller_lines
                ]
            )
            created.append(shipment)
            events.publish(
                "shipment.created",
                shipment_id=shipment.id,
                order_id=order_id,
                buyer_id=buyer_id,
                seller_id=seller_id,
                eta=eta.isoformat(),
                line_ids=sorted(int(line["line_id"]) for line in seller_lines),
            )
    if created:
        logger.info("logistics.shipments_created", order_id=order_id, shipment_ids=[s.id for s in created])
    return list(Shipment.objects.filter(order_id=order_id))


# --- Cancelling a line --------------------------------------------------------------------------


def remove_line(*, order_line_id: int) -> None:
    """Take a cancelled order line out of its shipment before it ships.

    Raises AlreadyShipped (409 item_shipped) once the shipment has left pending. A shipment whose
    lines are all cancelled becomes ``cancelled``. A line with no shipment yet is remembered, so the
    shipment created later leaves it out. Opens a plain transaction: orders calls it inside its own.
    """
    with transaction.atomic():
        lock_order_lines(order_line_ids=[order_line_id])
        shipment_id = (
            ShipmentLine.objects.filter(order_line_id=order_line_id).values_list("shipment_id", flat=True).first()
        )
        if shipment_id is None:
            RemovedLine.objects.get_or_create(order_line_id=order_line_id)
            return
        shipment = lock_shipment(shipment_id=shipment_id)
        line = ShipmentLine.objects.get(order_line_id=order_line_id)
        if line.cancelled:
            return
        if shipment.status != Status.PENDING:
            raise AlreadyShipped(shipment_id=shipment.id, shipment_status=shipment.status)
        line.cancelled = True
        line.cancelled_at = timezone.now()
        line.save(update_fields=["cancelled", "cancelled_at"])
        if not shipment.lines.filter(cancelled=False).exists():
            shipment.status = Status.CANCELLED
            shipment.save(update_fields=["status", "updated_at"])
            logger.info("logistics.shipment_cancelled", shipment_id=shipment.id, order_id=shipment.order_id)


# --- Shipping -----------------------------------------------------------------------------------


def ship(*, seller, shipment_id: str, carrier: str, tracking_number: str = "") -> Shipment:
    """The seller hands the parcel to ``carrier``: pending → shipped, with a tracking event.

    Only the owning seller (another's shipment is ShipmentNotFound, 404) and only from pending
    (ShipmentNotPending, 409). Publishes "shipment.updated". With the ``simulated`` carrier (tracking
    number generated when blank) the parcel then moves on by itself, one step every
    SIMULATED_CARRIER_STEP_SECONDS, scheduled after commit.
    """
    with transaction.atomic(durable=True):
        shipment = lock_shipment(shipment_id=shipment_id, seller_id=seller.pk)
        if shipment.status != Status.PENDING:
            raise ShipmentNotPending(shipment_status=shipment.status)
        _hand_to_carrier(shipment=shipment, carrier=carrier, tracking_number=tracking_number)
    return shipment


@dataclass(frozen=True)
class Parcel:
    """One shipment of a "Mark selected shipped": which, with whom, under which tracking number."""

    shipment_id: str
    carrier: str
    tracking_number: str = ""


def ship_many(*, seller, parcels: Sequence[Parcel]) -> list[Shipment]:
    """Mark several of the seller's shipments shipped, all or none, like ``ship`` does one.

    Locks every shipment first (by id); another seller's or an unknown one is ShipmentNotFound (404), and
    when any is no longer pending nothing ships: ShipmentNotPending (409) whose ``errors`` name each such
    parcel by its position, ``{"shipments.<i>.id": [...]}``. Returns the shipments in the parcels' order.
    """
    ids = [parcel.shipment_id for parcel in parcels]
    if len(set(ids)) != len(ids):
        raise ValueError("A shipment is listed twice.")
    with transaction.atomic(durable=True):
        locked = {
            shipment_id: lock_shipment(shipment_id=shipment_id, seller_id=seller.pk) for shipment_id in sorted(ids)
        }
        stale = [
            (index, locked[parcel.shipment_id])
            for index, parcel in enumerate(parcels)
            if locked[parcel.shipment_id].status != Status.PENDING
        ]
        if stale:
            errors = {
                f"shipments.{index}.id": [
                    f"Shipment {shipment.id} is {shipment.get_status_display().lower()}, not waiting to be shipped."
                ]
                for index, shipment in stale
            }
            _index, first = stale[0]
            raise ShipmentNotPending(
                " ".join(message for messages in errors.values() for message in messages) + " Nothing was shipped.",
                shipment_id=first.id,
                shipment_status=first.status,
                errors=errors,
            )
        for parcel in parcels:
            _hand_to_carrier(
                shipment=locked[parcel.shipment_id], carrier=parcel.carrier, tracking_number=parcel.tracking_number
            )
    return [locked[shipment_id] for shipment_id in ids]


def _hand_to_carrier(*, shipment: Shipment, carrier: str, tracking_number: str) -> None:
    """The writing core of ``ship``: pending → shipped with its tracking event (caller holds the row lock).

    A blank tracking number with the simulated carrier gets a generated one, and that carrier's steps are
    scheduled after commit; unless it is enabled (``carriers.simulated_enabled``) it is CarrierNotAvailable (400).
    """
    carrier = carrier.strip().lower()
    tracking_number = tracking_number.strip()
    if carrier == SIMULATED_CARRIER and not carriers.simulated_enabled():
        raise CarrierNotAvailable()
    if carrier == SIMULATED_CARRIER and not tracking_number:
        tracking_number = "SIM" + secrets.token_hex(6).upper()
    now = timezone.now()
    shipment.carrier = carrier
    shipment.tracking_number = tracking_number
    shipment.shipped_at = now
    _move(
        shipment=shipment,
        to_status=Status.SHIPPED,
        location="",
        description=f"Handed to {selectors.carrier_name(code=carrier)}.",
        at=now,
    )
    if carrier == SIMULATED_CARRIER:
        from logistics import tasks  # the task module imports this one

        after_commit(
            "logistics.simulated_carrier", functools.partial(tasks.schedule_simulated_steps, shipment_id=shipment.id)
        )


# --- Tracking updates ---------------------------------------------------------------------------


def advance(
    *, shipment_id: str, to_status: str, location: str = "", at: dt.datetime | None = None, description: str = ""
) -> bool:
    """Move a shipped parcel forward to ``to_status`` (in_transit, out_for_delivery or delivered) with a
    tracking event; returns whether it moved.

    Idempotent: reaching the current status again changes nothing (False). Raises
    IllegalShipmentTransition for a status behind the current one, for an unknown status, and for a
    parcel not shipped (pending or cancelled). Reaching delivered publishes "shipment.delivered" once.
    """
    with transaction.atomic():
        shipment = lock_shipment(shipment_id=shipment_id)
        return _advance_locked(
            shipment=shipment, to_status=to_status, location=location, at=at, description=description
        )


def advance_simulated(*, shipment_id: str, to_status: str, at: dt.datetime | None = None) -> bool:
    """One step of the simulated carrier (a Celery task calls it); False when it had nothing to do, or when the
    simulated carrier is not enabled (a step scheduled before it was turned off delivers nothing). ``at`` dates
    its tracking event (default: now)."""
    if not carriers.simulated_enabled():
        logger.warning("logistics.simulated_step_refused", shipment_id=shipment_id, to_status=to_status)
        return False
    location, description = _SIMULATED_STEPS.get(to_status, ("", ""))
    try:
        return advance(shipment_id=shipment_id, to_status=to_status, location=location, at=at, description=description)
    except IllegalShipmentTransition as error:
        # Overtaken by a later step (or cancelled): nothing to do.
        logger.info(
            "logistics.simulated_step_skipped", shipment_id=shipment_id, to_status=to_status, detail=error.message
        )
        return False


def advance_due_simulated(*, now: dt.datetime | None = None) -> int:
    """Catch the simulated carrier up where no worker runs its timed steps (SIMULATED_CARRIER_CATCH_UP): each
    parcel on its way takes every step that fell due, one per SIMULATED_CARRIER_STEP_SECONDS since it shipped,
    its tracking event dated when it was due. Returns how many steps were taken."""
    now = now or timezone.now()
    step = dt.timedelta(seconds=settings.SIMULATED_CARRIER_STEP_SECONDS)
    on_the_way = Shipment.objects.filter(
        carrier=SIMULATED_CARRIER,
        status__in=[Status.SHIPPED, Status.IN_TRANSIT, Status.OUT_FOR_DELIVERY],
        shipped_at__lte=now - step,
    ).values_list("id", "shipped_at", "status")
    taken = 0
    for shipment_id, shipped_at, status in on_the_way:
        for number, to_status in enumerate(TRACKING_STATUSES, start=1):
            due = shipped_at + step * number
            if due > now:
                break
            if _RANK[to_status] > _RANK[status]:
                taken += advance_simulated(shipment_id=shipment_id, to_status=to_status, at=due)
    return taken


def _advance_locked(*, shipment: Shipment, to_status: str, location: str, at, description: str) -> bool:
    """The writing core of ``advance``: the caller holds the shipment's row lock."""
    if to_status not in TRACKING_STATUSES:
        raise IllegalShipmentTransition(f"Unknown tracking status {to_status!r}.", shipment_status=shipment.status)
    if shipment.status in (Status.PENDING, Status.CANCELLED):
        raise IllegalShipmentTransition("The shipment has not been shipped.", shipment_status=shipment.status)
    if _RANK[to_status] == _RANK[shipment.status]:
        return False
    if _RANK[to_status] < _RANK[shipment.status]:
        raise IllegalShipmentTransition(
            f"The shipment is already {shipment.get_status_display().lower()}; it cannot go back to {to_status}.",
            shipment_status=shipment.status,
        )
    at = at or timezone.now()
    if to_status == Status.DELIVERED:
        shipment.delivered_at = at
    _move(shipment=shipment, to_status=to_status, location=location, description=description, at=at)
    return True


def _move(*, shipment: Shipment, to_status: str, location: str, description: str, at: dt.datetime) -> None:
    """Save the new status with its tracking event and publish it (caller holds the row lock)."""
    shipment.status = to_status
    shipment.save()
    TrackingEvent.objects.create(
        shipment=shipment, status=to_status, location=location[:200], description=description[:300], at=at
    )
    line_ids = list(shipment.lines.filter(cancelled=False).values_list("order_line_id", flat=True))
    common = {
        "shipment_id": shipment.id,
        "order_id": shipment.order_id,
        "buyer_id": shipment.buyer_id,
        "seller_id": shipment.seller_id,
        "line_ids": line_ids,
        "carrier": shipment.carrier,
        "tracking_number": shipment.tracking_number,
        "eta": shipment.eta.isoformat(),
    }
    events.publish("shipment.updated", status=str(to_status), **common)
    if to_status == Status.DELIVERED:
        events.publish("shipment.delivered", delivered_at=at.isoformat(), **common)


# --- Carrier webhooks ---------------------------------------------------------------------------


def handle_carrier_webhook(*, carrier: str, body: bytes, headers: Mapping[str, str]) -> bool:
    """Verify a carrier's signed tracking update and apply it once; returns whether the parcel moved.

    Raises InvalidCarrierWebhook (nothing changes) for a bad, stale or already used signature, or an
    unreadable body. Another delivery of an event already received, an update for an unknown parcel
    and one behind the parcel's current status are accepted and change nothing.
    """
    update = carriers.verify_webhook(body=body, headers=headers)
    with transaction.atomic(durable=True):
        duplicate = webhooks.record_delivery(
            receipts=CarrierWebhookReceipt,
            sender_field="carrier",
            sender=carrier,
            event_id=update.event_id,
            signature=update.signature,
            replayed=InvalidCarrierWebhook,
        )
        if duplicate:
            logger.info("logistics.webhook_duplicate", carrier=carrier, event_id=update.event_id)
            return False
        shipment = lock_shipment_by_tracking(carrier=carrier, tracking_number=update.tracking_number)
        if shipment is None:
            logger.warning("logistics.webhook_unknown_parcel", carrier=carrier, event_id=update.event_id)
            return False
        try:
            return _advance_locked(
                shipment=shipment,
                to_status=update.status,
                location=update.location,
                at=update.at,
                description=update.description,
            )
        except IllegalShipmentTransition as error:
            logger.info(
                "logistics.webhook_ignored", shipment_id=shipment.id, event_id=update.event_id, detail=error.message
            )
            return False
