"""Paying money back for cancelled and returned items, in two steps that are each safe to repeat.

1. ``claim_refund`` runs inside the use case's transaction, under the order's lock: it adds the amount
   to ``Order.refunded_amount`` (a CHECK keeps it within the order's total, so concurrent cancels and
   returns can never claim more than was paid) and writes a pending OrderRefund, with the goods, tax and
   shipping its amount gives back (what the ledger books from "refund.succeeded").
2. ``pay_refund`` runs after that commit, outside any transaction: it asks payments.services.refund for
   the money (which keeps its own ceiling under the payment's lock) and records the answer. A claim left
   pending by a crash is paid by the sweep ``pay_pending_refunds``; the payments refund carries the
   claim's id as its reason, so a claim whose money already went out is never paid twice.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q, Sum, prefetch_related_objects
from django.utils import timezone
import structlog

from orders.locks import lock_order, lock_refund
from orders.models import Order, OrderEvent, OrderLine, OrderRefund, ReturnRequest
from orders.services.history import record
from payments import errors as payment_errors
from payments import selectors as payment_selectors
from payments import services as payment_services
from shop.errors import DomainError
from shop.events import publish
from shop.money import quantize, to_str

logger = structlog.get_logger(__name__)

RefundStatus = OrderRefund.Status
# The reason of a claim refunding a whole payment that never paid its order.
UNAPPLIED_PAYMENT = "late_payment"
# A claim being paid is left alone this long before the sweep may try it again.
ATTEMPT_LEASE = timedelta(minutes=5)


def claim_refund(
    *,
    order: Order,
    goods: Decimal,
    tax: Decimal = Decimal(0),
    shipping: Decimal = Decimal(0),
    reason: str,
    line: OrderLine | None = None,
    return_request: ReturnRequest | None = None,
    actor=None,
    note: str = "",
) -> OrderRefund | None:
    """Reserve ``goods`` + ``tax`` + ``shipping`` to be paid back, kept apart on the claim; None when nothing is
    left or the order was never paid. The caller holds the order's row lock. The history names ``actor`` (staff
    granting it) and their ``note`` when given.

    The amount is capped at what the order still has unrefunded; a capped claim gives up shipping first, then tax,
    then goods, so its goods + tax + shipping always equal its amount.
    """
    if not order.payment_id:
        return None
    goods, tax, shipping = _capped(
        goods=quantize(goods), tax=quantize(tax), shipping=quantize(shipping), room=order.total - order.refunded_amount
    )
    amount = goods + tax + shipping
    if amount <= 0:
        return None
    order.refunded_amount += amount
    order.save(update_fields=["refunded_amount"])
    claim = OrderRefund.objects.create(
        order=order,
        line=line,
        return_request=return_request,
        payment_id=order.payment_id,
        amount=amount,
        goods_amount=goods,
        tax_amount=tax,
        shipping_amount=shipping,
        reason=reason,
    )
    if line is not None:
        OrderLine.objects.filter(pk=line.pk).update(refunded_amount=F("refunded_amount") + amount)
        line.refunded_amount += amount
    record(
        order,
        OrderEvent.Kind.REFUND_REQUESTED,
        actor=actor,
        data={
            "order_refund_id": claim.id,
            "amount": to_str(amount),
            "goods": to_str(goods),
            "tax": to_str(tax),
            "shipping": to_str(shipping),
            "reason": reason,
            **({"note": note, "by_staff": True} if actor is not None else {}),
        },
    )
    return claim


def _capped(*, goods: Decimal, tax: Decimal, shipping: Decimal, room: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """The parts cut down to ``room`` in all: shipping gives way first, then tax, then goods."""
    excess = goods + tax + shipping - max(room, Decimal(0))
    parts = {"shipping": shipping, "tax": tax, "goods": goods}
    for name, part in parts.items():
        if excess <= 0:
            break
        cut = min(part, excess)
        parts[name] = part - cut
        excess -= cut
    return parts["goods"], parts["tax"], parts["shipping"]


def refunded_breakdown(*, order: Order) -> tuple[Decimal, Decimal, Decimal]:
    """The goods, tax and shipping the order's own refunds gave back so far (claimed, whatever their outcome,
    as ``Order.refunded_amount`` counts them; a late payment's refund is none of them)."""
    totals = OrderRefund.objects.filter(order=order).aggregate(
        goods=Sum("goods_amount", default=Decimal(0)),
        tax=Sum("tax_amount", default=Decimal(0)),
        shipping=Sum("shipping_amount", default=Decimal(0)),
    )
    return totals["goods"], totals["tax"], totals["shipping"]


def claim_unapplied_payment_refund(*, order: Order, payment_id: str, amount: Decimal, why: str) -> OrderRefund | None:
    """Reserve the full refund of a captured payment that did not pay the order (it expired or was
    cancelled first, another payment paid it, or its amount is not the order's total): once per
    payment, None when already claimed. Outside the order's own refunds (``refunded_amount``), since
    the order never had this money. The caller holds the order's row lock; pay it after commit."""
    if OrderRefund.objects.filter(order=order, payment_id=payment_id, reason=UNAPPLIED_PAYMENT).exists():
        return None
    # Money that never paid the order gives back no goods, tax or shipping of it: the breakdown stays 0.
    claim = OrderRefund.objects.create(
        order=order, payment_id=payment_id, amount=quantize(amount), reason=UNAPPLIED_PAYMENT
    )
    record(
        order,
        OrderEvent.Kind.LATE_PAYMENT_REFUNDED,
        data={"payment_id": payment_id, "amount": to_str(claim.amount), "order_refund_id": claim.id, "why": why},
    )
    return claim


