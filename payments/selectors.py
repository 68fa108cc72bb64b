"""Read functions of the payments app, for the orders app, the pages and the gateways' tasks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from payments.errors import PaymentNotFound
from payments.models import Payment, WebhookReceipt


def payments_for_order(*, order_id: str) -> list[Payment]:
    """Every payment attempt of an order, oldest first (one query)."""
    return list(Payment.objects.filter(order_id=order_id).order_by("created_at", "id"))


def payments_for_orders(*, order_ids: Iterable[str]) -> dict[str, list[Payment]]:
    """``payments_for_order`` for many orders in one query; orders without payments are absent."""
    grouped: dict[str, list[Payment]] = defaultdict(list)
    for payment in Payment.objects.filter(order_id__in=list(order_ids)).order_by("created_at", "id"):
        grouped[payment.order_id].append(payment)
    return dict(grouped)


def payment(*, payment_id: str) -> Payment:
    """The payment with this id; raises PaymentNotFound."""
    try:
        return Payment.objects.get(pk=payment_id)
    except Payment.DoesNotExist:
        raise PaymentNotFound() from None


def webhook_event_received(*, gateway: str, event_id: str) -> bool:
    """Whether the store has accepted a delivery of this event."""
    return WebhookReceipt.objects.filter(gateway=gateway, event_id=event_id).exists()
