"""After payment: lines shipped and delivered (told by logistics' events), items cancelled by the buyer.

The order's status is derived from its lines (``apply_derived_status``) whenever one of them moves.
Locks: the order row, then its lines; stock rows after them (inventory), the shipment's row inside
logistics.services.remove_line. Refunds are claimed under the order's lock and paid after commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from inventory import services as inventory_services
from logistics import errors as logistics_errors
from logistics import services as logistics_services
from orders import selectors
from orders.errors import IllegalTransition, ItemNotCancellable, ItemNotInOrder, ItemShipped
from orders.locks import lock_order, lock_order_if_any, lock_order_lines
from orders.models import Order, OrderEvent, OrderLine, OrderRefund
from orders.selectors import order_totals
from orders.services.history import record
from orders.services.purchase import settle_captured_payments
from orders.services.refunds import claim_refund, pay_refund, refunded_breakdown
from shop.events import publish
from shop.money import quantize, to_str

Status = Order.Status
LineStatus = OrderLine.Status
Kind = OrderEvent.Kind

UNPAID_STATUSES = {Status.PENDING_PAYMENT}


@dataclass(frozen=True)
class CancelResult:
    """What a cancel did: the order after it, the lines cancelled, and the refund (None when unpaid)."""

    order: Order
    cancelled: list[int]
    refunds: list[OrderRefund]

    @property
    def refund_amount(self) -> Decimal | None:
        if not self.refunds:
            return None
        return sum((refund.amount for refund in self.refunds), Decimal(0))

    @property
    def refund_status(self) -> str | None:
        if not self.refunds:
            return None
        statuses = {refund.status for refund in self.refunds}
        for status in (OrderRefund.Status.FAILED, OrderRefund.Status.PENDING):
            if status in statuses:
                return status
        return OrderRefund.Status.SUCCEEDED


# --- The order's status, from its lines ---------------------------------------------------------


def derived_status(order: Order, lines: Iterable[OrderLine]) -> str:
    """What the order's status should be given its lines (unpaid and closed orders keep theirs,
    except that an unpaid order whose every line is cancelled is cancelled)."""
    lines = list(lines)
    active = [line for line in lines if line.status != LineStatus.CANCELLED]
    if order.status in (Status.EXPIRED, Status.CANCELLED):
        return order.status
    if not active:
        return Status.CANCELLED
    if order.status == Status.PENDING_PAYMENT:
        return order.status
    moved = [line for line in active if line.status != LineStatus.OPEN]
    if len(moved) < len(active):
        return Status.PARTIALLY_SHIPPED if moved else Status.PAID
    if all(line.status in (LineStatus.DELIVERED, LineStatus.RETURNED) for line in active):
        return Status.DELIVERED
    return Status.SHIPPED


def apply_derived_status(order: Order, lines: Iterable[OrderLine], *, actor=None, data: Mapping | None = None) -> bool:
    """Move the order to the status its lines say (IllegalTransition if the lifecycle forbids it),
    writing its history and announcing a cancellation. The caller holds the order's lock."""
    before = order.status
    if not order.transition(derived_status(order, lines)):
        return False
    fields = ["status"]
    if order.status == Status.CANCELLED:
        order.closed_at = timezone.now()
        fields.append("closed_at")
    order.save(update_fields=fields)
    kind = Kind.CANCELLED if order.status == Status.CANCELLED else Kind.STATUS_CHANGED
    record(order, kind, from_status=before, actor=actor, data=data)
    if order.status == Status.CANCELLED:
        publish("order.cancelled", order_id=order.id, buyer_id=order.buyer_id)
    return True


# --- Shipping and delivery (logistics' events) --------------------------------------------------


def mark_lines_shipped(*, order_id: str, line_ids: Iterable[int], shipment_id: str = "", event_id: str = "") -> int:
    """Lines whose parcel has left become shipped (lines already shipped or further are left as they
    are, so a repeated or late event changes nothing); returns how many moved."""
    return _move_lines(
        order_id=order_id, line_ids=line_ids, to=LineStatus.SHIPPED, kind=Kind.LINES_SHIPPED,
        data={"shipment_id": shipment_id, "event_id": event_id},
    )  # fmt: skip


