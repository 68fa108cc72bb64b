"""Carriers' signed tracking webhooks: one format for every carrier, signed like the payment gateway's.

``Bazaar-Signature: t=<unix time>,v1=<hex HMAC-SHA256(LOGISTICS_WEBHOOK_SECRET, "<t>.<body>")>``; the body is
``{"id","tracking_number","status","location","description","at"}`` (``at`` ISO 8601, optional).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.utils.dateparse import parse_datetime

from logistics.errors import InvalidCarrierWebhook
from shop import webhooks

SIGNATURE_HEADER = webhooks.SIGNATURE_HEADER
SIMULATED_CARRIER = "simulated"
# The carriers a seller can hand a parcel to, with their labels (the simulated one moves on by itself).
CARRIERS = (
    (SIMULATED_CARRIER, "Simulated carrier (demo: moves on by itself)"),
    ("ups", "UPS"),
    ("fedex", "FedEx"),
    ("dhl", "DHL"),
    ("usps", "USPS"),
)
TRACKING_STATUSES = ("in_transit", "out_for_delivery", "delivered")


def simulated_enabled() -> bool:
    """Whether the simulated carrier may carry parcels: only while DEBUG or with SIMULATED_CARRIER_ENABLED.

    It marks parcels delivered with no carrier's evidence, which opens the return window and lets the buyer
    review, so a production store never offers it unless told to.
    """
    return settings.DEBUG or settings.SIMULATED_CARRIER_ENABLED


def carrier_choices() -> list[tuple[str, str]]:
    """The carriers a seller may pick now: CARRIERS, without the simulated one unless it is enabled."""
    return [choice for choice in CARRIERS if choice[0] != SIMULATED_CARRIER or simulated_enabled()]


@dataclass(frozen=True)
class TrackingUpdate:
    event_id: str
    tracking_number: str
    status: str
    location: str
    description: str
    at: dt.datetime | None
    signature: str


def _secret() -> bytes:
    return settings.LOGISTICS_WEBHOOK_SECRET.encode()


def _tolerance() -> int:
    return settings.LOGISTICS_WEBHOOK_TOLERANCE_SECONDS


def signed_request(update: Mapping[str, Any], *, timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one delivery of ``update``, as a carrier POSTs them."""
    body = json.dumps(update, separators=(",", ":"), sort_keys=True).encode()
    return body, {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: webhooks.signature_header(secret=_secret(), body=body, timestamp=timestamp),
    }


def verify_webhook(*, body: bytes, headers: Mapping[str, str]) -> TrackingUpdate:
    """The tracking update in a carrier's webhook; raises InvalidCarrierWebhook unless the signature is
    right, fresh (LOGISTICS_WEBHOOK_TOLERANCE_SECONDS) and the body readable."""
    try:
        signature = webhooks.verify(secret=_secret(), body=body, headers=headers, tolerance_seconds=_tolerance())
    except webhooks.InvalidSignature as exc:
        raise InvalidCarrierWebhook(str(exc)) from None
    try:
        data = json.loads(body)
        event_id, tracking_number, status = data["id"], data["tracking_number"], data["status"]
        location, description, at = data.get("location", ""), data.get("description", ""), data.get("at")
    except (ValueError, TypeError, KeyError):
        raise InvalidCarrierWebhook("The webhook's body is not a readable tracking update.") from None
    if not all(isinstance(v, str) and v for v in (event_id, tracking_number, status)) or not all(
        isinstance(v, str) for v in (location, description)
    ):
        raise InvalidCarrierWebhook("The webhook's body is not a readable tracking update.")
    if status not in TRACKING_STATUSES:
        raise InvalidCarrierWebhook(f"Unknown tracking status {status!r}.")
    when = None
    if at is not None:
        try:
            when = parse_datetime(at) if isinstance(at, str) else None
        except ValueError:
            when = None
        if when is None or when.tzinfo is None:
            raise InvalidCarrierWebhook("The webhook's `at` is not an ISO 8601 time with a zone.")
    return TrackingUpdate(
        event_id=event_id[:128],
        tracking_number=tracking_number,
        status=status,
        location=location,
        description=description,
        at=when,
        signature=signature,
    )
