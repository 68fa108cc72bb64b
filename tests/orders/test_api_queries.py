"""Checkout and pay run a pinned number of queries that does not grow with the number of lines.

How they are counted: every round trip the request makes to PostgreSQL, as production runs it. The tests are
``transaction=True``: each durable transaction of a step really begins and commits (BEGIN and COMMIT are
counted, one pair per transaction), and none is a savepoint nested in a test transaction. The outbox's
deliveries are handed to a stand-in for the broker: in production the subscribers run on the workers, not in
the request (with eager Celery they would run inside it, and their queries are theirs, not the step's).
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext
import pytest

from shop import events
from shop.models import EventDelivery
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.orders.conftest import checkout, client_for, fill_cart, pay

pytestmark = pytest.mark.django_db(transaction=True)

TRANSACTION_CONTROL = ("BEGIN", "COMMIT")

# One transaction (BEGIN, COMMIT) and 12 statements: the cart's row lock and its lines; the buyer's recent
# orders with the units they hold (the fair-hold caps, one query); the stock rows locked (their units on hand
# checked against the caps there); the holds (one INSERT that also refuses a second hold of the order); the stock
# rows' held units with their ledger rows (one statement); the low-stock check; the commission rules (fixing each
# line's commission); the order, its lines and its history row (one statement); the cart's lines removed;
# "order.placed" with its deliveries (one statement). The answer is the order as written: one query, the lines'
# sellers.
CHECKOUT_TRANSACTIONS = 1
CHECKOUT_QUERIES = 14

# Four transactions (8 round trips of BEGIN and COMMIT), each a step the design keeps apart, and 14 statements:
# the order locked, its payments read and the attempt written on it; the payment created before the gateway is
# called, with its history row (one statement); the gateway's answer recorded (a conditional UPDATE with its
# history row, one statement; "payment.succeeded" with its deliveries, one); the order settled (its row lock; the
# stock rows of its holds locked; the holds sold; the stock with its ledger rows; the order paid with its history
# row; the lines read once for "order.paid" and the answer; "order.paid" with its deliveries). The answer reads
# the paid order's shipments only; its payments are those the request knows.
PAY_TRANSACTIONS = 4
PAY_STATEMENTS = 14
PAY_QUERIES = PAY_STATEMENTS + 2 * PAY_TRANSACTIONS


@pytest.fixture(autouse=True)
def broker(monkeypatch) -> list[int]:
    """The deliveries handed to the workers after commit (what the broker would get), in order."""
    sent: list[int] = []

    def to_the_broker(delivery_ids, **_):
        sent.extend(delivery_ids)
        return len(sent)

    monkeypatch.setattr(events, "send", to_the_broker)
    return sent


def buyer_with_lines(n: int):
    buyer = UserFactory()
    fill_cart(buyer, *[(VariantFactory(stock=10), 2) for _ in range(n)])  # a seller per line
    return client_for(buyer)


def queries(call) -> tuple[list[str], object]:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    return [query["sql"] for query in captured.captured_queries], response


def transactions(sql: list[str]) -> int:
    return sum(statement == "BEGIN" for statement in sql)


def statements(sql: list[str]) -> list[str]:
    return [statement for statement in sql if statement not in TRANSACTION_CONTROL]


def test_checkout_queries_are_pinned():
    client = buyer_with_lines(3)
    sql, response = queries(lambda: checkout(client))
    assert response.status_code == 201
    assert transactions(sql) == CHECKOUT_TRANSACTIONS
    assert len(sql) <= CHECKOUT_QUERIES, "\n".join(sql)
    assert not [statement for statement in sql if "SAVEPOINT" in statement]


def test_checkout_queries_do_not_grow_with_the_lines():
    small, large = buyer_with_lines(1), buyer_with_lines(8)
    one, response = queries(lambda: checkout(small))
    assert response.status_code == 201
    eight, response = queries(lambda: checkout(large))
    assert response.status_code == 201
    assert len(eight) == len(one)


def test_pay_queries_are_pinned():
    client = buyer_with_lines(3)
    order_id = checkout(client).json()["order"]["id"]
    sql, response = queries(lambda: pay(client, order_id))
    assert response.status_code == 200
    assert transactions(sql) == PAY_TRANSACTIONS
    assert len(statements(sql)) <= PAY_STATEMENTS, "\n".join(sql)
    assert len(sql) <= PAY_QUERIES
    assert not [statement for statement in sql if "SAVEPOINT" in statement]


def test_pay_queries_do_not_grow_with_the_lines():
    small, large = buyer_with_lines(1), buyer_with_lines(8)
    small_order, large_order = (checkout(c).json()["order"]["id"] for c in (small, large))
    one, response = queries(lambda: pay(small, small_order))
    assert response.status_code == 200
    eight, response = queries(lambda: pay(large, large_order))
    assert response.status_code == 200
    assert len(eight) == len(one)


def test_checkout_and_pay_with_an_idempotency_key_add_a_constant_few_queries():
    plain, keyed = buyer_with_lines(2), buyer_with_lines(2)
    without, _ = queries(lambda: checkout(plain))
    with_key, _ = queries(lambda: checkout(keyed, headers={"Idempotency-Key": "k"}))
    # the advisory lock and its release, the record's lookup and insert, the order placed with that key
    assert len(with_key) - len(without) <= 5


# --- What the fewer queries still do --------------------------------------------------------------------


def test_the_checkout_answer_is_the_order_as_read_back():
    client = buyer_with_lines(3)
    answer = checkout(client).json()["order"]
    assert client.get(f"/api/v1/orders/{answer['id']}").json()["order"] == answer


def test_the_pay_answer_is_the_order_as_read_back():
    client = buyer_with_lines(3)
    order_id = checkout(client).json()["order"]["id"]
    answer = pay(client, order_id).json()
    assert answer["order"]["status"] == "paid"
    assert answer["order"]["payments"] == [answer["payment"]]
    assert client.get(f"/api/v1/orders/{order_id}").json()["order"] == answer["order"]


def test_the_pay_answer_after_a_declined_card_lists_both_payments_as_read_back():
    client = buyer_with_lines(2)
    order_id = checkout(client).json()["order"]["id"]
    assert pay(client, order_id, card="tok_chargeDeclined").status_code == 402
    answer = pay(client, order_id).json()
    assert [p["status"] for p in answer["order"]["payments"]] == ["failed", "succeeded"]
    assert client.get(f"/api/v1/orders/{order_id}").json()["order"] == answer["order"]


def test_each_step_hands_every_delivery_of_its_events_to_the_broker(broker):
    client = buyer_with_lines(2)
    order_id = checkout(client).json()["order"]["id"]
    placed = set(EventDelivery.objects.filter(event__name="order.placed").values_list("pk", flat=True))
    assert placed
    assert set(broker) == placed
    pay(client, order_id)
    paid = EventDelivery.objects.filter(event__name__in=["order.paid", "payment.succeeded"])
    assert set(broker) == placed | set(paid.values_list("pk", flat=True))
    assert {"order.paid", "payment.succeeded"} == set(paid.values_list("event__name", flat=True))
