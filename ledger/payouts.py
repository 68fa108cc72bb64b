"""Who sends sellers their money: a ``PayoutProvider`` (``send(payout) -> PayoutResult``, idempotent on the payout
id), chosen by PAYOUT_PROVIDER. The built-in ``test`` provider pays at once, except the sellers listed in
PAYOUT_TEST_FAILING_SELLERS, whose payouts fail (as a closed bank account would), like the test payment gateway's
declining card."""

from __future__ import annotations

from dataclasses import dataclass
import hashlib
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class PayoutResult:
    status: str  # "paid", "failed" or "pending" (the provider answers later)
    reference: str = ""
    failure_reason: str = ""


class PayoutProvider(Protocol):
    name: str

    def send(self, payout) -> PayoutResult:
        """Transfer ``payout.amount`` to the seller; the same payout sent twice transfers once."""


class TestPayoutProvider:
    name = "test"

    def send(self, payout) -> PayoutResult:
        reference = "tr_" + hashlib.sha256(payout.pk.encode()).hexdigest()[:16]  # the same payout, the same transfer
        if payout.seller_id in set(settings.PAYOUT_TEST_FAILING_SELLERS):
            return PayoutResult(status="failed", reference=reference, failure_reason="The seller's account is closed.")
        return PayoutResult(status="paid", reference=reference)


PROVIDERS: dict[str, type] = {"test": TestPayoutProvider}


def payout_provider() -> PayoutProvider:
    """The configured provider (PAYOUT_PROVIDER)."""
    try:
        return PROVIDERS[settings.PAYOUT_PROVIDER]()
    except KeyError:
        raise ImproperlyConfigured(f"Unknown PAYOUT_PROVIDER {settings.PAYOUT_PROVIDER!r}") from None
