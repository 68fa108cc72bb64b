"""Races on real PostgreSQL: two payout runs at once pay each seller once per period; a refund racing a payout is
never lost (netted by the payout, or carried to the next one); two releases at once release each line once; one
refund delivered twice at once takes its goods back once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal
import functools
import random
import threading
import time

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone
import pytest

from ledger import selectors, services
from ledger.models import Account, LineFunds, Payout, Transaction
from ledger.services import PaidLine
from tests.concurrency import race
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db(transaction=True)

D = Decimal
ZERO = D("0.00")
LONG_AGO = timedelta(days=365)
ROUNDS = 6

_ids = iter(range(1, 1_000_000))


RATE = D("0.10")


def earn(seller_id: int, *amounts: Decimal, rate: Decimal = RATE) -> list[int]:
    """One paid order of ``amounts`` (one line each) for the seller, delivered long ago and released: its line ids."""
    n = next(_ids)
    lines = [PaidLine(next(_ids), seller_id, amount, (amount * rate).quantize(D("0.01"))) for amount in amounts]
    total = sum(amounts, ZERO)
    services.book_capture(payment_id=f"pay_{n}", order_id=f"ord_{n}", amount=total)
    services.book_order_paid(order_id=f"ord_{n}", lines=lines, tax=ZERO, shipping=ZERO, total=total)
    line_ids = [line.line_id for line in lines]
    services.record_delivery(seller_id=seller_id, line_ids=line_ids, delivered_at=timezone.now() - LONG_AGO)
    services.release_funds()
    return line_ids


def assert_every_transaction_balances():
    assert not Transaction.objects.annotate(total=Sum("entries__amount")).exclude(total=0).exists()


def test_two_payout_runs_at_once_pay_each_seller_once_per_period():
    sellers = [SellerFactory().pk for _ in range(4)]
    paid_total = ZERO
    for week in range(1, ROUNDS + 1):
        for i, seller_id in enumerate(sellers):
            earn(seller_id, D(10 * week + i) + D("0.99"))
        before = {seller_id: selectors.seller_balance(seller_id=seller_id).available for seller_id in sellers}
        period = f"2026-W{week:02d}"

        results = race(functools.partial(lambda i, period: services.run_payouts(period=period), period=period), 2)

        assert all(isinstance(r, list) for r in results), results
        created = [p for r in results for p in r]
        assert sorted(p.seller_id for p in created) == sorted(sellers)  # each by one of the two runs
        payouts = {p.seller_id: p for p in Payout.objects.filter(period=period)}
        assert {s: p.amount for s, p in payouts.items()} == before
        assert {p.status for p in payouts.values()} == {Payout.Status.PAID}
        assert all(selectors.seller_balance(seller_id=s).available == 0 for s in sellers)
        paid_total += sum(before.values(), ZERO)
    assert sum((selectors.seller_balance(seller_id=s).paid_out for s in sellers), ZERO) == paid_total
    assert not Payout.objects.values("seller_id", "period").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert_every_transaction_balances()


def _refund_racing_a_payout(round_no: int, *, first=None) -> str:
    """A seller with 135.00 available (100.00 and 50.00 at 10 %); a payout run and a refund of 40.00 of the first
    line (36.00 of the seller's share) at once; then 50.00 more and the next run. Returns which went first."""
    seller_id = SellerFactory().pk
    refunded_line, _ = earn(seller_id, D("100.00"), D("50.00"))
    before, share = D("135.00"), D("36.00")
    period, next_period = f"2026-W{2 * round_no - 1:02d}", f"2026-W{2 * round_no:02d}"

    def payout():
        return services.run_payouts(period=period)

    def refund():
        time.sleep(random.uniform(0, 0.01))  # either may go first
        services.book_refund(
            order_refund_id=f"orf_race_{round_no}", order_id="", goods=D("40.00"), tax=ZERO, shipping=ZERO,
            line_id=refunded_line,
        )  # fmt: skip

    results = (first or race)(lambda i: (payout, refund)[i](), 2)
    assert not any(isinstance(r, Exception) for r in results), results

    [paid] = Payout.objects.filter(seller_id=seller_id, period=period)
    owed = selectors.seller_balance(seller_id=seller_id)
    assert owed.available + owed.paid_out == before - share  # the refund is never lost
    if paid.amount == before - share:
        order = "refund first"
        assert owed.available == 0
    else:
        order = "payout first"
        assert (paid.amount, owed.available) == (before, -share)  # carried to the next payout
    assert sum(e.amount for e in selectors.payout_statement(payout=paid)) == paid.amount

    services.adjust_balance(seller_id=seller_id, amount=D("50.00"), reason="More sales")
    [then] = services.run_payouts(period=next_period)
    assert then.amount == D("50.00") - (share if order == "payout first" else ZERO)
    owed = selectors.seller_balance(seller_id=seller_id)
    assert (owed.available, owed.paid_out) == (ZERO, before - share + D("50.00"))
    assert_every_transaction_balances()
    return order


def test_a_refund_racing_a_payout_is_netted_or_carried_never_lost():
    orders = [_refund_racing_a_payout(n) for n in range(1, ROUNDS + 1)]
    assert set(orders) <= {"refund first", "payout first"}


def _race_with_a_row_held(table: str, pk: int, *, let_go_when, mode: str = "FOR UPDATE"):
    """A runner like ``race`` whose threads start while another connection holds row ``pk`` of ``table`` (locked
    ``mode``); it lets go once ``let_go_when(futures)`` is true (or after 10 s), so the test chooses who goes first."""

    def run(fn, n: int) -> list:
        holding, let_go = threading.Event(), threading.Event()

        def hold():
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s {mode}", [pk])  # noqa: S608
                    holding.set()
                    let_go.wait(timeout=30)
            finally:
                connection.close()

        def call(i):
            try:
                return fn(i)
            except Exception as exc:
                return exc
            finally:
                connection.close()

        with ThreadPoolExecutor(n + 1) as pool:
            held = pool.submit(hold)
            assert holding.wait(timeout=30)
            futures = [pool.submit(call, i) for i in range(n)]
            deadline = time.monotonic() + 10
            while not let_go_when(futures) and time.monotonic() < deadline:
                time.sleep(0.01)
            let_go.set()
            held.result()
            return [f.result() for f in futures]

    return run


def _waiting_for_a_lock() -> int:
    """How many connections of the test database wait for a lock now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


@pytest.mark.parametrize("first", ["refund first", "payout first"])
def test_a_refund_racing_a_payout_in_either_order_is_never_lost(first):
    """Both orders forced: the payout held at the seller's account lock until the refund has committed (held FOR NO
    KEY UPDATE, which the refund's entries, referring to the account, do not wait for); or the refund held at its
    line's lock until the payout has committed."""

    def runner(fn, n):
        seller_id, line_pk = LineFunds.objects.order_by("line_id").values_list("seller_id", "pk").first()
        if first == "refund first":
            account = Account.objects.get(kind=Account.Kind.SELLER_AVAILABLE, seller_id=seller_id)
            held = _race_with_a_row_held(
                "ledger_account", account.pk, let_go_when=lambda f: f[1].done(), mode="FOR NO KEY UPDATE"
            )
        else:
            held = _race_with_a_row_held("ledger_linefunds", line_pk, let_go_when=lambda f: f[0].done())
        return held(fn, n)

    assert _refund_racing_a_payout(1, first=runner) == first


def _delivered_lines(sellers: list[int], count: int) -> list[tuple[int, Decimal]]:
    """``count`` paid lines over the sellers, delivered long ago, still pending: (seller, seller's share) each."""
    lines = []
    for n in range(count):
        seller_id = sellers[n % len(sellers)]
        order_id, line_id = f"ord_rel_{n}", 10_000 + n
        amount = D(n + 1) + D("0.50")
        services.book_capture(payment_id=f"pay_rel_{n}", order_id=order_id, amount=amount)
        services.book_order_paid(
            order_id=order_id, lines=[PaidLine(line_id, seller_id, amount, D("1.00"))], tax=ZERO, shipping=ZERO,
            total=amount,
        )  # fmt: skip
        services.record_delivery(seller_id=seller_id, line_ids=[line_id], delivered_at=timezone.now() - LONG_AGO)
        lines.append((seller_id, amount - D("1.00")))
    return lines


def _assert_released_once(sellers, lines, results):
    assert all(isinstance(r, int) for r in results), [repr(r) for r in results]
    assert sum(results) == len(lines), results
    per_line = Transaction.objects.filter(kind=Transaction.Kind.RELEASE).values("line_id").annotate(n=Count("pk"))
    assert sorted((row["line_id"], row["n"]) for row in per_line) == [(10_000 + n, 1) for n in range(len(lines))]
    assert not LineFunds.objects.exclude(status=LineFunds.Status.AVAILABLE).exists()
    for seller_id in sellers:
        owed = selectors.seller_balance(seller_id=seller_id)
        assert (owed.pending, owed.available) == (ZERO, sum((a for s, a in lines if s == seller_id), ZERO))
    assert_every_transaction_balances()


def test_two_releases_at_once_release_each_line_once():
    sellers = [SellerFactory().pk for _ in range(3)]
    lines = _delivered_lines(sellers, 30)
    # The sellers were paid before: their available accounts exist (see the test below for a first release).
    services.account_ids({(Account.Kind.SELLER_AVAILABLE, seller_id) for seller_id in sellers})

    results = race(lambda i: services.release_funds(batch=4), 2)

    _assert_released_once(sellers, lines, results)


def test_two_first_releases_at_once_release_each_line_once():
    sellers = [SellerFactory().pk for _ in range(3)]
    lines = _delivered_lines(sellers, 30)

    results = race(lambda i: services.release_funds(batch=4), 2)

    _assert_released_once(sellers, lines, results)


def test_one_refund_delivered_twice_at_once_takes_its_goods_back_once():
    """Both deliveries pass the "booked before?" check, then wait for the line; the second must not count the goods
    on the line again when its posting finds the refund booked."""
    seller_id = SellerFactory().pk
    line_id, _ = earn(seller_id, D("100.00"), D("50.00"))
    funds_pk = LineFunds.objects.get(line_id=line_id).pk
    runner = _race_with_a_row_held("ledger_linefunds", funds_pk, let_go_when=lambda f: _waiting_for_a_lock() == 2)

    results = runner(
        lambda i: services.book_refund(
            order_refund_id="orf_twice", order_id="", goods=D("40.00"), tax=ZERO, shipping=ZERO, line_id=line_id
        ),
        2,
    )

    assert results == [None, None]
    assert Transaction.objects.filter(key="refund:orf_twice").count() == 1
    funds = LineFunds.objects.get(line_id=line_id)
    assert (funds.refunded_goods, funds.commission_refunded) == (D("40.00"), D("4.00"))
    assert selectors.seller_balance(seller_id=seller_id).available == D("135.00") - D("36.00")
