"""Races on real PostgreSQL: cancels and returns of one order at the same moment never refund more than
was captured, and one item is refunded once however many times it is cancelled at once."""

from collections import Counter
from decimal import Decimal

import pytest

from orders import services
from orders.models import Order, OrderRefund
from payments import services as payment_services
from payments.models import Payment
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.concurrency import race
from tests.orders.conftest import assert_ledger_balances, client_for, deliver_lines, place_paid

pytestmark = pytest.mark.django_db(transaction=True)


def cancel(order, product_id):
    body = {"order": order.pk, "product": product_id, "reason": "race"}
    return client_for(order.buyer).post("/api/v1/cancel", body, format="json")


def money_back(order) -> tuple[Decimal, Decimal, Decimal]:
    """(captured, refunded by payments, claimed by orders)."""
    order.refresh_from_db()
    payment = Payment.objects.get(pk=order.payment_id)
    return payment.amount, payment.refunded_amount, order.refunded_amount


def test_cancelling_every_item_at_once_refunds_exactly_the_total(settings):
    settings.TAX_RATE = "0.0725"  # shares that do not divide evenly
    variants = [VariantFactory(stock=5, price=Decimal("3.33"), product__price=Decimal("3.33")) for _ in range(6)]
    order = place_paid(UserFactory(), *[(variant, 1) for variant in variants])

    responses = race(lambda i: cancel(order, variants[i].product_id), 6)

    assert [getattr(r, "status_code", r) for r in responses] == [200] * 6
    captured, refunded, claimed = money_back(order)
    assert refunded == claimed == captured == order.total
    assert order.status == "cancelled"
    assert set(OrderRefund.objects.values_list("status", flat=True)) == {"succeeded"}
    for variant in variants:
        assert_ledger_balances(variant)


def test_one_item_cancelled_ten_times_at_once_is_cancelled_and_refunded_once():
    mug, lamp = VariantFactory(stock=5), VariantFactory(stock=5)
    order = place_paid(UserFactory(), (mug, 2), (lamp, 1))

    responses = race(lambda i: cancel(order, mug.product_id), 10)

    assert Counter(getattr(r, "status_code", r) for r in responses) == {200: 1, 409: 9}
    _captured, refunded, claimed = money_back(order)
    assert refunded == claimed == Decimal("20.00")
    assert OrderRefund.objects.count() == 1
    level = assert_ledger_balances(mug)
    assert level.on_hand == 5


def test_cancels_and_returns_racing_on_one_order_never_refund_more_than_captured(settings):
    settings.TAX_RATE = "0.08"
    variants = [VariantFactory(stock=10) for _ in range(4)]
    order = place_paid(UserFactory(), *[(variant, 2) for variant in variants])
    returned, *open_ones = order.lines.order_by("id")
    deliver_lines(order, returned)
    ret = services.request_return(
        user=order.buyer, order_id=order.pk, product_id=returned.product_id, quantity=2, reason="r"
    )
    seller = returned.seller.user
    services.approve_return(user=seller, return_id=ret.pk)
    # Staff refunded part of the payment by hand meanwhile: less is left than the items' shares.
    payment_services.refund(payment_id=order.payment_id, amount=Decimal("40.00"), reason="goodwill")

    def act(i):
        if i == 0:
            return services.receive_return(user=seller, return_id=ret.pk, resellable=True)
        return services.cancel_item(
            user=order.buyer, order_id=order.pk, product_id=open_ones[i - 1].product_id, reason="r"
        )

    results = race(act, 4)

    assert not [r for r in results if isinstance(r, Exception)]
    captured, refunded, _ = money_back(order)
    assert refunded <= captured
    paid_back = sum(OrderRefund.objects.filter(status="succeeded").values_list("amount", flat=True))
    assert refunded == Decimal("40.00") + paid_back
    assert OrderRefund.objects.filter(status="failed").exists()  # what no longer fitted was refused
    assert Order.objects.get(pk=order.pk).status == "delivered"
