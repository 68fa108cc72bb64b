"""The interface every payment gateway implements, and the plain values it answers with.

A gateway talks to the outside world, so the services call it outside any database transaction.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

SUCCEEDED = "succeeded"
PENDING = "pending"
FAILED = "failed"


@dataclass(frozen=True)
class ChargeResult:
    """``status`` is succeeded, pending (settles later through a webhook) or failed (``decline_code`` says why)."""

    status: str
    gateway_reference: str | None
    decline_code: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RefundResult:
    status: str
    gateway_reference: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class WebhookEvent:
    """A verified webhook. ``signature`` is the signature that verified it (each is accepted once);
    ``reference`` is our own payment id when the gateway echoes it back."""

    id: str
    type: str
    gateway_reference: str
    data: Mapping[str, Any]
    signature: str
    reference: str = ""


class Gateway(ABC):
    name: str

    @abstractmethod
    def charge(self, *, amount: Decimal, currency: str, token: str, reference: str) -> ChargeResult:
        """Authorize and capture ``amount``. A decline is a failed result, never an exception; ``reference``
        (our payment id) is the gateway's idempotency key. Raises GatewayUnavailable when unreachable."""

    @abstractmethod
    def refund(self, *, gateway_reference: str, amount: Decimal, reference: str) -> RefundResult:
        """Refund part or all of a captured charge; ``reference`` (our refund id) is the idempotency key."""

    @abstractmethod
    def verify_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """Check the signature and its timestamp and parse the event; raises InvalidWebhook."""

    def charge_recorded(self, *, result: ChargeResult, reference: str) -> None:  # noqa: B027 (optional hook)
        """Called inside the transaction that records a charge's result; a gateway that acts on its own
        afterwards (the test gateway's webhook) defers that with ``shop.side_effects.after_commit``."""


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header by name, whatever its case (Django's request.headers or a plain dict)."""
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), None)
