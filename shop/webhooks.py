"""The store's one webhook signing scheme, used by the payment gateway and the carriers alike.

``Bazaar-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``, like Stripe's: the
timestamp is signed with the body, so a captured request cannot be replayed after the tolerance, and
the receiver remembers the signatures it accepted to refuse a replay within it.
"""

from __future__ import annotations

from collections.abc import Mapping
import hashlib
import hmac
import time
from typing import Any

from django.db import IntegrityError, models, transaction

SIGNATURE_HEADER = "Bazaar-Signature"


class InvalidSignature(ValueError):
    """The signature header is missing, malformed, wrong for the body, or outside the tolerance."""


def compute_signature(*, secret: bytes, body: bytes, timestamp: int) -> str:
    return hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(*, secret: bytes, body: bytes, timestamp: int | None = None) -> str:
    """The header value signing ``body`` at ``timestamp`` (default: now)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={compute_signature(secret=secret, body=body, timestamp=timestamp)}"


def header(headers: Mapping[str, str], name: str = SIGNATURE_HEADER) -> str:
    """A header's value from a mapping whose keys may be in any case."""
    value = headers.get(name)
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == name.lower()), "")
    return value or ""


def verify(*, secret: bytes, body: bytes, headers: Mapping[str, str], tolerance_seconds: int) -> str:
    """Check the signature of ``body``; returns ``"<timestamp>:<signature>"`` (what a receiver stores to
    refuse replays). Raises InvalidSignature saying what is wrong."""
    value = header(headers)
    if not value:
        raise InvalidSignature(f"The webhook has no {SIGNATURE_HEADER} header.")
    timestamp, candidates = None, []
    for part in value.split(","):
        key, _, item = part.strip().partition("=")
        if key == "t" and item.isdigit():
            timestamp = int(item)
        elif key == "v1" and item:
            candidates.append(item)
    if timestamp is None or not candidates:
        raise InvalidSignature("The webhook's signature header is malformed.")
    expected = compute_signature(secret=secret, body=body, timestamp=timestamp)
    signature = next((c for c in candidates if hmac.compare_digest(c, expected)), None)
    if signature is None:
        raise InvalidSignature("The webhook's signature does not match its body.")
    if abs(time.time() - timestamp) > tolerance_seconds:
        raise InvalidSignature("The webhook's signature timestamp is too old (or in the future).")
    return f"{timestamp}:{signature}"


def record_delivery(
    *,
    receipts: type[models.Model],
    sender_field: str,
    sender: str,
    event_id: str,
    signature: str,
    replayed: type[Exception],
    **fields: Any,
) -> bool:
    """Remember one verified delivery (a ``receipts`` row) in the caller's transaction; returns whether its
    event had been received before. Raises ``replayed`` when its signature was already used."""
    sent_by = {sender_field: sender}
    duplicate = receipts.objects.filter(**sent_by, event_id=event_id).exists()
    try:
        with transaction.atomic():
            receipts.objects.create(
                **sent_by,
                event_id=event_id,
                signature_digest=hashlib.sha256(f"{sender}:{signature}".encode()).hexdigest(),
                duplicate=duplicate,
                **fields,
            )
    except IntegrityError:
        # Waited for a concurrent delivery of the same signature to commit, or it was seen before.
        raise replayed("This webhook signature was already used.") from None
    return duplicate
