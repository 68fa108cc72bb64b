"""Row locks of the ledger: a seller's available account (payouts and staff adjustments of that seller take it,
so two payout runs at once pay a seller once), then their line funds (by line id). The ledger's transactions
take no other lock: entries are only inserted, and balances are sums."""

from __future__ import annotations

from ledger.models import Account, LineFunds, Payout


def lock_account(*, account_id: int) -> Account:
    """The account row, locked FOR UPDATE."""
    return Account.objects.select_for_update().get(pk=account_id)


def lock_line_funds(*, line_ids) -> list[LineFunds]:
    """The line funds of ``line_ids`` that exist, locked FOR UPDATE in line order."""
    return list(LineFunds.objects.select_for_update().filter(line_id__in=list(line_ids)).order_by("line_id"))


def lock_due_line_funds(*, now, limit: int) -> list[LineFunds]:
    """Pending line funds whose time has come, locked (others running the release skip them)."""
    return list(
        LineFunds.objects.select_for_update(skip_locked=True)
        .filter(status=LineFunds.Status.PENDING, available_at__lte=now)
        .order_by("available_at", "line_id")[:limit]
    )


def lock_payout(*, payout_id: str) -> Payout:
    """The payout row, locked FOR UPDATE."""
    return Payout.objects.select_for_update().get(pk=payout_id)
