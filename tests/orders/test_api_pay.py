"""POST /api/v1/orders/{id}/pay: a good card pays the order and sells its stock once; a declined card
leaves it payable; an asynchronous payment answers 202 and pays the order when its webhook arrives."""

import pytest

from inventory.models import StockMovement
from orders.models import Order, OrderEvent
from payments.models import Payment
from tests.accounts.factories import UserFactory
from tests.orders.conftest import assert_ledger_balances, client_for, pay, stock

pytestmark = pytest.mark.django_db


def problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code
    return body


def test_a_good_card_answers_200_with_the_order_paid(buyer_client, placed):
    response = pay(buyer_client, placed["id"], "tok_visa")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["order"]["status"] == "paid"
    assert body["order"]["paid_at"]
    assert body["payment"]["status"] == "succeeded"
    assert body["payment"]["amount"] == placed["total"]
    assert body["order"]["payments"] == [body["payment"]]
    assert list(OrderEvent.objects.filter(order_id=placed["id"]).values_list("kind", "to_status")) == [
        ("placed", "pending_payment"),
        ("paid", "paid"),
    ]


def test_payment_sells_the_held_stock_exactly_once_in_the_ledger(buyer_client, placed, variant):
    pay(buyer_client, placed["id"], "tok_visa")
    pay(buyer_client, placed["id"], "tok_visa")

    assert stock(variant) == (3, 0)
    sales = StockMovement.objects.filter(variant=variant, reference=placed["id"], reason=StockMovement.Reason.SALE)
    assert list(sales.values_list("on_hand_delta", "held_delta")) == [(-2, -2)]
    assert_ledger_balances(variant)


def test_a_declined_card_is_402_and_the_order_stays_payable(buyer_client, placed, variant):
    body = problem(pay(buyer_client, placed["id"], "tok_chargeDeclined"), 402, "payment_declined")

    assert body["decline_code"] == "card_declined"
    assert body["order_id"] == placed["id"]
    assert Order.objects.get(pk=placed["id"]).status == "pending_payment"
    assert stock(variant) == (5, 2)  # still held for the buyer
    assert OrderEvent.objects.filter(order_id=placed["id"], kind="payment_failed").count() == 1


def test_a_retry_with_a_good_card_after_a_decline_pays_the_order(buyer_client, placed, variant):
    problem(pay(buyer_client, placed["id"], "tok_chargeDeclined"), 402, "payment_declined")

    response = pay(buyer_client, placed["id"], "tok_visa")

    assert response.status_code == 200, response.content
    assert response.json()["order"]["status"] == "paid"
    assert [p["status"] for p in response.json()["order"]["payments"]] == ["failed", "succeeded"]
    assert stock(variant) == (3, 0)


def test_an_async_payment_answers_202_and_its_webhook_then_pays_the_order(
    buyer_client, placed, variant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as settle_later:  # the gateway's webhook, held back
        response = pay(buyer_client, placed["id"], "tok_async")

    assert response.status_code == 202, response.content
    assert response.json()["order"]["status"] == "pending_payment"
    assert response.json()["payment"]["status"] == "pending"
    assert stock(variant) == (5, 2)

    with django_capture_on_commit_callbacks(execute=True):
        for callback in settle_later:
            callback()

    order = buyer_client.get(f"/api/v1/orders/{placed['id']}").json()["order"]
    assert order["status"] == "paid"
    assert [p["status"] for p in order["payments"]] == ["succeeded"]
    assert stock(variant) == (3, 0)
    assert_ledger_balances(variant)


def test_paying_again_while_an_async_payment_is_pending_charges_nothing_more(
    buyer_client, placed, gateway_charges, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        first = pay(buyer_client, placed["id"], "tok_async")
        second = pay(buyer_client, placed["id"], "tok_visa")

    assert (first.status_code, second.status_code) == (202, 202)
    assert second.json()["payment"]["id"] == first.json()["payment"]["id"]
    assert len(gateway_charges) == 1


def test_paying_someone_elses_order_is_404_and_charges_nothing(placed, gateway_charges):
    problem(pay(client_for(UserFactory()), placed["id"], "tok_visa"), 404, "not_found")
    assert Order.objects.get(pk=placed["id"]).status == "pending_payment"
    assert len(gateway_charges) == 0


def test_paying_an_order_that_does_not_exist_is_404(buyer_client):
    problem(pay(buyer_client, "ord_nope", "tok_visa"), 404, "not_found")


def test_paying_a_paid_order_again_returns_it_without_a_second_charge(buyer_client, placed, gateway_charges):
    first = pay(buyer_client, placed["id"], "tok_visa")
    again = pay(buyer_client, placed["id"], "tok_visa")

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json()["order"]["status"] == "paid"
    assert again.json()["payment"] == first.json()["payment"]
    assert len(gateway_charges) == 1
    assert Payment.objects.filter(order_id=placed["id"]).count() == 1


def test_an_unknown_token_is_declined(buyer_client, placed):
    body = problem(pay(buyer_client, placed["id"], "tok_unknown"), 402, "payment_declined")
    assert body["decline_code"] == "invalid_token"


def test_pay_needs_a_payment_token(buyer_client, placed):
    response = buyer_client.post(f"/api/v1/orders/{placed['id']}/pay", {}, format="json")
    assert list(problem(response, 400, "validation_error")["errors"]) == ["payment_token"]