def pay_refund(*, order_refund_id: str) -> OrderRefund | None:
    """Pay a pending claim through the payments app, once; returns the claim as it ends up (pending
    when the gateway could not be reached: the sweep tries again). Call outside any transaction."""
    claim = _take_attempt(order_refund_id)
    if claim is None:
        return OrderRefund.objects.filter(pk=order_refund_id).first()
    try:
        payment_refund = _existing_payment_refund(claim) or payment_services.refund(
            payment_id=claim.payment_id, amount=claim.amount, reason=claim.id
        )
    except payment_errors.RefundExceedsCaptured:
        logger.error("orders.refund_over_captured", order_refund_id=claim.id, order_id=claim.order_id)
        return _record_result(claim.id, status=RefundStatus.FAILED, refund_id="")
    except DomainError:
        logger.warning("orders.refund_postponed", order_refund_id=claim.id, exc_info=True)
        return claim
    succeeded = payment_refund.status == "succeeded"
    if payment_refund.status == "pending":
        return claim  # the gateway answers later; the sweep looks again
    return _record_result(
        claim.id, status=RefundStatus.SUCCEEDED if succeeded else RefundStatus.FAILED, refund_id=payment_refund.pk
    )


def pay_pending_refunds(*, batch: int = 100) -> int:
    """Pay every claim left pending (its attempt lease ran out); returns how many were settled."""
    cutoff = timezone.now() - ATTEMPT_LEASE
    ids = list(
        OrderRefund.objects.filter(status=RefundStatus.PENDING)
        .filter(Q(attempted_at__isnull=True) | Q(attempted_at__lte=cutoff))
        .order_by("created_at")
        .values_list("pk", flat=True)[:batch]
    )
    settled = 0
    for order_refund_id in ids:
        claim = pay_refund(order_refund_id=order_refund_id)
        settled += claim is not None and claim.status != RefundStatus.PENDING
    return settled


def _take_attempt(order_refund_id: str) -> OrderRefund | None:
    """Take the claim's attempt lease with one conditional UPDATE, so two workers never pay it at once."""
    now = timezone.now()
    taken = (
        OrderRefund.objects.filter(pk=order_refund_id, status=RefundStatus.PENDING)
        .filter(Q(attempted_at__isnull=True) | Q(attempted_at__lte=now - ATTEMPT_LEASE))
        .update(attempted_at=now, attempts=F("attempts") + 1)
    )
    return OrderRefund.objects.get(pk=order_refund_id) if taken else None


def _existing_payment_refund(claim: OrderRefund):
    """The payments refund an earlier attempt of this claim made (its reason is the claim's id), if any."""
    payments = [p for p in payment_selectors.payments_for_order(order_id=claim.order_id) if p.pk == claim.payment_id]
    prefetch_related_objects(payments, "refunds")
    for payment in payments:
        for payment_refund in payment.refunds.all():
            if payment_refund.reason == claim.id and payment_refund.status != "failed":
                return payment_refund
    return None


def _record_result(order_refund_id: str, *, status: str, refund_id: str) -> OrderRefund:
    with transaction.atomic(durable=True):
        order_id = OrderRefund.objects.values_list("order_id", flat=True).get(pk=order_refund_id)
        order = lock_order(order_id=order_id)
        claim = lock_refund(refund_id=order_refund_id)
        if claim.status != RefundStatus.PENDING:
            return claim
        claim.transition(status)
        claim.refund_id = refund_id
        claim.save(update_fields=["status", "refund_id", "settled_at"])
        if claim.return_request_id:
            ReturnRequest.objects.filter(pk=claim.return_request_id).update(refund_id=refund_id)
        succeeded = status == RefundStatus.SUCCEEDED
        record(
            order,
            OrderEvent.Kind.REFUND_SUCCEEDED if succeeded else OrderEvent.Kind.REFUND_FAILED,
            data={"order_refund_id": claim.id, "amount": to_str(claim.amount), "refund_id": refund_id},
        )
        if succeeded:
            _publish_succeeded(order, claim)
        else:
            logger.error("orders.refund_failed", order_refund_id=claim.id, order_id=order.id)
        return claim


def _publish_succeeded(order: Order, claim: OrderRefund) -> None:
    """Announce the money back with what it gave back (goods, tax, shipping) and, for a line's, whose line it was."""
    of_line = {}
    if claim.line_id is not None:
        seller_id = OrderLine.objects.values_list("seller_id", flat=True).get(pk=claim.line_id)
        of_line = {"line_id": claim.line_id, "seller_id": seller_id}
    publish(
        "refund.succeeded",
        order_id=order.id,
        buyer_id=order.buyer_id,
        amount=to_str(claim.amount),
        refund_id=claim.refund_id,
        order_refund_id=claim.id,
        reason=claim.reason,
        goods=to_str(claim.goods_amount),
        tax=to_str(claim.tax_amount),
        shipping=to_str(claim.shipping_amount),
        **of_line,
    )
