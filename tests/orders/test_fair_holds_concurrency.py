"""Fair holds under races on real PostgreSQL: one greedy buyer firing checkouts at once never gets past the
caps (their cart row serializes them), while other buyers checking out at the same moment all succeed."""

from collections import Counter

import pytest

from cart import services as cart_services
from inventory.models import Hold
from orders.models import Order
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.concurrency import race
from tests.orders.conftest import assert_ledger_balances, checkout, client_for, fill_cart

pytestmark = pytest.mark.django_db(transaction=True)

GREEDY_TRIES = 8
OTHERS = 4


@pytest.fixture(autouse=True)
def caps(settings):
    settings.HOLD_MAX_OPEN_ORDERS = 3
    settings.HOLD_MAX_UNITS_PER_VARIANT = 10
    settings.HOLD_MAX_SHARE_OF_STOCK = 0.5
    settings.CHECKOUTS_PER_MINUTE = 100  # the race is about the holds, not the pace
    return settings


def test_a_greedy_buyers_racing_checkouts_hold_no_more_than_the_caps_while_others_buy():
    variant = VariantFactory(stock=40)
    greedy = UserFactory()
    cart_id = cart_services.user_cart_id(user=greedy)
    greedy_client = client_for(greedy)
    others = [UserFactory() for _ in range(OTHERS)]
    for other in others:
        fill_cart(other, (variant, 5))
    other_clients = [client_for(other) for other in others]

    def attempt(i):
        if i < OTHERS:
            return "other", checkout(other_clients[i])
        # Each greedy try puts 2 more units in the cart and checks out at once: 16 units tried in all.
        cart_services.add_to_cart(cart_id=cart_id, product_id=variant.product_id, quantity=2, sku=variant.sku)
        return "greedy", checkout(greedy_client)

    results = race(attempt, OTHERS + GREEDY_TRIES)

    assert not [r for r in results if isinstance(r, Exception)]
    assert [response.status_code for who, response in results if who == "other"] == [201] * OTHERS
    greedy_codes = Counter(
        response.json()["code"] if response.status_code != 201 else 201 for who, response in results if who == "greedy"
    )
    assert set(greedy_codes) <= {201, "too_many_open_orders", "hold_limit_exceeded", "empty_cart"}
    greedy_orders = Order.objects.filter(buyer=greedy, status="pending_payment")
    assert greedy_orders.count() <= 3
    holds = Hold.objects.filter(reference__in=greedy_orders.values("pk"), status="active")
    greedy_units = sum(holds.values_list("quantity", flat=True))
    assert greedy_units <= 10
    level = assert_ledger_balances(variant)
    assert level.held == greedy_units + 5 * OTHERS


def test_racing_checkouts_of_one_buyer_never_open_a_fourth_order():
    variant = VariantFactory(stock=100)
    greedy = UserFactory()
    fill_cart(greedy, (variant, 1))
    client = client_for(greedy)
    cart_id = cart_services.user_cart_id(user=greedy)

    def attempt(_):
        # Refill and check out: the refills and checkouts of all threads interleave.
        cart_services.add_to_cart(cart_id=cart_id, product_id=variant.product_id, quantity=1, sku=variant.sku)
        return checkout(client)

    responses = race(attempt, 8)

    assert not [r for r in responses if isinstance(r, Exception)]
    created = [r for r in responses if r.status_code == 201]
    assert 1 <= len(created) <= 3
    assert Order.objects.filter(buyer=greedy).count() == len(created)
    refused = {r.json()["code"] for r in responses if r.status_code != 201}
    assert refused <= {"too_many_open_orders", "empty_cart"}
