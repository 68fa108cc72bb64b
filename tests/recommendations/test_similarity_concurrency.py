"""Concurrent learning on PostgreSQL: paid orders learnt at once by several workers leave the same similar items as
a rebuild from the item sets (the "bought" item-set lock serialises the updates), views alike."""

import pytest

from recommendations.models import SimilarItem
from recommendations.services import apply_signals, learn_from_order, rebuild_similarity
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from tests.concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 6


def similarity_rows() -> dict:
    return {
        (row.product_id, row.other_id, row.source): (row.together, round(row.score, 9))
        for row in SimilarItem.objects.all()
    }


def test_concurrent_orders_of_several_customers_equal_a_rebuild():
    products = [p.pk for p in ProductFactory.create_batch(THREADS + 1)]
    shoppers = [u.pk for u in UserFactory.create_batch(2)]  # three orders each, of other products, paid at once

    def pay(i: int) -> bool:
        return learn_from_order(order_id=f"ord_{i}", product_ids=products[i : i + 2], buyer_id=shoppers[i % 2])

    assert race(pay, THREADS) == [True] * THREADS
    learnt = similarity_rows()
    rebuild_similarity()

    assert learnt
    assert similarity_rows() == learnt


def test_concurrent_view_flushes_equal_a_rebuild():
    products = [p.pk for p in ProductFactory.create_batch(4)]
    shoppers = [u.pk for u in UserFactory.create_batch(THREADS)]

    def view(i: int) -> None:
        at = "2026-12-01T12:00:00+00:00"
        apply_signals([{"user": shoppers[i], "kind": "viewed", "value": pk, "at": at} for pk in products[i % 3 :]])

    assert race(view, THREADS) == [None] * THREADS
    learnt = similarity_rows()
    rebuild_similarity()

    assert learnt
    assert similarity_rows() == learnt
