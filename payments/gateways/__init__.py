"""Payment gateways by name; ``PAYMENT_GATEWAY`` picks the one new payments use."""

from __future__ import annotations

from django.conf import settings

from payments.errors import UnknownGateway
from payments.gateways.base import ChargeResult, Gateway, RefundResult, WebhookEvent
from payments.gateways.test import TestGateway

__all__ = ["ChargeResult", "Gateway", "RefundResult", "WebhookEvent", "get_gateway"]

_GATEWAYS: dict[str, type[Gateway]] = {TestGateway.name: TestGateway}


def get_gateway(name: str | None = None) -> Gateway:
    """The gateway called ``name`` (default: settings.PAYMENT_GATEWAY); raises UnknownGateway."""
    name = name or settings.PAYMENT_GATEWAY
    try:
        return _GATEWAYS[name]()
    except KeyError:
        raise UnknownGateway() from None
