"""Payments API: the gateways' webhooks. They authenticate by signature, not by a user."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_view

from payments import services
from payments.errors import InvalidWebhook
from shop.api.webhooks import SignedWebhookView, webhook_schema


@extend_schema_view(
    post=webhook_schema(
        summary="Receive a payment gateway's webhook",
        signature_help="For the test gateway: `t=<unix time>,v1=<hex HMAC-SHA256(secret, '<t>.<body>')>`.",
    )
)
class WebhookView(SignedWebhookView):
    """A payment gateway reports an event (e.g. an async payment settled).

    The body is the gateway's own signed JSON, read raw: no session, no CSRF, no JWT. A bad, stale or
    replayed signature is refused with 400 and changes nothing; another delivery of an event already
    received is answered 200 and changes nothing.
    """

    invalid_webhook = InvalidWebhook
    problem_responses = {
        400: "Bad, stale or replayed signature, or an unreadable event (invalid_webhook).",
        404: "No such payment gateway (not_found).",
    }

    def receive(self, *, body: bytes, headers, gateway: str) -> None:
        services.handle_webhook(gateway=gateway, body=body, headers=headers)
