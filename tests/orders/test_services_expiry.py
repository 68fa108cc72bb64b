"""Expiry: an unpaid order past its hold expires and its stock returns, by the sweep or by a late
payment attempt; paid orders never expire; a payment settling after expiry is refunded automatically."""

import time

from django.test import override_settings
import pytest

from inventory.models import StockMovement
from orders import services, tasks
from orders.models import Order, OrderEvent
from payments import services as payment_services
from payments.models import Payment, Refund
from tests.orders.conftest import assert_ledger_balances, checkout, fill_cart, pay, stock

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("short_hold")]


@pytest.fixture
def short_hold():
    with override_settings(ORDER_HOLD_SECONDS=1):
        yield


def wait_past_the_hold():
    time.sleep(1.1)


def place(user, client, variant, quantity=2) -> str:
    fill_cart(user, (variant, quantity))
    response = checkout(client)
    assert response.status_code == 201, response.content
    return response.json()["order"]["id"]


def test_the_sweep_expires_an_unpaid_order_past_its_hold_and_returns_its_stock(buyer, buyer_client, variant):
    order_id = place(buyer, buyer_client, variant)
    assert stock(variant) == (5, 2)
    wait_past_the_hold()

    assert tasks.expire_overdue_orders.delay().get() == 1

    order = Order.objects.get(pk=order_id)
    assert (order.status, order.closed_at is not None) == ("expired", True)
    assert stock(variant) == (5, 0)
    assert StockMovement.objects.filter(reference=order_id, reason=StockMovement.Reason.RELEASE).count() == 1
    assert_ledger_balances(variant)
    assert OrderEvent.objects.filter(order=order, kind="expired", from_status="pending_payment").count() == 1


def test_the_sweep_leaves_orders_still_within_their_hold(buyer, buyer_client, variant):
    with override_settings(ORDER_HOLD_SECONDS=300):
        order_id = place(buyer, buyer_client, variant)
    assert services.expire_overdue_orders() == 0
    assert services.expire_order(order_id=order_id) is False
    assert Order.objects.get(pk=order_id).status == "pending_payment"
    assert stock(variant) == (5, 2)


def test_a_late_payment_attempt_is_409_order_expired_and_returns_the_stock(
    buyer, buyer_client, variant, gateway_charges
):
    order_id = place(buyer, buyer_client, variant)
    wait_past_the_hold()  # and the sweep has not run

    response = pay(buyer_client, order_id, "tok_visa")

    assert response.status_code == 409, response.content
    assert response.json()["code"] == "order_expired"
    assert Order.objects.get(pk=order_id).status == "expired"
    assert stock(variant) == (5, 0)
    assert len(gateway_charges) == 0
    assert_ledger_balances(variant)
    assert pay(buyer_client, order_id, "tok_visa").json()["code"] == "order_expired"
    assert services.expire_overdue_orders() == 0


def test_paid_orders_never_expire(buyer, buyer_client, variant):
    order_id = place(buyer, buyer_client, variant)
    assert pay(buyer_client, order_id, "tok_visa").status_code == 200
    wait_past_the_hold()

    assert services.expire_overdue_orders() == 0
    assert services.expire_order(order_id=order_id) is False
    assert Order.objects.get(pk=order_id).status == "paid"
    assert stock(variant) == (3, 0)
    assert pay(buyer_client, order_id, "tok_visa").status_code == 200


def assert_refunded_in_full(order_id: str) -> Payment:
    payment = Payment.objects.get(order_id=order_id)
    assert payment.status == "succeeded"
    assert payment.refunded_amount == payment.amount
    assert list(Refund.objects.filter(payment=payment).values_list("amount", "status")) == [
        (payment.amount, "succeeded")
    ]
    assert OrderEvent.objects.filter(order_id=order_id, kind="late_payment_refunded").count() == 1
    return payment


def test_an_async_payment_settling_after_the_sweep_expired_the_order_is_refunded(
    buyer, buyer_client, variant, django_capture_on_commit_callbacks
):
    order_id = place(buyer, buyer_client, variant)
    with django_capture_on_commit_callbacks() as settle_later:
        assert pay(buyer_client, order_id, "tok_async").status_code == 202
    wait_past_the_hold()
    assert services.expire_overdue_orders() == 1

    with django_capture_on_commit_callbacks(execute=True):
        for callback in settle_later:
            callback()

    assert_refunded_in_full(order_id)
    assert Order.objects.get(pk=order_id).status == "expired"
    assert stock(variant) == (5, 0)
    assert_ledger_balances(variant)


def test_an_async_payment_settling_past_the_hold_before_the_sweep_expires_and_refunds(
    buyer, buyer_client, variant, django_capture_on_commit_callbacks
):
    order_id = place(buyer, buyer_client, variant)
    with django_capture_on_commit_callbacks() as settle_later:
        assert pay(buyer_client, order_id, "tok_async").status_code == 202
    wait_past_the_hold()

    with django_capture_on_commit_callbacks(execute=True):
        for callback in settle_later:
            callback()

    assert_refunded_in_full(order_id)
    assert Order.objects.get(pk=order_id).status == "expired"
    assert stock(variant) == (5, 0)


def test_a_late_payment_is_refunded_once_however_often_it_is_settled(buyer, buyer_client, variant):
    order_id = place(buyer, buyer_client, variant)
    wait_past_the_hold()
    services.expire_overdue_orders()
    payment = payment_services.charge(
        order_id=order_id,
        amount=Order.objects.get(pk=order_id).total,
        currency="USD",
        payment_token="tok_visa",
        attempt_key="late-1",
    )

    for _ in range(2):
        services.settle_payment(order_id=order_id, payment_id=payment.id, amount=payment.amount)

    assert_refunded_in_full(order_id)
