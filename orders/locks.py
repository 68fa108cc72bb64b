"""Row locks of the orders app, in one place and one order: the order row first (the entry lock of
every change to an existing order), then its lines (by id), then a return request, then refund claims.
Across apps (docs/ARCHITECTURE.md, "Lock order"): the cart before the order (checkout); the shipment
(logistics) and the stock rows (inventory, by variant id) after these; payments lock their own rows
outside our transactions, last.
"""

from __future__ import annotations

from orders.errors import OrderNotFound, ReturnNotFound
from orders.models import Order, OrderRefund, ReturnRequest


def lock_order(*, order_id: str, buyer=None) -> Order:
    """The order, locked FOR UPDATE; with ``buyer``, anyone else's is an OrderNotFound."""
    if not isinstance(order_id, str):
        raise OrderNotFound()
    orders = Order.objects.select_for_update().filter(pk=order_id)
    if buyer is not None:
        orders = orders.filter(buyer=buyer)
    order = orders.first()
    if order is None:
        raise OrderNotFound()
    return order


def lock_order_if_any(*, order_id: str) -> Order | None:
    """The order, locked FOR UPDATE; None when there is no such order (events may name one we lost)."""
    return Order.objects.select_for_update().filter(pk=order_id).first()


def lock_order_lines(*, order: Order) -> list:
    """Every line of the locked order, locked too (ordered by pk)."""
    return list(order.lines.select_for_update().order_by("id"))


def lock_return(*, order: Order, return_id: str) -> ReturnRequest:
    """A return request of the locked order, locked FOR UPDATE."""
    ret = ReturnRequest.objects.select_for_update().filter(pk=return_id, order=order).first()
    if ret is None:
        raise ReturnNotFound()
    return ret


def lock_refund(*, refund_id: str) -> OrderRefund | None:
    """A refund claim, locked FOR UPDATE (after its order's row); None when there is none."""
    return OrderRefund.objects.select_for_update().filter(pk=refund_id).first()
