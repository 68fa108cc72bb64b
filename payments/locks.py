"""Row locks of the payments app, in one place: the payment row, then its refunds. Payments are the
last lock of the purchase path (cart → order → stock → payment); the payments app takes them in its
own short transactions, never while an order is locked. Callers hold the transaction."""

from __future__ import annotations

from payments.errors import PaymentNotFound
from payments.models import Payment, Refund


def lock_payment(*, payment_id: str) -> Payment:
    """The payment, locked FOR UPDATE; raises PaymentNotFound."""
    try:
        return Payment.objects.select_for_update().get(pk=payment_id)
    except Payment.DoesNotExist:
        raise PaymentNotFound() from None


def lock_refund(*, refund_id: str) -> Refund:
    """A refund, locked FOR UPDATE (after its payment's row: see ``lock_payment``)."""
    return Refund.objects.select_for_update().get(pk=refund_id)


def lock_payment_for_webhook(*, gateway: str, gateway_reference: str, reference: str = "") -> Payment | None:
    """The payment a gateway's webhook is about, locked: by the gateway's reference, else (the webhook
    overtook the gateway's answer to the charge) by our own id ``reference``; None when unknown."""
    payment = Payment.objects.select_for_update().filter(gateway=gateway, gateway_reference=gateway_reference).first()
    if payment is None and reference:
        payment = (
            Payment.objects.select_for_update()
            .filter(gateway=gateway, pk=reference, gateway_reference__isnull=True)
            .first()
        )
    return payment