def mark_lines_delivered(
    *,
    order_id: str,
    line_ids: Iterable[int],
    shipment_id: str = "",
    delivered_at: str | None = None,
    event_id: str = "",
) -> int:
    """Lines whose parcel arrived become delivered, stamped with the delivery time (the return window
    counts from it), and "order.lines_delivered" names them; a repeated event changes nothing. Returns how
    many moved."""
    at = _parse_time(delivered_at)
    return _move_lines(
        order_id=order_id, line_ids=line_ids, to=LineStatus.DELIVERED, kind=Kind.LINES_DELIVERED, at=at,
        data={"shipment_id": shipment_id, "event_id": event_id},
    )  # fmt: skip


def _move_lines(
    *, order_id: str, line_ids: Iterable[int], to: str, kind: str, data: dict, at: datetime | None = None
) -> int:
    wanted = {int(line_id) for line_id in line_ids}
    with transaction.atomic(durable=True):
        order = lock_order_if_any(order_id=order_id)
        if order is None or order.status in (Status.PENDING_PAYMENT, Status.EXPIRED):
            return 0
        lines = lock_order_lines(order=order)
        moved = []
        for line in lines:
            if line.pk not in wanted or to not in OrderLine.TRANSITIONS[line.status]:
                continue  # already there or further, or cancelled: nothing to do
            line.transition(to)
            if at is not None and to == LineStatus.DELIVERED:
                line.delivered_at = at
            line.save(update_fields=["status", "shipped_at", "delivered_at"])
            moved.append(line.pk)
        if moved:
            record(order, kind, data={**data, "line_ids": moved})
            apply_derived_status(order, lines)
            if to == LineStatus.DELIVERED:
                publish(
                    "order.lines_delivered",
                    order_id=order.id,
                    buyer_id=order.buyer_id,
                    line_ids=moved,
                    product_ids=sorted({line.product_id for line in lines if line.pk in moved}),
                )
        return len(moved)


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = parse_datetime(str(value))
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


# --- Cancelling an item -------------------------------------------------------------------------


def cancel_item(
    *, user, order_id: str, product_id: int, reason: str, refund_instructions: Mapping[str, Any] | None = None
) -> CancelResult:
    """Cancel the buyer's not-yet-shipped lines of a product: unpaid, its hold is released; paid, its
    units go back on sale and its share (with tax, and shipping once nothing is left to ship) is refunded.

    Raises OrderNotFound (anyone else's order), ItemNotInOrder, ItemShipped (409 item_shipped: a return
    is the way then), ItemNotCancellable / IllegalTransition (closed order, line already cancelled), and
    PaymentInProgress (409) while a payment of the unpaid order is under way: its total must not change
    then. A payment captured but not yet applied is applied first, so the item is then refunded.
    """
    order, cancelled, claims, settled = _cancel(
        user=user, order_id=order_id, product_id=product_id, reason=reason,
        refund_instructions=dict(refund_instructions or {}),
    )  # fmt: skip
    for claim in settled:  # a payment that could not pay the order (overdue) goes back whole
        pay_refund(order_refund_id=claim.id)
    refunds = [pay_refund(order_refund_id=claim.id) or claim for claim in claims]
    return CancelResult(order=order, cancelled=cancelled, refunds=refunds)


def _cancel(*, user, order_id: str, product_id: int, reason: str, refund_instructions: dict):
    with transaction.atomic(durable=True):
        order = lock_order(order_id=order_id, buyer=user)
        lines = lock_order_lines(order=order)
        of_product = [line for line in lines if line.product_id == product_id]
        if not of_product:
            raise ItemNotInOrder()
        if order.status in selectors.CLOSED_ORDER_STATUSES:
            raise ItemNotCancellable(order_id=order.id, order_status=order.status)
        targets = [line for line in of_product if line.status == LineStatus.OPEN]
        if not targets and any(line.status != LineStatus.CANCELLED for line in of_product):
            raise ItemShipped(order_id=order.id, product_id=product_id)
        if not targets:
            raise IllegalTransition(kind="line", from_status=LineStatus.CANCELLED, to_status=LineStatus.CANCELLED)
        claims, settled = cancel_lines(
            order=order, lines=lines, targets=targets, actor=user, reason=reason,
            history={"refund_instructions": refund_instructions},
        )  # fmt: skip
    return order, [line.pk for line in targets], claims, settled


