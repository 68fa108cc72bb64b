"""Marketplace money, written in double entry: what each event of an order's life does to the accounts, the
release of a seller's money once the return window is over, payouts, holds and staff adjustments.

Each booking is one balanced transaction posted once: its ``key`` names what caused it (a payment, a refund, an
order, a line, a payout), so an event delivered twice books once. The money path has two halves that meet in the
buyers' funds account: the gateway's (a capture debits clearing, a gateway refund credits it back) and the
order's (paying an order allocates its total to the sellers' pending funds, the platform's commission, tax and
shipping; a refund takes the same shares back). Reconciliation compares the first half with the gateway.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
import re
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
import structlog

from ledger.errors import InvalidAdjustment, InvalidPeriod, OrderNotBookedYet, UnbalancedTransaction
from ledger.locks import lock_account, lock_due_line_funds, lock_line_funds, lock_payout
from ledger.models import SELLER_KINDS, Account, Entry, LineFunds, Payout, PayoutHold, Transaction
from ledger.payouts import PayoutResult, payout_provider
from sellers import selectors as seller_selectors
from shop.money import quantize

logger = structlog.get_logger(__name__)

Kind = Account.Kind
TxKind = Transaction.Kind
ZERO = Decimal("0.00")
PERIOD = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class Leg:
    """One side of a transaction: ``amount`` credited to the account (negative: debited)."""

    kind: str
    amount: Decimal
    seller_id: int | None = None


# --- Posting ------------------------------------------------------------------------------------------


def post(
    *,
    key: str,
    kind: str,
    legs: Sequence[Leg],
    occurred_at: datetime | None = None,
    order_id: str = "",
    line_id: int | None = None,
    seller_id: int | None = None,
    reason: str = "",
    actor=None,
) -> Transaction | None:
    """Post a balanced transaction once; None when ``key`` was posted before or every leg is zero. Raises
    UnbalancedTransaction (nothing written) when the legs do not sum to zero."""
    legs = [Leg(leg.kind, quantize(leg.amount), leg.seller_id) for leg in legs]
    if sum((leg.amount for leg in legs), ZERO) != 0:
        raise UnbalancedTransaction(f"Transaction {key} does not balance.", legs=[str(leg) for leg in legs])
    legs = [leg for leg in legs if leg.amount]
    if not legs:
        return None
    occurred_at = occurred_at or timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                posted = Transaction.objects.create(
                    key=key, kind=kind, occurred_at=occurred_at, order_id=order_id, line_id=line_id,
                    seller_id=seller_id, reason=reason[:500], actor=actor if getattr(actor, "pk", None) else None,
                )  # fmt: skip
        except IntegrityError:
            return None  # posted before: an event delivered again, a command run twice
        accounts = account_ids({(leg.kind, leg.seller_id) for leg in legs})
        Entry.objects.bulk_create(
            Entry(
                transaction=posted,
                account_id=accounts[(leg.kind, leg.seller_id)],
                seller_id=leg.seller_id,
                amount=leg.amount,
                occurred_at=occurred_at,
            )
            for leg in legs
        )
    return posted


def account_ids(wanted: Iterable[tuple[str, int | None]]) -> dict[tuple[str, int | None], int]:
    """The ids of the accounts ``(kind, seller_id)``, created when missing. A seller's three accounts are created
    together (their first sale), always in one order (platform first, then by seller and kind), so two
    transactions creating accounts at once wait for each other instead of deadlocking."""
    wanted = set(wanted)

    def existing() -> dict:
        platform = [kind for kind, seller_id in wanted if seller_id is None]
        sellers = {seller_id for _, seller_id in wanted if seller_id is not None}
        rows = Account.objects.filter(Q(seller__isnull=True, kind__in=platform) | Q(seller_id__in=sellers)).values_list(
            "kind", "seller_id", "pk"
        )
        return {(kind, seller_id): pk for kind, seller_id, pk in rows}

    found = existing()
    missing = wanted - found.keys()
    if missing:
        missing |= {(kind, seller_id) for _, seller_id in missing if seller_id is not None for kind in SELLER_KINDS}
        ordered = sorted(missing, key=lambda pair: (pair[1] or 0, pair[0]))
        Account.objects.bulk_create([Account(kind=k, seller_id=s) for k, s in ordered], ignore_conflicts=True)
        found = existing()
    return {pair: found[pair] for pair in wanted}


# --- The gateway's half ---------------------------------------------------------------------------------


def book_capture(*, payment_id: str, order_id: str, amount: Decimal, occurred_at: datetime | None = None) -> None:
    """A payment captured at the gateway: the money is in clearing, held for the buyer until allocated."""
    post(
        key=f"capture:{payment_id}", kind=TxKind.CAPTURE, occurred_at=occurred_at, order_id=order_id,
        legs=[Leg(Kind.GATEWAY_CLEARING, -amount), Leg(Kind.BUYER_FUNDS, amount)],
    )  # fmt: skip


def book_gateway_refund(
    *, refund_id: str, payment_id: str, order_id: str, amount: Decimal, occurred_at: datetime | None = None
) -> None:
    """A refund paid by the gateway: the buyer's money leaves clearing."""
    post(
        key=f"gateway-refund:{refund_id}", kind=TxKind.GATEWAY_REFUND, occurred_at=occurred_at, order_id=order_id,
        reason=f"payment {payment_id}", legs=[Leg(Kind.BUYER_FUNDS, -amount), Leg(Kind.GATEWAY_CLEARING, amount)],
    )  # fmt: skip


