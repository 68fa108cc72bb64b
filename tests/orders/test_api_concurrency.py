"""Races on real PostgreSQL: buyers racing for the last units, orders overlapping in opposite orders,
and the same checkout or payment sent many times at once."""

from collections import Counter
import time

import pytest

from cart.models import CartItem
from inventory.models import Hold
from orders.models import Order
from payments import services as payment_services
from payments.models import Payment
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.concurrency import race
from tests.orders.conftest import assert_ledger_balances, checkout, client_for, fill_cart, pay

pytestmark = pytest.mark.django_db(transaction=True)


def test_fifty_buyers_racing_for_five_units_get_exactly_five_orders():
    variant = VariantFactory(stock=5)
    buyers = [UserFactory() for _ in range(50)]
    carts = [fill_cart(buyer, (variant, 1)) for buyer in buyers]
    clients = [client_for(buyer) for buyer in buyers]

    responses = race(lambda i: checkout(clients[i]), 50)

    assert Counter(getattr(r, "status_code", r) for r in responses) == {201: 5, 409: 45}
    refused = [r.json() for r in responses if r.status_code == 409]
    assert {body["code"] for body in refused} == {"out_of_stock"}
    assert all(body["lines"] == [{"variant_id": variant.pk, "requested": 1, "available": 0}] for body in refused)
    assert Order.objects.count() == 5
    level = assert_ledger_balances(variant)
    assert (level.on_hand, level.held) == (5, 5)
    assert Hold.objects.filter(variant=variant, status=Hold.Status.ACTIVE).count() == 5
    emptied = {cart for cart, r in zip(carts, responses, strict=True) if r.status_code == 201}
    assert set(CartItem.objects.values_list("cart_id", flat=True)) == set(carts) - emptied


def test_multi_line_orders_overlapping_in_opposite_orders_never_deadlock():
    scarce, common = VariantFactory(stock=6), VariantFactory(stock=100)
    buyers = [UserFactory() for _ in range(16)]
    for i, buyer in enumerate(buyers):
        lines = [(scarce, 1), (common, 2)]
        fill_cart(buyer, *(reversed(lines) if i % 2 else lines))
    clients = [client_for(buyer) for buyer in buyers]

    responses = race(lambda i: checkout(clients[i]), 16)

    assert Counter(getattr(r, "status_code", r) for r in responses) == {201: 6, 409: 10}
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"out_of_stock"}
    assert assert_ledger_balances(scarce).held == 6
    assert assert_ledger_balances(common).held == 12


def test_the_same_checkout_sent_ten_times_at_once_with_one_key_creates_one_order():
    buyer = UserFactory()
    variant = VariantFactory(stock=5)
    fill_cart(buyer, (variant, 2))
    clients = [client_for(buyer) for _ in range(10)]

    responses = race(lambda i: checkout(clients[i], headers={"Idempotency-Key": "checkout-once"}), 10)

    assert [getattr(r, "status_code", r) for r in responses] == [201] * 10
    assert len({r.json()["order"]["id"] for r in responses}) == 1
    assert sorted(r.headers.get("Idempotent-Replayed", "") for r in responses) == [""] + ["true"] * 9
    assert Order.objects.count() == 1
    assert assert_ledger_balances(variant).held == 2


def test_the_same_payment_sent_ten_times_at_once_with_one_key_charges_once(gateway_charges):
    buyer = UserFactory()
    variant = VariantFactory(stock=5)
    fill_cart(buyer, (variant, 2))
    order_id = checkout(client_for(buyer)).json()["order"]["id"]
    clients = [client_for(buyer) for _ in range(10)]

    responses = race(lambda i: pay(clients[i], order_id, headers={"Idempotency-Key": "pay-once"}), 10)

    assert [getattr(r, "status_code", r) for r in responses] == [200] * 10
    assert len({r.json()["payment"]["id"] for r in responses}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 9
    assert len(gateway_charges) == 1
    assert Payment.objects.filter(order_id=order_id).count() == 1
    assert (assert_ledger_balances(variant).on_hand, Order.objects.get().status) == (3, "paid")


def test_payments_sent_at_once_without_a_key_still_charge_once(gateway_charges, monkeypatch):
    buyer = UserFactory()
    variant = VariantFactory(stock=5)
    fill_cart(buyer, (variant, 2))
    order_id = checkout(client_for(buyer)).json()["order"]["id"]
    clients = [client_for(buyer) for _ in range(10)]
    charge = payment_services.charge

    def slow_charge(**kwargs):
        time.sleep(0.2)  # every request has checked the order before the first payment is recorded
        return charge(**kwargs)

    monkeypatch.setattr(payment_services, "charge", slow_charge)

    responses = race(lambda i: pay(clients[i], order_id), 10)

    assert {getattr(r, "status_code", r) for r in responses} <= {200, 202}
    assert len(gateway_charges) == 1
    assert Payment.objects.filter(order_id=order_id).count() == 1
    assert Order.objects.get().status == "paid"
    assert assert_ledger_balances(variant).on_hand == 3
