"""Races on real PostgreSQL for the units of an order left unpaid past its hold, with no sweep running: the
buyers who need them expire it once, in the usual lock order (order, then stock), and exactly the units
there are get sold."""

from collections import Counter

from django.test import override_settings
import pytest

from inventory.models import Hold, StockMovement
from orders.models import Order, OrderEvent
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.concurrency import race
from tests.orders.conftest import assert_ledger_balances, checkout, client_for, fill_cart
from tests.orders.test_api_checkout_availability import abandon, wait_past_the_hold

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("unlimited_holds")]


@pytest.mark.parametrize("buyers", [2, 8])
def test_buyers_racing_for_the_units_of_a_lapsed_order_buy_exactly_those_units(buyers):
    variant = VariantFactory(stock=3)
    abandoned = abandon(variant, 3)
    wait_past_the_hold(abandoned)
    people = [UserFactory() for _ in range(buyers)]
    for person in people:
        fill_cart(person, (variant, 2 if buyers == 2 else 1))
    clients = [client_for(person) for person in people]

    with override_settings(ORDER_HOLD_SECONDS=300):
        responses = race(lambda i: checkout(clients[i]), buyers)

    sold = 1 if buyers == 2 else 3
    assert Counter(getattr(r, "status_code", r) for r in responses) == {201: sold, 409: buyers - sold}
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"out_of_stock"}
    stale = Order.objects.get(pk=abandoned)
    assert stale.status == "expired"
    assert OrderEvent.objects.filter(order=stale, kind="expired").count() == 1
    assert StockMovement.objects.filter(reference=abandoned, reason=StockMovement.Reason.RELEASE).count() == 1
    level = assert_ledger_balances(variant)
    assert level.held == sold * (2 if buyers == 2 else 1)
    assert Hold.objects.filter(variant=variant, status=Hold.Status.ACTIVE).count() == sold
