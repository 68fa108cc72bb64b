"""Checkout and pay run a pinned number of queries that does not grow with the number of lines."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
import pytest

from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.orders.conftest import checkout, client_for, fill_cart, pay

pytestmark = pytest.mark.django_db

# 22 statements (2 of them the outbox rows of "order.placed", 3 the fair-hold caps: the buyer's recent
# orders, their units held, the stock on hand, 1 the commission rules fixing each line's
# commission) and 4 savepoints (durable transactions, nested in the test one).
CHECKOUT_QUERIES = 26
# The answer also reads refunds and shipments; "order.paid" reads the lines for its payload and writes
# its outbox rows; the payment attempt is written on the order (1), and the synchronous success publishes
# "payment.succeeded" (2 outbox rows) so that its subscriber settles the order if this request cannot.
PAY_QUERIES = 39


def buyer_with_lines(n: int):
    buyer = UserFactory()
    fill_cart(buyer, *[(VariantFactory(stock=10), 2) for _ in range(n)])  # a seller per line
    return client_for(buyer)


def queries(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    return len(captured), response


def test_checkout_queries_are_pinned(django_assert_max_num_queries):
    client = buyer_with_lines(3)
    with django_assert_max_num_queries(CHECKOUT_QUERIES):
        assert checkout(client).status_code == 201


def test_checkout_queries_do_not_grow_with_the_lines():
    small, large = buyer_with_lines(1), buyer_with_lines(8)
    one, response = queries(lambda: checkout(small))
    assert response.status_code == 201
    eight, response = queries(lambda: checkout(large))
    assert response.status_code == 201
    assert eight == one


def test_pay_queries_are_pinned(django_assert_max_num_queries):
    client = buyer_with_lines(3)
    order_id = checkout(client).json()["order"]["id"]
    with django_assert_max_num_queries(PAY_QUERIES):
        assert pay(client, order_id).status_code == 200


def test_pay_queries_do_not_grow_with_the_lines():
    small, large = buyer_with_lines(1), buyer_with_lines(8)
    small_order, large_order = (checkout(c).json()["order"]["id"] for c in (small, large))
    one, response = queries(lambda: pay(small, small_order))
    assert response.status_code == 200
    eight, response = queries(lambda: pay(large, large_order))
    assert response.status_code == 200
    assert eight == one


def test_checkout_and_pay_with_an_idempotency_key_add_a_constant_few_queries():
    plain, keyed = buyer_with_lines(2), buyer_with_lines(2)
    without, _ = queries(lambda: checkout(plain))
    with_key, _ = queries(lambda: checkout(keyed, headers={"Idempotency-Key": "k"}))
    assert with_key - without <= 4
