"""A payment captured but never applied to its order (its settling step failed) is settled first by every
path that expires or cancels the order: refunded exactly once when the order can no longer be fulfilled,
applied when it still can. A payment for another amount than the order's total never pays it."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
import pytest

from orders import services
from orders.errors import OrderExpired, OrderTotalChanged
from orders.models import Order, OrderEvent, OrderRefund
from orders.services import purchase
from payments import services as payment_services
from payments.models import Payment, Refund
from tests.orders.conftest import assert_ledger_balances, checkout, fill_cart, pay, stock

pytestmark = pytest.mark.django_db


class SettleFailed(Exception):
    pass


@pytest.fixture
def settling_fails(monkeypatch):
    """The step that applies a captured payment to its order raises (a crash after the charge); undo()
    lets it work again."""

    original, broken = purchase._settle, {"now": True}

    def settle(**kwargs):
        if broken["now"]:
            raise SettleFailed()
        return original(**kwargs)

    monkeypatch.setattr(purchase, "_settle", settle)
    return lambda: broken.update(now=False)


def place(buyer, client, variant, quantity=2) -> str:
    fill_cart(buyer, (variant, quantity))
    response = checkout(client)
    assert response.status_code == 201, response.content
    return response.json()["order"]["id"]


def strand_a_captured_payment(buyer, order_id, settling_fails) -> Payment:
    """Pay the order: the card is charged, then settling fails; the order still awaits payment."""
    with pytest.raises(SettleFailed):
        services.pay_order(user=buyer, order_id=order_id, payment_token="tok_visa")
    settling_fails()
    payment = Payment.objects.get(order_id=order_id)
    assert payment.status == "succeeded"
    assert Order.objects.get(pk=order_id).status == "pending_payment"
    return payment


def past_its_hold(order_id: str) -> None:
    Order.objects.filter(pk=order_id).update(expires_at=timezone.now() - timedelta(seconds=1))


def assert_refunded_once(payment: Payment) -> None:
    payment.refresh_from_db()
    assert payment.refunded_amount == payment.amount
    assert list(Refund.objects.filter(payment=payment).values_list("amount", "status")) == [
        (payment.amount, "succeeded")
    ]
    assert OrderEvent.objects.filter(order_id=payment.order_id, kind="late_payment_refunded").count() == 1
    assert OrderRefund.objects.get(payment_id=payment.pk).status == "succeeded"


def test_the_sweep_refunds_a_captured_payment_before_expiring_its_order(buyer, buyer_client, variant, settling_fails):
    order_id = place(buyer, buyer_client, variant)
    payment = strand_a_captured_payment(buyer, order_id, settling_fails)
    past_its_hold(order_id)

    assert services.expire_overdue_orders() == 1

    assert Order.objects.get(pk=order_id).status == "expired"
    assert_refunded_once(payment)
    assert stock(variant) == (5, 0)
    assert_ledger_balances(variant)


def test_a_later_pay_expiring_the_order_refunds_the_captured_payment(buyer, buyer_client, variant, settling_fails):
    order_id = place(buyer, buyer_client, variant)
    payment = strand_a_captured_payment(buyer, order_id, settling_fails)
    past_its_hold(order_id)

    response = pay(buyer_client, order_id)

    assert (response.status_code, response.json()["code"]) == (409, "order_expired")
    assert_refunded_once(payment)


def test_the_payment_event_settling_after_the_sweep_does_not_refund_twice(buyer, buyer_client, variant, settling_fails):
    order_id = place(buyer, buyer_client, variant)
    payment = strand_a_captured_payment(buyer, order_id, settling_fails)
    past_its_hold(order_id)
    services.expire_overdue_orders()

    # "payment.succeeded" (published for the synchronous success) is delivered again, and again.
    for _ in range(2):
        services.settle_payment(order_id=order_id, payment_id=payment.pk, amount=payment.amount)
    services.expire_overdue_orders()
    services.pay_pending_refunds()

    assert_refunded_once(payment)


def test_a_later_pay_within_the_hold_applies_the_captured_payment_without_charging_again(
    buyer, buyer_client, variant, settling_fails, gateway_charges
):
    order_id = place(buyer, buyer_client, variant)
    payment = strand_a_captured_payment(buyer, order_id, settling_fails)

    response = pay(buyer_client, order_id)

    assert response.status_code == 200, response.content
    order = Order.objects.get(pk=order_id)
    assert (order.status, order.payment_id) == ("paid", payment.pk)
    assert len(gateway_charges) == 1
    assert not Refund.objects.exists()


def test_a_cancel_applies_a_captured_payment_first_then_refunds_the_item(buyer, buyer_client, variant, settling_fails):
    order_id = place(buyer, buyer_client, variant)
    payment = strand_a_captured_payment(buyer, order_id, settling_fails)

    result = services.cancel_item(user=buyer, order_id=order_id, product_id=variant.product_id, reason="no")

    order = Order.objects.get(pk=order_id)
    assert order.status == "cancelled"
    assert order.payment_id == payment.pk
    payment.refresh_from_db()
    assert payment.refunded_amount == payment.amount == result.refund_amount
    assert stock(variant) == (5, 0)
    assert_ledger_balances(variant)


def charge_another_amount(order_id: str) -> Payment:
    order = Order.objects.get(pk=order_id)
    return payment_services.charge(
        order_id=order_id,
        amount=order.total + Decimal("5.00"),
        currency=order.currency,
        payment_token="tok_visa",
        attempt_key=f"{order_id}:1",
    )


def test_a_payment_of_another_amount_never_pays_the_order_and_is_refunded(buyer, buyer_client, variant):
    order_id = place(buyer, buyer_client, variant)
    wrong = charge_another_amount(order_id)

    order = services.settle_payment(order_id=order_id, payment_id=wrong.pk, amount=wrong.amount)

    assert (order.status, order.payment_id) == ("pending_payment", "")
    wrong.refresh_from_db()
    assert wrong.refunded_amount == wrong.amount
    assert stock(variant) == (5, 2)


def test_paying_after_a_payment_of_another_amount_refunds_it_and_charges_the_total(buyer, buyer_client, variant):
    order_id = place(buyer, buyer_client, variant)
    wrong = charge_another_amount(order_id)

    assert pay(buyer_client, order_id).status_code == 200

    wrong.refresh_from_db()
    assert wrong.refunded_amount == wrong.amount
    order = Order.objects.get(pk=order_id)
    assert order.status == "paid"
    assert Payment.objects.get(pk=order.payment_id).amount == order.total


def test_a_pay_whose_charge_is_not_the_total_answers_order_total_changed(buyer, buyer_client, variant, monkeypatch):
    order_id = place(buyer, buyer_client, variant)
    charge = payment_services.charge
    monkeypatch.setattr(payment_services, "charge", lambda **kw: charge(**{**kw, "amount": kw["amount"] + 1}))

    with pytest.raises(OrderTotalChanged):
        services.pay_order(user=buyer, order_id=order_id, payment_token="tok_visa")

    payment = Payment.objects.get(order_id=order_id)
    assert payment.refunded_amount == payment.amount
    assert Order.objects.get(pk=order_id).status == "pending_payment"


def test_an_order_expired_while_its_payment_was_captured_answers_order_expired(buyer, buyer_client, variant):
    order_id = place(buyer, buyer_client, variant)
    past_its_hold(order_id)
    with pytest.raises(OrderExpired):
        services.pay_order(user=buyer, order_id=order_id, payment_token="tok_visa")
    assert not Payment.objects.exists()


def test_cancelling_an_item_while_its_payment_is_pending_is_409_payment_in_progress(
    buyer, buyer_client, variant, django_capture_on_commit_callbacks
):
    order_id = place(buyer, buyer_client, variant)
    with django_capture_on_commit_callbacks():  # the gateway's webhook is never delivered
        assert pay(buyer_client, order_id, "tok_async").status_code == 202

    body = {"order": order_id, "product": variant.product_id, "reason": "changed my mind"}
    response = buyer_client.post("/api/v1/cancel", body, format="json")

    assert (response.status_code, response.json()["code"]) == (409, "payment_in_progress")
    order = Order.objects.get(pk=order_id)
    assert (order.status, order.total) == ("pending_payment", Payment.objects.get(order_id=order_id).amount)
    assert stock(variant) == (5, 2)
