"""The ledger's bookings, one by one: a capture, an order paid over two sellers, refunds taken back from the right
account, funds released after the return window, payouts (paid, failed, netting a negative balance), adjustments.
Every transaction balances; a booking repeated books once."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
import pytest

from ledger import selectors, services
from ledger.errors import InvalidAdjustment, InvalidPeriod, OrderNotBookedYet, UnbalancedTransaction
from ledger.models import Account, Entry, LineFunds, Payout, Transaction
from ledger.services import Leg, PaidLine
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

D = Decimal
Kind = Account.Kind
PERIOD = "2026-W49"


@pytest.fixture
def sellers():
    return SellerFactory(return_window_days=14), SellerFactory(return_window_days=30)


def balance(kind, seller=None) -> Decimal:
    entries = Entry.objects.filter(account__kind=kind, account__seller=seller)
    return entries.aggregate(total=Sum("amount"))["total"] or D("0.00")


def pay_order(sellers, *, order_id="ord_1", payment_id="pay_1"):
    """Two lines: 100.00 from the first seller at 10 % commission, 50.00 from the second at 12 %; tax 12.00,
    shipping 4.99: 166.99 captured and allocated."""
    first, second = sellers
    services.book_capture(payment_id=payment_id, order_id=order_id, amount=D("166.99"))
    services.book_order_paid(
        order_id=order_id,
        lines=[PaidLine(1, first.pk, D("100.00"), D("10.00")), PaidLine(2, second.pk, D("50.00"), D("6.00"))],
        tax=D("12.00"),
        shipping=D("4.99"),
        total=D("166.99"),
    )


def assert_every_transaction_balances():
    unbalanced = Transaction.objects.annotate(total=Sum("entries__amount")).exclude(total=0)
    assert not unbalanced.exists()


def test_a_paid_order_is_allocated_to_its_sellers_the_platform_tax_and_shipping(sellers):
    first, second = sellers
    pay_order(sellers)

    assert balance(Kind.GATEWAY_CLEARING) == D("-166.99")
    assert balance(Kind.BUYER_FUNDS) == 0
    assert balance(Kind.SELLER_PENDING, first) == D("90.00")
    assert balance(Kind.SELLER_PENDING, second) == D("44.00")
    assert balance(Kind.PLATFORM_REVENUE) == D("16.00")
    assert balance(Kind.TAX_PAYABLE) == D("12.00")
    assert balance(Kind.SHIPPING) == D("4.99")
    assert selectors.seller_balance(seller_id=first.pk).pending == D("90.00")
    assert_every_transaction_balances()


def test_booking_twice_books_once(sellers):
    pay_order(sellers)
    pay_order(sellers)

    assert Transaction.objects.count() == 2
    assert LineFunds.objects.count() == 2


def test_an_unbalanced_allocation_is_refused_and_writes_nothing(sellers):
    first, _ = sellers
    with pytest.raises(UnbalancedTransaction):
        services.book_order_paid(
            order_id="ord_bad", lines=[PaidLine(9, first.pk, D("10.00"), D("1.00"))], tax=D(0), shipping=D(0),
            total=D("11.00"),
        )  # fmt: skip

    assert not Transaction.objects.exists()
    assert not LineFunds.objects.exists()


def test_a_refund_before_delivery_comes_from_pending_funds_with_its_commission(sellers):
    first, _ = sellers
    pay_order(sellers)

    services.book_refund(order_refund_id="orf_1", order_id="ord_1", goods=D("40.00"), tax=D("4.80"), shipping=D(0),
                         line_id=1)  # fmt: skip
    services.book_gateway_refund(refund_id="re_1", payment_id="pay_1", order_id="ord_1", amount=D("44.80"))

    assert balance(Kind.SELLER_PENDING, first) == D("54.00")  # 90 less 40 less its 4.00 commission given back
    assert balance(Kind.PLATFORM_REVENUE) == D("12.00")
    assert balance(Kind.TAX_PAYABLE) == D("7.20")
    assert balance(Kind.GATEWAY_CLEARING) == D("-122.19")
    assert balance(Kind.BUYER_FUNDS) == 0
    assert_every_transaction_balances()


def test_a_line_refunded_in_parts_gives_back_exactly_its_commission(sellers):
    first, _ = sellers
    services.book_capture(payment_id="pay_3", order_id="ord_3", amount=D("10.00"))
    services.book_order_paid(
        order_id="ord_3", lines=[PaidLine(3, first.pk, D("10.00"), D("1.00"))], tax=D(0), shipping=D(0),
        total=D("10.00"),
    )  # fmt: skip
    for n in range(3):
        services.book_refund(order_refund_id=f"orf_{n}", order_id="ord_3", goods=D("3.33"), tax=D(0), shipping=D(0),
                             line_id=3)  # fmt: skip
    services.book_refund(order_refund_id="orf_last", order_id="ord_3", goods=D("0.01"), tax=D(0), shipping=D(0),
                         line_id=3)  # fmt: skip

    assert balance(Kind.PLATFORM_REVENUE) == 0
    assert balance(Kind.SELLER_PENDING, first) == 0
    funds = LineFunds.objects.get(line_id=3)
    assert (funds.refunded_goods, funds.commission_refunded) == (D("10.00"), D("1.00"))


def test_money_becomes_available_after_delivery_the_return_window_and_the_hold(sellers, settings):
    settings.FUNDS_HOLD_DAYS = 2
    first, _ = sellers
    pay_order(sellers)
    delivered = timezone.now() - timedelta(days=15)
    services.record_delivery(seller_id=first.pk, line_ids=[1], delivered_at=delivered)

    assert services.release_funds() == 0  # 14 days of returns + 2 of hold: one more day
    assert services.release_funds(now=delivered + timedelta(days=16, seconds=1)) == 1
    assert services.release_funds(now=delivered + timedelta(days=17)) == 0

    assert selectors.seller_balance(seller_id=first.pk).available == D("90.00")
    assert selectors.seller_balance(seller_id=first.pk).pending == 0


def released(sellers, now=None):
    first, second = sellers
    pay_order(sellers)
    long_ago = timezone.now() - timedelta(days=60)
    services.record_delivery(seller_id=first.pk, line_ids=[1], delivered_at=long_ago)
    services.record_delivery(seller_id=second.pk, line_ids=[2], delivered_at=long_ago)
    services.release_funds()


def test_a_payout_pays_the_available_balance_once_per_seller_and_period(sellers):
    first, second = sellers
    released(sellers)

    payouts = services.run_payouts(period=PERIOD)
    again = services.run_payouts(period=PERIOD)

    assert sorted((p.seller_id, p.amount) for p in payouts) == [(first.pk, D("90.00")), (second.pk, D("44.00"))]
    assert again == []
    assert set(Payout.objects.values_list("status", flat=True)) == {"paid"}
    balance_now = selectors.seller_balance(seller_id=first.pk)
    assert (balance_now.available, balance_now.paid_out) == (0, D("90.00"))
    [payout] = [p for p in payouts if p.seller_id == first.pk]
    assert sum(e.amount for e in selectors.payout_statement(payout=payout)) == payout.amount
    assert_every_transaction_balances()


def test_a_failed_payout_returns_the_money_to_available(sellers, settings):
    first, _ = sellers
    settings.PAYOUT_TEST_FAILING_SELLERS = [first.pk]
    released(sellers)

    services.run_payouts(period=PERIOD)

    payout = Payout.objects.get(seller=first)
    assert payout.status == "failed"
    assert payout.failure_reason
    assert selectors.seller_balance(seller_id=first.pk).available == D("90.00")
    settings.PAYOUT_TEST_FAILING_SELLERS = []
    [next_one] = services.run_payouts(period="2026-W50")
    assert next_one.amount == D("90.00")


def test_a_refund_after_payout_goes_negative_and_the_next_payout_nets_it(sellers):
    first, _ = sellers
    released(sellers)
    services.run_payouts(period=PERIOD)

    services.book_refund(order_refund_id="orf_late", order_id="ord_1", goods=D("20.00"), tax=D(0), shipping=D(0),
                         line_id=1)  # fmt: skip
    assert selectors.seller_balance(seller_id=first.pk).available == D("-18.00")
    assert all(p.seller_id != first.pk for p in services.run_payouts(period="2026-W50"))  # nothing to pay

    services.adjust_balance(seller_id=first.pk, amount=D("30.00"), reason="Goodwill for a late parcel")
    [payout] = services.run_payouts(period="2026-W51")
    assert payout.amount == D("12.00")


def test_held_payouts_wait_until_released(sellers):
    first, _ = sellers
    released(sellers)
    services.hold_payouts(seller_id=first.pk, reason="Dispute under review")

    assert [p.seller_id for p in services.run_payouts(period=PERIOD)] == [sellers[1].pk]
    services.release_payouts(seller_id=first.pk)
    assert [p.seller_id for p in services.run_payouts(period="2026-W50")] == [first.pk]


@pytest.mark.parametrize("period", ["2026-49", "2026-W54", "W49", "", "2026-W00"])
def test_a_bad_period_is_refused(period):
    with pytest.raises(InvalidPeriod):
        services.run_payouts(period=period)


def test_an_adjustment_needs_an_amount_and_a_reason(sellers):
    with pytest.raises(InvalidAdjustment):
        services.adjust_balance(seller_id=sellers[0].pk, amount=D("0"), reason="x")
    with pytest.raises(InvalidAdjustment):
        services.adjust_balance(seller_id=sellers[0].pk, amount=D("5"), reason="  ")
    assert not Transaction.objects.exists()


def test_post_refuses_legs_that_do_not_balance():
    with pytest.raises(UnbalancedTransaction):
        services.post(key="x", kind="adjustment", legs=[Leg(Kind.ADJUSTMENTS, D("1.00"))])


def test_a_line_refund_arriving_before_its_order_is_booked_waits_for_it(sellers):
    first, _ = sellers
    refund = {"order_refund_id": "orf_early", "order_id": "ord_1", "goods": D("10.00"), "tax": D(0), "shipping": D(0)}

    with pytest.raises(OrderNotBookedYet):  # the outbox retries the event later
        services.book_refund(**refund, line_id=1)
    assert not Transaction.objects.exists()

    pay_order(sellers)
    services.book_refund(**refund, line_id=1)
    assert balance(Kind.SELLER_PENDING, first) == D("81.00")
    assert balance(Kind.ADJUSTMENTS) == 0


def test_a_delivery_arriving_before_its_order_is_booked_waits_for_it(sellers):
    first, _ = sellers
    delivered = timezone.now() - timedelta(days=1)

    with pytest.raises(OrderNotBookedYet):
        services.record_delivery(seller_id=first.pk, line_ids=[1], delivered_at=delivered, order_id="ord_1")

    pay_order(sellers)
    assert services.record_delivery(seller_id=first.pk, line_ids=[1], delivered_at=delivered, order_id="ord_1") == 1
