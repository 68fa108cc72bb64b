"""The built-in test gateway: fixed tokens, and a webhook it delivers itself to settle async payments.

Tokens: ``tok_visa`` succeeds, ``tok_chargeDeclined`` is declined (``card_declined``), ``tok_async`` stays
pending until the gateway's own signed webhook (``payments.tasks.deliver_test_webhook``) settles it;
anything else fails with ``invalid_token``. Webhooks are signed like Stripe's:
``Bazaar-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
import functools
import hashlib
import hmac
import json
import time
from typing import Any

from django.conf import settings

from payments.errors import InvalidWebhook
from payments.gateways.base import (
    FAILED,
    PENDING,
    SUCCEEDED,
    ChargeResult,
    Gateway,
    RefundResult,
    WebhookEvent,
)
from shop import webhooks
from shop.side_effects import after_commit

SIGNATURE_HEADER = webhooks.SIGNATURE_HEADER
WEBHOOK_PATH = "/api/v1/payments/webhooks/test"

_OUTCOMES = {
    "tok_visa": (SUCCEEDED, ""),
    "tok_chargeDeclined": (FAILED, "card_declined"),
    "tok_async": (PENDING, ""),
}


def _secret() -> bytes:
    return settings.PAYMENTS_TEST_WEBHOOK_SECRET.encode()


def _derived(prefix: str, reference: str) -> str:
    """The same reference always gives the same id: the gateway is idempotent per reference."""
    return prefix + hmac.new(_secret(), reference.encode(), hashlib.sha256).hexdigest()[:24]


def signature_header(*, body: bytes, timestamp: int | None = None) -> str:
    """The ``Bazaar-Signature`` value for ``body`` signed at ``timestamp`` (default: now)."""
    return webhooks.signature_header(secret=_secret(), body=body, timestamp=timestamp)


def event_id_for(*, gateway_reference: str, event_type: str) -> str:
    """The id of the one event that settles a charge: every redelivery carries the same id."""
    return _derived("evt_", f"{event_type}:{gateway_reference}")


def build_event(*, gateway_reference: str, reference: str = "", event_type: str = "payment.succeeded") -> dict:
    return {
        "id": event_id_for(gateway_reference=gateway_reference, event_type=event_type),
        "type": event_type,
        "created": int(time.time()),
        "data": {"gateway_reference": gateway_reference, "reference": reference},
    }


def signed_request(event: Mapping[str, Any], *, timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one delivery of ``event``, as the gateway POSTs them."""
    body = json.dumps(event, separators=(",", ":"), sort_keys=True).encode()
    return body, {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature_header(body=body, timestamp=timestamp),
    }


class TestGateway(Gateway):
    __test__ = False  # not a pytest test class, whatever its name
    name = "test"

    def charge(self, *, amount: Decimal, currency: str, token: str, reference: str) -> ChargeResult:
        outcome = _OUTCOMES.get(token)
        if outcome is None:
            return ChargeResult(status=FAILED, gateway_reference=None, decline_code="invalid_token")
        status, decline_code = outcome
        return ChargeResult(
            status=status,
            gateway_reference=_derived("ch_test_", reference),
            decline_code=decline_code,
            data={"token": token},
        )

    def refund(self, *, gateway_reference: str, amount: Decimal, reference: str) -> RefundResult:
        return RefundResult(status=SUCCEEDED, gateway_reference=_derived("re_test_", reference))

    def verify_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        try:
            signature = webhooks.verify(
                secret=_secret(),
                body=body,
                headers=headers,
                tolerance_seconds=settings.PAYMENTS_WEBHOOK_TOLERANCE_SECONDS,
            )
        except webhooks.InvalidSignature as exc:
            raise InvalidWebhook(str(exc)) from None
        try:
            event = json.loads(body)
            data = event["data"]
            event_id, event_type, gateway_reference = event["id"], event["type"], data["gateway_reference"]
        except (ValueError, TypeError, KeyError):
            raise InvalidWebhook("The webhook's body is not a readable event.") from None
        if not all(isinstance(v, str) and v for v in (event_id, event_type, gateway_reference)):
            raise InvalidWebhook("The webhook's body is not a readable event.")
        reference = data.get("reference")
        return WebhookEvent(
            id=event_id,
            type=event_type,
            gateway_reference=gateway_reference,
            data=data,
            signature=signature,
            reference=reference if isinstance(reference, str) else "",
        )

    def charge_recorded(self, *, result: ChargeResult, reference: str) -> None:
        if result.status == PENDING and result.gateway_reference:
            from payments import tasks  # the task module imports the services, which import this one

            # After the pending payment is committed, so the webhook always finds it.
            after_commit(
                "payments.test_webhook",
                functools.partial(
                    tasks.deliver_test_webhook.apply_async,
                    kwargs={"gateway_reference": result.gateway_reference, "reference": reference},
                    countdown=settings.PAYMENTS_TEST_WEBHOOK_DELAY_SECONDS,
                ),
            )