# --- The order's half -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaidLine:
    line_id: int
    seller_id: int
    line_total: Decimal
    commission: Decimal


def book_order_paid(
    *,
    order_id: str,
    lines: Sequence[PaidLine],
    tax: Decimal,
    shipping: Decimal,
    total: Decimal,
    occurred_at: datetime | None = None,
) -> None:
    """An order paid: its total moves from the buyer's funds to each seller's pending funds (their lines' goods
    less commission), the platform's commission, tax and shipping; each line's funds start pending. Raises
    UnbalancedTransaction when the lines, tax and shipping do not make the total."""
    legs = [Leg(Kind.BUYER_FUNDS, -total), Leg(Kind.TAX_PAYABLE, tax), Leg(Kind.SHIPPING, shipping)]
    for line in lines:
        legs += [
            Leg(Kind.SELLER_PENDING, line.line_total - line.commission, line.seller_id),
            Leg(Kind.PLATFORM_REVENUE, line.commission),
        ]
    with transaction.atomic():
        posted = post(key=f"order-paid:{order_id}", kind=TxKind.ORDER_PAID, legs=legs, occurred_at=occurred_at,
                      order_id=order_id)  # fmt: skip
        if posted is not None:
            LineFunds.objects.bulk_create(
                [
                    LineFunds(
                        line_id=line.line_id,
                        order_id=order_id,
                        seller_id=line.seller_id,
                        gross=quantize(line.line_total),
                        commission=quantize(line.commission),
                    )
                    for line in lines
                ],
                ignore_conflicts=True,
            )


def book_refund(
    *,
    order_refund_id: str,
    order_id: str,
    goods: Decimal,
    tax: Decimal,
    shipping: Decimal,
    line_id: int | None = None,
    reason: str = "",
    occurred_at: datetime | None = None,
) -> None:
    """A refund that reached the buyer takes its shares back: the line's goods from its seller (pending funds
    while the line is pending, else available: a balance may go negative and the next payout nets it) less the
    commission on them, which the platform gives back; tax and shipping from theirs. Goods beyond what the line
    has left, or refunded without a line, are the platform's (adjustments)."""
    goods, tax, shipping = quantize(goods), quantize(tax), quantize(shipping)
    legs = [Leg(Kind.BUYER_FUNDS, goods + tax + shipping), Leg(Kind.TAX_PAYABLE, -tax), Leg(Kind.SHIPPING, -shipping)]
    with transaction.atomic():
        # The line first, then the check: the same refund handled twice at once books once, its share taken once.
        funds = next(iter(lock_line_funds(line_ids=[line_id])), None) if line_id is not None and goods else None
        if Transaction.objects.filter(key=f"refund:{order_refund_id}").exists():
            return
        if funds is None and line_id is not None and goods:
            _check_booked(order_id)  # the seller's share must come from the seller, never from the platform
        if funds is None:
            legs.append(Leg(Kind.ADJUSTMENTS, -goods))
            seller_id = None
        else:
            applied = min(goods, funds.gross - funds.refunded_goods)
            commission = _commission_back(funds, applied)
            account = Kind.SELLER_PENDING if funds.status == LineFunds.Status.PENDING else Kind.SELLER_AVAILABLE
            legs += [
                Leg(account, -(applied - commission), funds.seller_id),
                Leg(Kind.PLATFORM_REVENUE, -commission),
                Leg(Kind.ADJUSTMENTS, -(goods - applied)),
            ]
            seller_id = funds.seller_id
            funds.refunded_goods += applied
            funds.commission_refunded += commission
            funds.save(update_fields=["refunded_goods", "commission_refunded"])
        post(
            key=f"refund:{order_refund_id}", kind=TxKind.REFUND, legs=legs, occurred_at=occurred_at,
            order_id=order_id, line_id=line_id, seller_id=seller_id, reason=reason,
        )  # fmt: skip


