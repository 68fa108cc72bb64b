"""Races on real PostgreSQL around a payment: a pay racing a cancel never charges more than the order's
final total, and a captured payment stranded on its order is refunded exactly once however the sweep and
late pay requests race to expire the order."""

from collections import Counter
from datetime import timedelta
from decimal import Decimal
import threading

from django.db import connection
from django.utils import timezone
import pytest

from orders import services
from orders.errors import IllegalTransition, OrderExpired, PaymentInProgress
from orders.models import Order, OrderEvent, OrderLine
from orders.selectors import order_totals
from orders.services import purchase
from payments import services as payment_services
from payments.gateways.test import TestGateway
from payments.models import Payment, Refund
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.concurrency import race
from tests.orders.conftest import ADDRESS, assert_ledger_balances, fill_cart

pytestmark = pytest.mark.django_db(transaction=True)

SLOW_GATEWAY_SECONDS = 0.5


def place(buyer, *lines) -> Order:
    fill_cart(buyer, *lines)
    return services.place_order(user=buyer, shipping_method="standard", shipping_address=ADDRESS)


def in_a_thread(fn) -> tuple[threading.Thread, list]:
    """Run fn() in a thread with its own connection; the list gets its result or exception."""
    outcome: list = []

    def run():
        try:
            outcome.append(fn())
        except Exception as exc:
            outcome.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def still_due(order: Order) -> Decimal:
    """What the buyer owes for the lines not cancelled: their total with tax and shipping."""
    lines = OrderLine.objects.filter(order=order).exclude(status="cancelled")
    subtotal = sum((line.line_total for line in lines), Decimal(0))
    return order_totals(subtotal=subtotal, shipping=order.shipping).total if subtotal else Decimal("0.00")


def kept(payment: Payment) -> Decimal:
    payment.refresh_from_db()
    return payment.amount - payment.refunded_amount


@pytest.fixture
def mug_and_lamp():
    mug = VariantFactory(stock=5, price=Decimal("10.00"), product__price=Decimal("10.00"))
    lamp = VariantFactory(stock=5, price=Decimal("25.00"), product__price=Decimal("25.00"))
    return mug, lamp


@pytest.mark.parametrize("stage", ["before the payment is recorded", "while the gateway answers"])
def test_pay_racing_a_cancel_never_charges_more_than_the_final_total(monkeypatch, mug_and_lamp, stage):
    mug, lamp = mug_and_lamp
    buyer = UserFactory()
    order = place(buyer, (mug, 2), (lamp, 1))
    charging = threading.Event()
    if stage == "before the payment is recorded":
        charge = payment_services.charge

        def slow(**kwargs):
            charging.set()
            threading.Event().wait(SLOW_GATEWAY_SECONDS)
            return charge(**kwargs)

        monkeypatch.setattr(payment_services, "charge", slow)
    else:
        gateway_charge = TestGateway.charge

        def slow(self, **kwargs):
            charging.set()
            threading.Event().wait(SLOW_GATEWAY_SECONDS)
            return gateway_charge(self, **kwargs)

        monkeypatch.setattr(TestGateway, "charge", slow)

    paying, paid = in_a_thread(lambda: services.pay_order(user=buyer, order_id=order.pk, payment_token="tok_visa"))
    assert charging.wait(5)
    _, cancelled = in_a_thread(
        lambda: services.cancel_item(user=buyer, order_id=order.pk, product_id=mug.product_id, reason="race")
    )
    paying.join()
    while not cancelled:
        threading.Event().wait(0.01)

    assert paid[0].is_paid, paid
    assert isinstance(cancelled[0], PaymentInProgress), cancelled
    payment = Payment.objects.get(order_id=order.pk)
    order.refresh_from_db()
    assert kept(payment) == payment.amount == order.total == still_due(order)

    # Once the payment is through, the same cancel works and refunds the item's share.
    services.cancel_item(user=buyer, order_id=order.pk, product_id=mug.product_id, reason="after")
    order.refresh_from_db()
    assert kept(payment) == still_due(order) == order.total - order.refunded_amount
    assert_ledger_balances(mug)


def test_many_pays_and_cancels_at_once_never_overcharge(monkeypatch, mug_and_lamp):
    mug, lamp = mug_and_lamp
    buyer = UserFactory()
    order = place(buyer, (mug, 2), (lamp, 1))
    charge = payment_services.charge

    def slow(**kwargs):
        threading.Event().wait(0.1)
        return charge(**kwargs)

    monkeypatch.setattr(payment_services, "charge", slow)

    def act(i):
        if i % 2:
            return services.cancel_item(user=buyer, order_id=order.pk, product_id=mug.product_id, reason="race")
        return services.pay_order(user=buyer, order_id=order.pk, payment_token="tok_visa")

    outcomes = race(act, 6)

    # A cancel is refused while a payment is under way, or finds the item cancelled already by another.
    refused = (PaymentInProgress, IllegalTransition)
    assert not [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, refused)], outcomes
    payment = Payment.objects.get(order_id=order.pk)
    order.refresh_from_db()
    assert order.status == "paid"
    assert kept(payment) == still_due(order)


def test_sweep_and_late_pays_racing_refund_a_stranded_payment_exactly_once(monkeypatch, variant):
    buyer = UserFactory()
    order = place(buyer, (variant, 2))
    settle = purchase._settle
    broken = {"now": True}

    def failing_settle(**kwargs):
        if broken["now"]:
            raise RuntimeError("the worker died after the charge")
        return settle(**kwargs)

    # The request's settling step and the "payment.succeeded" subscriber's both fail: the payment is stranded.
    monkeypatch.setattr(purchase, "_settle", failing_settle)
    with pytest.raises(RuntimeError):
        services.pay_order(user=buyer, order_id=order.pk, payment_token="tok_visa")
    broken["now"] = False
    payment = Payment.objects.get(order_id=order.pk, status="succeeded")
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    def act(i):
        if i % 2:
            return services.expire_overdue_orders()
        return services.pay_order(user=buyer, order_id=order.pk, payment_token="tok_visa")

    outcomes = race(act, 8)

    assert Counter(type(o).__name__ for o in outcomes) == {"int": 4, "OrderExpired": 4}, outcomes
    assert sum(o for o in outcomes if isinstance(o, int)) <= 1
    assert Order.objects.get(pk=order.pk).status == "expired"
    payment.refresh_from_db()
    assert payment.refunded_amount == payment.amount
    assert list(Refund.objects.filter(payment=payment).values_list("amount", "status")) == [
        (payment.amount, "succeeded")
    ]
    assert OrderEvent.objects.filter(order=order, kind="late_payment_refunded").count() == 1
    assert Payment.objects.filter(order_id=order.pk).count() == 1  # no late pay charged again
    assert all(not isinstance(o, OrderExpired) or o.code == "order_expired" for o in outcomes)
    assert_ledger_balances(variant)


@pytest.fixture
def variant():
    return VariantFactory(stock=5)
