"""Reads of marketplace money: commission rates, balances, statements, payouts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from catalog import selectors as catalog_selectors
from ledger.errors import PayoutNotFound
from ledger.models import SELLER_KINDS, Account, CommissionRate, Entry, Payout, PayoutHold, Transaction
from shop.money import quantize

Kind = Account.Kind
ZERO = Decimal("0.00")

Pair = tuple[int, int | None]  # (seller_id, category_id)


def commission_rates(*, pairs: Iterable[Pair]) -> dict[Pair, Decimal]:
    """The commission rate of each (seller, category): the most specific rule (seller in the category or an
    ancestor, nearest first; then the category or an ancestor; then the seller's own) or COMMISSION_RATE. One
    query for any number of pairs."""
    pairs = list(dict.fromkeys(pairs))
    if not pairs:
        return {}
    seller_ids = {seller_id for seller_id, _ in pairs}
    rules: dict[tuple[int | None, int | None], Decimal] = {
        (seller_id, category_id): rate
        for seller_id, category_id, rate in CommissionRate.objects.filter(
            Q(seller__isnull=True) | Q(seller_id__in=seller_ids)
        ).values_list("seller_id", "category_id", "rate")
    }
    default = Decimal(str(settings.COMMISSION_RATE))
    # The category tree read once (not once per pair), and only when a product has a category.
    tree = catalog_selectors.category_tree() if any(category_id for _, category_id in pairs) else {}
    found = {}
    for seller_id, category_id in pairs:
        chain = _category_chain(category_id, tree)
        rate = next((rules[(seller_id, c)] for c in chain if (seller_id, c) in rules), None)
        if rate is None:
            rate = next((rules[(None, c)] for c in chain if (None, c) in rules), None)
        if rate is None:
            rate = rules.get((seller_id, None), default)
        found[(seller_id, category_id)] = rate
    return found


def _category_chain(category_id: int | None, tree: dict) -> list[int]:
    """The category and its ancestors, nearest first (a category missing from the tree: itself only)."""
    chain = []
    while category_id is not None:
        chain.append(category_id)
        node = tree.get(category_id)
        category_id = node.parent_id if node is not None else None
    return chain


# --- Balances, statements, payouts ----------------------------------------------------------------------


@dataclass(frozen=True)
class Balance:
    pending: Decimal
    available: Decimal
    paid_out: Decimal
    currency: str
    payouts_held: bool


def seller_balance(*, seller_id: int) -> Balance:
    """What the platform owes the seller, pending (not yet past the return window) and available (paid at the next
    run; negative after a refund of money already paid, netted by the next payout), and what it paid them.
    Two queries."""
    sums = dict(
        Entry.objects.filter(seller_id=seller_id, account__kind__in=SELLER_KINDS)
        .values_list("account__kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return Balance(
        pending=quantize(sums.get(Kind.SELLER_PENDING) or ZERO),
        available=quantize(sums.get(Kind.SELLER_AVAILABLE) or ZERO),
        paid_out=quantize(sums.get(Kind.SELLER_PAID_OUT) or ZERO),
        currency=settings.STORE_CURRENCY,
        payouts_held=PayoutHold.objects.filter(seller_id=seller_id).exists(),
    )


def statement(*, seller_id: int, since: datetime | None = None, until: datetime | None = None) -> QuerySet[Entry]:
    """Every entry of the seller's pending and available funds (newest first) with its transaction: the order,
    line and reason of each; ``since`` inclusive, ``until`` exclusive."""
    entries = (
        Entry.objects.filter(seller_id=seller_id, account__kind__in=(Kind.SELLER_PENDING, Kind.SELLER_AVAILABLE))
        .select_related("transaction", "account")
        .order_by("-occurred_at", "-pk")
    )
    if since is not None:
        entries = entries.filter(occurred_at__gte=since)
    if until is not None:
        entries = entries.filter(occurred_at__lt=until)
    return entries


def payouts_of(*, seller_id: int) -> QuerySet[Payout]:
    """The seller's payouts, newest first."""
    return Payout.objects.filter(seller_id=seller_id).order_by("-created_at", "-pk")


def payout_of(*, seller_id: int, payout_id: str) -> Payout:
    """One of the seller's payouts; PayoutNotFound for anyone else's."""
    payout = Payout.objects.filter(seller_id=seller_id, pk=payout_id).first()
    if payout is None:
        raise PayoutNotFound()
    return payout


def payout_statement(*, payout: Payout) -> list[Entry]:
    """The entries a payout paid (its own transfer left out): they sum to its amount."""
    return list(
        payout.entries.exclude(transaction__kind=Transaction.Kind.PAYOUT)
        .select_related("transaction")
        .order_by("occurred_at", "pk")
    )


def clearing_by_day(*, since: date, until: date) -> dict[date, Decimal]:
    """The gateway clearing account's movement per day (captured less refunded, as a positive amount), for days
    in [since, until]."""
    rows = (
        Entry.objects.filter(
            account__kind=Kind.GATEWAY_CLEARING, occurred_at__date__gte=since, occurred_at__date__lte=until
        )
        .annotate(day=TruncDate("occurred_at"))
        .values_list("day")
        .annotate(total=Sum("amount"))
        .order_by("day")
    )
    return {day: quantize(-total) for day, total in rows}


def account_balances() -> dict[tuple[str, int | None], Decimal]:
    """Every account's balance (credit positive), by (kind, seller id): staff's trial balance."""
    rows = Entry.objects.values_list("account__kind", "account__seller_id").annotate(total=Sum("amount")).order_by()
    return {(kind, seller_id): quantize(total) for kind, seller_id, total in rows}