def _check_booked(order_id: str) -> None:
    """Raise OrderNotBookedYet unless the order's payment was allocated: its event is still on its way (the outbox
    retries the caller's event later). Orders paid before the ledger existed stay unbooked: their events fail
    after the last attempt and wait for staff, never booked to the wrong account."""
    if not Transaction.objects.filter(key=f"order-paid:{order_id}").exists():
        raise OrderNotBookedYet(f"Order {order_id} is not booked yet.")


def _commission_back(funds: LineFunds, goods: Decimal) -> Decimal:
    """The commission given back with ``goods`` of a line: in proportion, rounded once; all that is left once the
    whole line is refunded, so a line refunded in parts gives back exactly its commission."""
    left = funds.commission - funds.commission_refunded
    if goods <= 0:
        return ZERO
    if funds.refunded_goods + goods >= funds.gross:
        return left
    return min(quantize(funds.commission * goods / funds.gross), left)


# --- Seller funds: pending, then available ---------------------------------------------------------------


def record_delivery(*, seller_id: int, line_ids: Iterable[int], delivered_at: datetime, order_id: str = "") -> int:
    """Lines delivered: their money becomes available after the seller's return window and FUNDS_HOLD_DAYS.
    Idempotent (a line's date is set once); returns how many lines got one. Raises OrderNotBookedYet when
    ``order_id``'s payment is not allocated yet (its event is on its way: the caller's is retried later)."""
    line_ids = list(line_ids)
    if order_id and LineFunds.objects.filter(line_id__in=line_ids).count() < len(set(line_ids)):
        _check_booked(order_id)
    window = seller_selectors.return_windows_of(seller_ids=[seller_id]).get(seller_id, settings.RETURN_WINDOW_DAYS)
    available_at = delivered_at + timedelta(days=window + settings.FUNDS_HOLD_DAYS)
    return LineFunds.objects.filter(line_id__in=line_ids, delivered_at__isnull=True).update(
        delivered_at=delivered_at, available_at=available_at
    )


def release_funds(*, now: datetime | None = None, batch: int = 500) -> int:
    """Move every line whose time has come from its seller's pending to available funds; returns how many lines.
    Safe to run twice and at once (each line is locked, skipped by the other run, and released once)."""
    now = now or timezone.now()
    released = 0
    while True:
        with transaction.atomic():
            due = lock_due_line_funds(now=now, limit=batch)
            for funds in due:
                share = funds.seller_share
                post(
                    key=f"release:{funds.line_id}", kind=TxKind.RELEASE, occurred_at=now, order_id=funds.order_id,
                    line_id=funds.line_id, seller_id=funds.seller_id, reason="Return window closed",
                    legs=[Leg(Kind.SELLER_PENDING, -share, funds.seller_id),
                          Leg(Kind.SELLER_AVAILABLE, share, funds.seller_id)],
                )  # fmt: skip
                funds.status, funds.released_at = LineFunds.Status.AVAILABLE, now
                funds.save(update_fields=["status", "released_at"])
        released += len(due)
        if len(due) < batch:
            return released


# --- Payouts --------------------------------------------------------------------------------------------


def parse_period(period: str) -> date:
    """The Monday of an ISO week written ``2026-W49``; raises InvalidPeriod."""
    match = PERIOD.match(str(period).strip())
    try:
        if match is None:
            raise ValueError(period)
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise InvalidPeriod(f"{period!r} is not an ISO week such as 2026-W49.") from None


def previous_period(*, now: datetime | None = None) -> str:
    """The ISO week before ``now``'s: the one a Monday run pays."""
    year, week, _ = (timezone.localdate(now) - timedelta(days=7)).isocalendar()
    return f"{year}-W{week:02d}"


def run_payouts(*, period: str, now: datetime | None = None) -> list[Payout]:
    """One payout per seller with a positive available balance and no hold, for ``period`` (an ISO week), sent
    through the PAYOUT_PROVIDER; idempotent per seller and period (twice, or twice at once, pays once). Payouts
    left pending by an earlier crash are sent again. Returns the payouts created by this run."""
    parse_period(period)
    created = []
    for account_id, seller_id in (
        Account.objects.filter(kind=Kind.SELLER_AVAILABLE).order_by("seller_id").values_list("pk", "seller_id")
    ):
        payout = _create_payout(account_id=account_id, seller_id=seller_id, period=period)
        if payout is not None:
            created.append(payout)
    send_pending_payouts()
    return created


