"""Returns: the buyer asks to send delivered units back; the line's seller approves (a return code for
the parcel) or rejects, then receives the parcel: resellable units go back on sale and the buyer is
refunded the units' price and tax share.

Locks: the order row, then its lines, then the return request; stock rows after them (inventory).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from inventory import services as inventory_services
from orders import selectors
from orders.errors import (
    ItemNotDelivered,
    ItemNotInOrder,
    ReturnNotFound,
    ReturnQuantityExceeded,
    ReturnWindowClosed,
)
from orders.locks import lock_order, lock_order_lines, lock_return
from orders.models import Order, OrderEvent, OrderLine, OrderRefund, ReturnRequest, new_return_code
from orders.services.history import record
from orders.services.lifecycle import apply_derived_status, tax_share
from orders.services.refunds import claim_refund, pay_refund
from sellers import selectors as seller_selectors
from shop.events import publish
from shop.money import to_str

LineStatus = OrderLine.Status
ReturnStatus = ReturnRequest.Status
Kind = OrderEvent.Kind


@dataclass(frozen=True)
class ReceiveResult:
    return_request: ReturnRequest
    refund: OrderRefund | None


def request_return(*, user, order_id: str, product_id: int, quantity: int, reason: str) -> ReturnRequest:
    """Ask to return ``quantity`` delivered units of a product of the buyer's order.

    Raises OrderNotFound (anyone else's order), ItemNotInOrder, ItemNotDelivered, ReturnWindowClosed
    (past the seller's return window after delivery, naming it; a window of 0 takes no returns) and
    ReturnQuantityExceeded (more than delivered minus what open or received requests already cover).
    """
    with transaction.atomic(durable=True):
        order = lock_order(order_id=order_id, buyer=user)
        lines = [line for line in lock_order_lines(order=order) if line.product_id == product_id]
        if not lines:
            raise ItemNotInOrder()
        delivered = [line for line in lines if line.status in selectors.RETURNABLE_LINE_STATUSES]
        if not delivered:
            raise ItemNotDelivered()
        prefetch_related_objects(delivered, "seller")  # each line's return window is its seller's
        now = timezone.now()
        in_window = [line for line in delivered if selectors.return_window_open(line=line, now=now)]
        if not in_window:
            last = max(delivered, key=lambda line: selectors.return_deadline(line=line))
            raise ReturnWindowClosed(
                _window_closed_message(last), closed_at=selectors.return_deadline(line=last).isoformat()
            )
        requests = list(ReturnRequest.objects.filter(line__in=in_window).only("line_id", "quantity", "status"))
        returnable = {line.pk: selectors.units_returnable(line=line, requests=requests) for line in in_window}
        line = next((line for line in in_window if returnable[line.pk] >= quantity), None)
        if line is None or quantity < 1:
            raise ReturnQuantityExceeded(returnable=max(returnable.values()), requested=quantity)
        ret = ReturnRequest.objects.create(
            order=order, line=line, buyer=user, seller_id=line.seller_id, quantity=quantity, reason=reason[:500]
        )
        _record(order, Kind.RETURN_REQUESTED, ret, actor=user, quantity=quantity, reason=reason[:500])
        _publish("return.requested", ret)
    return ret


def _window_closed_message(line: OrderLine) -> str:
    """Why the line can no longer be returned, naming its seller's window and the day it was delivered."""
    seller = line.seller
    if not seller.return_window:
        return f"{seller.store_name} does not accept returns."
    delivered, days = timezone.localtime(line.delivered_at), seller.return_window
    return (
        f"Returns to {seller.store_name} are accepted within {days} day{'s' if days != 1 else ''} of delivery; "
        f"this item was delivered on {delivered.day} {delivered:%b}."
    )


def approve_return(*, user, return_id: str) -> ReturnRequest:
    """The line's seller accepts the return: a return code for the parcel. Raises NotASeller (403),
    ReturnNotFound (404, also for another seller's return), IllegalTransition (not requested)."""
    with transaction.atomic(durable=True):
        order, ret, _ = _lock_seller_return(user=user, return_id=return_id)
        ret.transition(ReturnStatus.APPROVED)
        ret.return_code = new_return_code()
        ret.save(update_fields=["status", "decided_at", "return_code"])
        _record(order, Kind.RETURN_APPROVED, ret, actor=user, return_code=ret.return_code)
        _publish("return.approved", ret, return_code=ret.return_code)
    return ret


def reject_return(*, user, return_id: str, reason: str) -> ReturnRequest:
    """The line's seller refuses the return, saying why (the units become returnable again)."""
    with transaction.atomic(durable=True):
        order, ret, _ = _lock_seller_return(user=user, return_id=return_id)
        ret.transition(ReturnStatus.REJECTED)
        ret.rejection_reason = reason[:500]
        ret.save(update_fields=["status", "decided_at", "rejection_reason"])
        _record(order, Kind.RETURN_REJECTED, ret, actor=user, reason=ret.rejection_reason)
        _publish("return.rejected", ret, return_code=ret.return_code, reason=ret.rejection_reason)
    return ret


def receive_return(*, user, return_id: str, resellable: bool) -> ReceiveResult:
    """The line's seller received the approved parcel: resellable units go back on sale, and the units'
    price with their tax share is refunded (paid after commit). IllegalTransition unless approved."""
    with transaction.atomic(durable=True):
        order, ret, lines = _lock_seller_return(user=user, return_id=return_id, with_lines=True)
        line = next(line for line in lines if line.pk == ret.line_id)
        ret.transition(ReturnStatus.RECEIVED)
        ret.resellable = bool(resellable)
        if resellable:
            inventory_services.return_to_stock(
                variant_id=line.variant_id, quantity=ret.quantity, reference=ret.id, actor=user
            )
        goods = line.unit_price * ret.quantity
        claim = claim_refund(
            order=order, goods=goods, tax=tax_share(order, goods), reason="return", line=line, return_request=ret
        )
        ret.refund_amount = claim.amount if claim else Decimal("0.00")
        ret.save(update_fields=["status", "received_at", "resellable", "refund_amount"])
        line.returned_quantity += ret.quantity
        fields = ["returned_quantity"]
        if line.returned_quantity >= line.quantity:
            line.transition(LineStatus.RETURNED)
            fields.append("status")
        line.save(update_fields=fields)
        _record(order, Kind.RETURN_RECEIVED, ret, actor=user, resellable=ret.resellable)
        _publish(
            "return.received",
            ret,
            product_id=line.product_id,
            quantity=ret.quantity,
            refund_amount=to_str(ret.refund_amount),
        )
        apply_derived_status(order, lines, actor=user)
    refund = pay_refund(order_refund_id=claim.id) if claim else None
    ret.refresh_from_db()
    return ReceiveResult(return_request=ret, refund=refund)


def _lock_seller_return(
    *, user, return_id: str, with_lines: bool = False
) -> tuple[Order, ReturnRequest, list[OrderLine]]:
    """The seller's return request with its order (and the order's lines when ``with_lines``, else no
    lines), locked in the orders' lock order: order, lines, return. Another seller's is a ReturnNotFound."""
    seller = seller_selectors.seller_of(user=user)
    if not isinstance(return_id, str):
        raise ReturnNotFound()
    order_id = ReturnRequest.objects.filter(pk=return_id, seller=seller).values_list("order_id", flat=True).first()
    if order_id is None:
        raise ReturnNotFound()
    order = lock_order(order_id=order_id)
    lines = lock_order_lines(order=order) if with_lines else []
    return order, lock_return(order=order, return_id=return_id), lines


def _record(order: Order, kind: str, ret: ReturnRequest, *, actor, **data) -> None:
    record(order, kind, actor=actor, data={"return_id": ret.id, "line_id": ret.line_id, "status": ret.status, **data})


def _publish(name: str, ret: ReturnRequest, **extra) -> None:
    publish(
        name,
        return_id=ret.id,
        order_id=ret.order_id,
        buyer_id=ret.buyer_id,
        seller_id=ret.seller_id,
        **extra,
    )
