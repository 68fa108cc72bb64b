"""The events the payments app publishes (it reacts to none): payments settling and refunds paid."""

from __future__ import annotations

from shop.events import declare_event

PAYMENT_SUCCEEDED = declare_event(
    "payment.succeeded",
    description="A payment was captured (amount: a decimal string in the store's currency).",
    fields={"payment_id": str, "order_id": str, "amount": str},
)

PAYMENT_FAILED = declare_event(
    "payment.failed",
    description="A payment that was pending failed after all (decline_code: the gateway's, may be blank).",
    fields={"payment_id": str, "order_id": str, "amount": str, "decline_code": str},
)

PAYMENT_REFUNDED = declare_event(
    "payment.refunded",
    description="Part or all of a captured payment was refunded by the gateway.",
    fields={"payment_id": str, "order_id": str, "refund_id": str, "amount": str},
)