def _create_payout(*, account_id: int, seller_id: int, period: str) -> Payout | None:
    with transaction.atomic():
        lock_account(account_id=account_id)  # one payout run at a time per seller
        if PayoutHold.objects.filter(seller_id=seller_id).exists():
            return None
        if Payout.objects.filter(seller_id=seller_id, period=period).exists():
            return None
        unpaid = list(Entry.objects.filter(account_id=account_id, payout__isnull=True).values_list("pk", "amount"))
        entry_ids = [pk for pk, _ in unpaid]
        amount = quantize(sum((value for _, value in unpaid), ZERO))
        if amount <= 0:
            return None  # nothing to pay, or a negative balance carried to the next run
        payout = Payout.objects.create(
            seller_id=seller_id, period=period, amount=amount, currency=settings.STORE_CURRENCY,
            provider=payout_provider().name,
        )  # fmt: skip
        Entry.objects.filter(pk__in=entry_ids).update(payout=payout)
        posted = post(
            key=f"payout:{payout.pk}", kind=TxKind.PAYOUT, seller_id=seller_id, reason=f"Payout {period}",
            legs=[Leg(Kind.SELLER_AVAILABLE, -amount, seller_id), Leg(Kind.SELLER_PAID_OUT, amount, seller_id)],
        )  # fmt: skip
        Entry.objects.filter(transaction=posted, account_id=account_id).update(payout=payout)
    return payout


def send_pending_payouts() -> int:
    """Send every pending payout through the provider (idempotent on the payout id); returns how many settled."""
    settled = 0
    provider = payout_provider()
    for payout in Payout.objects.filter(status=Payout.Status.PENDING).order_by("created_at"):
        try:
            result = provider.send(payout)
        except Exception:  # the provider is down: the payout stays pending and the next run sends it again
            logger.exception("ledger.payout_postponed", payout_id=payout.pk)
            continue
        settled += settle_payout(payout_id=payout.pk, result=result)
    return settled


def settle_payout(*, payout_id: str, result: PayoutResult) -> bool:
    """Record the provider's answer once: paid, or failed with the money back in the seller's available funds."""
    if result.status == Payout.Status.PENDING:
        return False
    with transaction.atomic():
        payout = lock_payout(payout_id=payout_id)
        if payout.status != Payout.Status.PENDING:
            return False
        payout.status, payout.settled_at = result.status, timezone.now()
        payout.reference, payout.failure_reason = result.reference, result.failure_reason[:200]
        payout.save(update_fields=["status", "settled_at", "reference", "failure_reason"])
        if result.status == Payout.Status.FAILED:
            post(
                key=f"payout-failed:{payout.pk}", kind=TxKind.PAYOUT_FAILED, seller_id=payout.seller_id,
                reason=f"Payout {payout.period} failed: {result.failure_reason}"[:500],
                legs=[Leg(Kind.SELLER_PAID_OUT, -payout.amount, payout.seller_id),
                      Leg(Kind.SELLER_AVAILABLE, payout.amount, payout.seller_id)],
            )  # fmt: skip
    return True


# --- Staff ----------------------------------------------------------------------------------------------


def hold_payouts(*, seller_id: int, reason: str, actor=None) -> None:
    """Stop paying a seller until released (a dispute, a check); the reason is required."""
    if not reason.strip():
        raise InvalidAdjustment("Say why the payouts are held.")
    PayoutHold.objects.update_or_create(
        seller_id=seller_id, defaults={"reason": reason.strip()[:500], "held_by": actor}
    )


def release_payouts(*, seller_id: int) -> None:
    """Pay the seller again from the next run."""
    PayoutHold.objects.filter(seller_id=seller_id).delete()


def adjust_balance(*, seller_id: int, amount: Decimal, reason: str, actor=None) -> Transaction:
    """Credit (positive) or debit (negative) a seller's available funds against the platform's adjustments,
    with a reason; raises InvalidAdjustment for a zero amount or a blank reason."""
    amount = quantize(amount)
    if not amount or not reason.strip():
        raise InvalidAdjustment()
    with transaction.atomic():
        account = account_ids({(Kind.SELLER_AVAILABLE, seller_id)})[(Kind.SELLER_AVAILABLE, seller_id)]
        lock_account(account_id=account)  # not in the middle of a payout of this seller
        return post(
            key=f"adjustment:{uuid.uuid4().hex}", kind=TxKind.ADJUSTMENT, seller_id=seller_id, reason=reason.strip(),
            actor=actor, legs=[Leg(Kind.SELLER_AVAILABLE, amount, seller_id), Leg(Kind.ADJUSTMENTS, -amount)],
        )  # fmt: skip
