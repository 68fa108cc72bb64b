"""Carriers' signed tracking webhooks: one format for every carrier, signed like the payment gateway's.

``Bazaar-Signature: t=<unix time>,v1=<hex HMAC-SHA256(LOGISTICS_WEBHOOK_SECRET, "<t>.<body>")>``; the body is
``{"id","tracking_number","status","location","description","at"}`` (``at`` ISO 8601, optional).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import datetime as dt
import hashlib
import hmac
import json
import time
from typing import Any

from django.conf import settings
from django.utils.dateparse import parse_datetime

from logistics.errors import InvalidCarrierWebhook

SIGNATURE_HEADER = "Bazaar-Signature"
DEFAULT_TOLERANCE_SECONDS = 300
TRACKING_STATUSES = ("in_transit", "out_for_delivery", "delivered")


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
    return int(getattr(settings, "LOGISTICS_WEBHOOK_TOLERANCE_SECONDS", DEFAULT_TOLERANCE_SECONDS))


def compute_signature(*, body: bytes, timestamp: int) -> str:
    return hmac.new(_secret(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signed_request(update: Mapping[str, Any], *, timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one delivery of ``update``, as a carrier POSTs them."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    body = json.dumps(update, separators=(",", ":"), sort_keys=True).encode()
    signature = compute_signature(body=body, timestamp=timestamp)
    return body, {"Content-Type": "application/json", SIGNATURE_HEADER: f"t={timestamp},v1={signature}"}


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == name.lower()), "")
    return value or ""


def _parse_signature_header(value: str) -> tuple[int, list[str]]:
    timestamp = None
    signatures = []
    for part in value.split(","):
        key, _, item = part.strip().partition("=")
        if key == "t" and item.isdigit():
            timestamp = int(item)
        elif key == "v1" and item:
            signatures.append(item)
    if timestamp is None or not signatures:
        raise InvalidCarrierWebhook("The webhook's signature header is malformed.")
    return timestamp, signatures


def verify_webhook(*, body: bytes, headers: Mapping[str, str]) -> TrackingUpdate:
    """The tracking update in a carrier's webhook; raises InvalidCarrierWebhook unless the signature is
    right, fresh (LOGISTICS_WEBHOOK_TOLERANCE_SECONDS, default 300) and the body readable."""
    value = _header(headers, SIGNATURE_HEADER)
    if not value:
        raise InvalidCarrierWebhook(f"The webhook has no {SIGNATURE_HEADER} header.")
    timestamp, candidates = _parse_signature_header(value)
    expected = compute_signature(body=body, timestamp=timestamp)
    signature = next((c for c in candidates if hmac.compare_digest(c, expected)), None)
    if signature is None:
        raise InvalidCarrierWebhook("The webhook's signature does not match its body.")
    if abs(time.time() - timestamp) > _tolerance():
        raise InvalidCarrierWebhook("The webhook's signature timestamp is too old (or in the future).")
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
        signature=f"{timestamp}:{signature}",
    )
