"""What staff do to an order from the back office: cancel it (whole, or one line), refund any amount up to
what is left, and retry a refund the gateway refused. Each writes the order's history with the staff member
as actor and their reason, under the order's lock; money goes back after commit, like the buyer's cancel.

Locks: the order row, then its lines (orders.locks), then a refund claim; inventory and logistics lock theirs
after these, as in lifecycle.cancel_item.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from orders import selectors
from orders.errors import (
    IllegalTransition,
    InvalidRefundAmount,
    ItemNotCancellable,
    ItemNotInOrder,
    ItemShipped,
    OrderNotRefundable,
    ReasonRequired,
    RefundExceedsRemaining,
    RefundNotFound,
    RefundNotRetryable,
)
from orders.locks import lock_order, lock_order_lines, lock_refund
from orders.models import Order, OrderEvent, OrderLine, OrderRefund
from orders.services.history import record
from orders.services.lifecycle import CancelResult, cancel_lines, tax_share
from orders.services.refunds import claim_refund, pay_refund, refunded_breakdown
from shop.money import quantize, to_str

Kind = OrderEvent.Kind
LineStatus = OrderLine.Status
RefundStatus = OrderRefund.Status
ZERO = Decimal("0.00")
# OrderRefund.reason of a refund staff granted: on a line, or a goodwill amount the platform pays (no line).
STAFF_REFUND = "staff"
GOODWILL_REFUND = "goodwill"


# --- Cancel ----------------------------------------------------------------------------------------


def staff_cancel(*, actor, order_id: str, reason: str, line_id: int | None = None) -> CancelResult:
    """Cancel one line (``line_id``) or every not-yet-shipped line of an order for staff, with a reason: unpaid,
    the holds are released and the order re-totalled; paid, the units go back on sale and each line's share (with
    tax, and shipping once nothing is left) is claimed and paid back after commit, as for the buyer's cancel.

    Raises ReasonRequired, OrderNotFound, ItemNotInOrder (no such line), ItemShipped (a return is the way),
    ItemNotCancellable (closed order), IllegalTransition (line already cancelled) and PaymentInProgress.
    """
    reason = _required(reason)
    order, cancelled, claims, settled = _cancel(actor=actor, order_id=order_id, line_id=line_id, reason=reason)
    for claim in settled:  # a payment that could not pay the order (overdue) goes back whole
        pay_refund(order_refund_id=claim.id)
    refunds = [pay_refund(order_refund_id=claim.id) or claim for claim in claims]
    return CancelResult(order=order, cancelled=cancelled, refunds=refunds)


def _cancel(*, actor, order_id: str, line_id: int | None, reason: str):
    with transaction.atomic(durable=True):
        order = lock_order(order_id=order_id)
        lines = lock_order_lines(order=order)
        targets = _cancel_targets(order, lines, line_id=line_id)
        claims, settled = cancel_lines(
            order=order, lines=lines, targets=targets, actor=actor, reason=reason, history={"by_staff": True}
        )
    return order, [line.pk for line in targets], claims, settled


def _cancel_targets(order: Order, lines: list[OrderLine], *, line_id: int | None) -> list[OrderLine]:
    """The open lines to cancel: the one asked for, or all of them; raises when there is none."""
    chosen = lines if line_id is None else [line for line in lines if line.pk == line_id]
    if not chosen:
        raise ItemNotInOrder("This order has no such line.")
    if order.status in selectors.CLOSED_ORDER_STATUSES:
        raise ItemNotCancellable(order_id=order.id, order_status=order.status)
    targets = [line for line in chosen if line.status == LineStatus.OPEN]
    if not targets:
        moved = next((line for line in chosen if line.status != LineStatus.CANCELLED), None)
        if moved is not None:
            raise ItemShipped(order_id=order.id, product_id=moved.product_id)
        raise IllegalTransition(kind="line", from_status=LineStatus.CANCELLED, to_status=LineStatus.CANCELLED)
    return targets


# --- Refund any amount -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefundSplit:
    goods: Decimal
    tax: Decimal


def refundable_amount(*, order: Order) -> Decimal:
    """What the order still has to refund: its total less every claim so far (0 when never paid)."""
    if not order.payment_id:
        return ZERO
    return max(order.total - order.refunded_amount, ZERO)


def line_goods_left(*, line: OrderLine) -> Decimal:
    """The goods of a line not yet claimed back (claims of every outcome count, as Order.refunded_amount does)."""
    claimed = OrderRefund.objects.filter(line=line).aggregate(goods=Sum("goods_amount", default=ZERO))["goods"]
    return max(line.line_total - claimed, ZERO)


def split_line_refund(*, order: Order, amount: Decimal, goods_left: Decimal, tax_left: Decimal) -> RefundSplit:
    """Split ``amount`` refunded on a line into goods and their tax share (``tax_share``) adding up to it exactly;
    raises RefundExceedsRemaining when the goods would be more than the line has left."""
    amount = quantize(amount)
    if order.subtotal and order.tax:
        goods = quantize(amount * order.subtotal / (order.subtotal + order.tax))
        # Rounding may leave goods + tax_share(goods) a cent off: the nearest goods that adds up wins.
        goods = min((goods + d for d in (Decimal("-0.01"), ZERO, Decimal("0.01"))),
                    key=lambda g: abs(g + tax_share(order, g) - amount))  # fmt: skip
        goods = min(max(goods, ZERO), amount)
    else:
        goods = amount
    tax = min(amount - goods, max(tax_left, ZERO))
    goods = amount - tax
    if goods > goods_left:
        most = goods_left + min(tax_share(order, goods_left), max(tax_left, ZERO))
        raise RefundExceedsRemaining(
            f"This line has at most {to_str(most)} left to refund; {to_str(amount)} was asked.",
            remaining=most,
            requested=amount,
        )
    return RefundSplit(goods=goods, tax=tax)


def staff_refund(*, actor, order_id: str, amount: Decimal, reason: str, line_id: int | None = None) -> OrderRefund:
    """Refund ``amount`` of a paid order for staff, with a reason, paid after commit. On a line it is that line's
    goods plus their tax share (never more goods than the line has left); without a line it is a goodwill refund
    (goods the platform pays). Returns the claim as it ends up (succeeded, failed, or pending for the sweep).

    Raises ReasonRequired, InvalidRefundAmount (not positive), OrderNotFound, ItemNotInOrder (no such line),
    OrderNotRefundable (never paid) and RefundExceedsRemaining (more than the order or the line has left); nothing
    is changed then.
    """
    reason = _required(reason)
    amount = quantize(amount)
    if amount <= 0:
        raise InvalidRefundAmount()
    with transaction.atomic(durable=True):
        order = lock_order(order_id=order_id)
        line = None
        if line_id is not None:
            line = next((row for row in lock_order_lines(order=order) if row.pk == line_id), None)
            if line is None:
                raise ItemNotInOrder("This order has no such line.")
        if not order.payment_id:
            raise OrderNotRefundable()
        remaining = refundable_amount(order=order)
        if amount > remaining:
            raise RefundExceedsRemaining(remaining=remaining, requested=amount)
        if line is None:
            split, code = RefundSplit(goods=amount, tax=ZERO), GOODWILL_REFUND
        else:
            _, tax_refunded, _ = refunded_breakdown(order=order)
            split = split_line_refund(
                order=order, amount=amount, goods_left=line_goods_left(line=line), tax_left=order.tax - tax_refunded
            )
            code = STAFF_REFUND
        claim = claim_refund(
            order=order, goods=split.goods, tax=split.tax, reason=code, line=line, actor=actor, note=reason
        )
        if claim is None or claim.amount != amount:  # the checks above under the same lock make this impossible
            raise RefundExceedsRemaining(remaining=remaining, requested=amount)
    return pay_refund(order_refund_id=claim.id) or claim


# --- Retry a refused refund ---------------------------------------------------------------------------


def retry_refund(*, actor, order_refund_id: str, reason: str = "") -> OrderRefund:
    """Pay again a refund the gateway refused, once: a new claim for the same amount and breakdown takes over the
    failed one's reservation (Order.refunded_amount is unchanged: a failed claim keeps its amount reserved) and its
    breakdown (the failed claim's goods, tax and shipping go to 0, so refunded_breakdown counts them once); the
    history names the failed claim. Paid after commit; returns the new claim as it ends up.

    Raises RefundNotFound, and RefundNotRetryable when the claim is not failed or was retried already. The failed
    claim's own payments refund was refused, so paying the new one can never pay the money twice.
    """
    note = reason.strip()[:500]
    with transaction.atomic(durable=True):
        order_id = OrderRefund.objects.filter(pk=order_refund_id).values_list("order_id", flat=True).first()
        if order_id is None:
            raise RefundNotFound()
        order = lock_order(order_id=order_id)
        failed = lock_refund(refund_id=order_refund_id)
        if failed.status != RefundStatus.FAILED:
            raise RefundNotRetryable(f"This refund is {failed.status}: only a failed one can be retried.")
        if OrderEvent.objects.filter(order=order, kind=Kind.REFUND_REQUESTED, data__retry_of=failed.id).exists():
            raise RefundNotRetryable("This refund was retried already: see the order's history.")
        claim = OrderRefund.objects.create(
            order=order, line_id=failed.line_id, return_request_id=failed.return_request_id,
            payment_id=failed.payment_id, amount=failed.amount, goods_amount=failed.goods_amount,
            tax_amount=failed.tax_amount, shipping_amount=failed.shipping_amount, reason=failed.reason,
        )  # fmt: skip
        OrderRefund.objects.filter(pk=failed.pk).update(goods_amount=0, tax_amount=0, shipping_amount=0)
        record(
            order, Kind.REFUND_REQUESTED, actor=actor,
            data={
                "order_refund_id": claim.id, "amount": to_str(claim.amount), "goods": to_str(claim.goods_amount),
                "tax": to_str(claim.tax_amount), "shipping": to_str(claim.shipping_amount), "reason": claim.reason,
                "retry_of": failed.id, "note": note, "by_staff": True,
            },
        )  # fmt: skip
    return pay_refund(order_refund_id=claim.id) or claim


# --- Shared --------------------------------------------------------------------------------------------


def _required(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    return reason[:500]