def cancel_lines(
    *, order: Order, lines: list[OrderLine], targets: list[OrderLine], actor, reason: str, history: dict
) -> tuple[list, list]:
    """Cancel ``targets`` (open lines of the locked ``order``, whose locked ``lines`` they are among), for the
    buyer or for staff (``actor``); ``history`` adds to the history row. Unpaid: the holds are released and the
    order re-totalled; paid: the units go back on sale and each line's share (with tax, and shipping once
    nothing is left) is claimed. Returns (claims, settled captured payments to refund whole), both to pay after
    commit. Raises ItemShipped when a parcel left meanwhile, PaymentInProgress while a payment is under way."""
    # Settled first: a captured payment pays the order (the item is then refunded like any paid
    # one), and a payment under way refuses the cancel rather than let its total change.
    settled = settle_captured_payments(order, actor=actor) if order.status in UNPAID_STATUSES else []
    paid = order.status not in UNPAID_STATUSES
    for line in targets:
        if paid:
            try:
                logistics_services.remove_line(order_line_id=line.pk)
            except logistics_errors.AlreadyShipped:
                raise ItemShipped(order_id=order.id, product_id=line.product_id) from None
        line.transition(LineStatus.CANCELLED)
        line.save(update_fields=["status", "cancelled_at"])
    claims = []
    if paid:
        for line in targets:
            inventory_services.return_to_stock(
                variant_id=line.variant_id, quantity=line.quantity, reference=order.id, actor=actor
            )
        nothing_left = all(line.status == LineStatus.CANCELLED for line in lines)
        for line in targets:
            goods, tax, shipping = _cancel_share(order, line, everything=nothing_left)
            claim = claim_refund(order=order, goods=goods, tax=tax, shipping=shipping, reason="cancel", line=line)
            if claim is not None:
                claims.append(claim)
    else:
        inventory_services.release_holds(
            reference=order.id, variant_ids=[line.variant_id for line in targets], actor=actor
        )
        _reprice_unpaid(order, lines)
    by_line = {claim.line_id: claim for claim in claims}
    record(
        order, Kind.ITEM_CANCELLED, actor=actor,
        data={
            "line_ids": [line.pk for line in targets], "reason": reason[:500], **history,
            "refund": to_str(sum((c.amount for c in claims), Decimal(0))) if claims else None,
        },
    )  # fmt: skip
    for line in targets:
        claim = by_line.get(line.pk)
        publish(
            "order.item_cancelled",
            order_id=order.id,
            buyer_id=order.buyer_id,
            line_id=line.pk,
            seller_id=line.seller_id,
            product_id=line.product_id,
            quantity=line.quantity,
            paid=paid,
            refund_amount=to_str(claim.amount) if claim else None,
        )
    apply_derived_status(order, lines, actor=actor, data={"reason": reason[:500], **history})
    return claims, settled


def _cancel_share(order: Order, line: OrderLine, *, everything: bool) -> tuple[Decimal, Decimal, Decimal]:
    """What cancelling a paid line gives back, as (goods, tax, shipping): its total and its share of the tax;
    once every line is cancelled, its total with the rest of the order's tax (any rounding cent) and shipping
    that the order's refunds have not given back yet."""
    if everything:
        _, tax_refunded, shipping_refunded = refunded_breakdown(order=order)
        # Tax shares rounded up may have given back a cent more than the tax: nothing is negative, and the cap
        # of claim_refund takes such a cent off the rest, so the order is refunded exactly its total.
        zero = Decimal("0.00")
        return line.line_total, max(order.tax - tax_refunded, zero), max(order.shipping - shipping_refunded, zero)
    return line.line_total, tax_share(order, line.line_total), Decimal(0)


def tax_share(order: Order, goods: Decimal) -> Decimal:
    """The part of the order's tax charged on ``goods`` (a part of its subtotal), to the cent."""
    if not order.subtotal:
        return Decimal("0.00")
    return quantize(order.tax * goods / order.subtotal)


def _reprice_unpaid(order: Order, lines: list[OrderLine]) -> None:
    """An unpaid order without some lines costs less: what is left to pay is re-totalled."""
    open_lines = [line for line in lines if line.status != LineStatus.CANCELLED]
    if not open_lines:
        return
    totals = order_totals(subtotal=sum((line.line_total for line in open_lines), Decimal(0)), shipping=order.shipping)
    order.subtotal, order.tax, order.total = totals.subtotal, totals.tax, totals.total
    order.save(update_fields=["subtotal", "tax", "total"])
