"""What the orders app does when other apps announce something: payments settling later (webhooks)."""

from __future__ import annotations

from decimal import Decimal

from orders import services
from shop.events import subscriber


@subscriber("payment.succeeded")
def settle_order_paid_later(*, payment_id: str, order_id: str, amount: str, **_) -> None:
    """An asynchronous payment succeeded: the order is paid, or, past its hold, the payment refunded."""
    services.settle_payment(order_id=order_id, payment_id=payment_id, amount=Decimal(str(amount)))


@subscriber("payment.failed")
def note_payment_failed(*, payment_id: str, order_id: str, decline_code: str = "", **_) -> None:
    """A payment failed after all: the order's history says so; it stays payable until it expires."""
    services.record_payment_failed(order_id=order_id, payment_id=payment_id, decline_code=decline_code or "")
