"""What the ledger books when money moves: captures and gateway refunds (payments), paid orders and refunds
(orders), deliveries that start the countdown to a seller's money (logistics). Each handler books once per cause
(the transactions' keys), so an event delivered twice changes nothing the second time. Every booking is dated by
its event's publication: the moment the money moved, in the same transaction that moved it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ledger import services
from shop.events import subscriber
from shop.models import OutboxEvent


def _published_at(event_id: str) -> datetime:
    return OutboxEvent.objects.filter(pk=event_id).values_list("created_at", flat=True).first() or timezone.now()


def _time(value: str | None, *, default: datetime) -> datetime:
    parsed = parse_datetime(str(value)) if value else None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed or default


@subscriber("payment.succeeded", name="ledger.book_capture")
def book_capture(*, event_id: str, payment_id: str, order_id: str, amount: str, **_) -> None:
    services.book_capture(
        payment_id=payment_id, order_id=order_id, amount=Decimal(amount), occurred_at=_published_at(event_id)
    )


@subscriber("payment.refunded", name="ledger.book_gateway_refund")
def book_gateway_refund(*, event_id: str, payment_id: str, order_id: str, refund_id: str, amount: str, **_) -> None:
    services.book_gateway_refund(
        refund_id=refund_id, payment_id=payment_id, order_id=order_id, amount=Decimal(amount),
        occurred_at=_published_at(event_id),
    )  # fmt: skip


@subscriber("order.paid", name="ledger.book_order_paid")
def book_order_paid(*, event_id: str, order_id: str, lines: list[dict], total: str | None = None, **payload) -> None:
    """The order's total allocated to its sellers, the commission, tax and shipping (payloads published before
    orders carried their money have nothing to book)."""
    if total is None:
        return
    services.book_order_paid(
        order_id=order_id,
        lines=[
            services.PaidLine(
                line_id=int(line["line_id"]),
                seller_id=int(line["seller_id"]),
                line_total=Decimal(line["line_total"]),
                commission=Decimal(line.get("commission") or "0"),
            )
            for line in lines
        ],
        tax=Decimal(payload.get("tax") or "0"),
        shipping=Decimal(payload.get("shipping") or "0"),
        total=Decimal(total),
        occurred_at=_published_at(event_id),
    )


@subscriber("refund.succeeded", name="ledger.book_refund")
def book_refund(*, event_id: str, order_id: str, order_refund_id: str | None = None, **payload) -> None:
    """The refund's shares taken back from the seller (less commission), tax and shipping."""
    if order_refund_id is None or "goods" not in payload:
        return
    services.book_refund(
        order_refund_id=order_refund_id, order_id=order_id, goods=Decimal(payload["goods"]),
        tax=Decimal(payload.get("tax") or "0"), shipping=Decimal(payload.get("shipping") or "0"),
        line_id=payload.get("line_id"), reason=payload.get("reason", ""), occurred_at=_published_at(event_id),
    )  # fmt: skip


@subscriber("shipment.delivered", name="ledger.start_return_window")
def start_return_window(
    *, event_id: str, order_id: str, seller_id: int, line_ids: list[int], delivered_at: str, **_
) -> None:
    """Delivered lines: their seller's money becomes available once the return window and the hold are over."""
    services.record_delivery(
        seller_id=seller_id, line_ids=line_ids, order_id=order_id,
        delivered_at=_time(delivered_at, default=_published_at(event_id)),
    )  # fmt: skip
