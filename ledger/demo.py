"""The demo's money: the demo orders' delivered lines are treated as past their return window, released and paid
out for last week, so that a seller trying the store sees a payout and its statement beside their pending money."""

from __future__ import annotations

from django.utils import timezone

from ledger import services
from ledger.models import LineFunds


def pay_out_delivered_demo_lines() -> int:
    """Release every delivered demo line at once and run last week's payouts; returns how many payouts were made
    (none when the demo has no delivered lines, or when run again)."""
    LineFunds.objects.filter(status=LineFunds.Status.PENDING, delivered_at__isnull=False).update(
        available_at=timezone.now()
    )
    services.release_funds()
    return len(services.run_payouts(period=services.previous_period()))
