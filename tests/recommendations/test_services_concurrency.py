"""Concurrent learning on PostgreSQL: one order delivered at once by several workers counts once; different orders
sharing products all count."""

import pytest

from recommendations.models import CoPurchase
from recommendations.services import learn_from_order
from tests.catalog.factories import ProductFactory
from tests.concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 6


def test_one_order_learned_by_concurrent_workers_counts_once():
    a, b, c = ProductFactory(), ProductFactory(), ProductFactory()

    results = race(lambda i: learn_from_order(order_id="ord_1", product_ids=[a.pk, b.pk, c.pk]), THREADS)

    assert sorted(results, key=str) == [False] * (THREADS - 1) + [True]
    assert set(CoPurchase.objects.values_list("orders", flat=True)) == {1}
    assert CoPurchase.objects.count() == 6


def test_concurrent_orders_of_the_same_products_all_count():
    a, b, c = ProductFactory(), ProductFactory(), ProductFactory()
    ids = [a.pk, b.pk, c.pk]

    results = race(lambda i: learn_from_order(order_id=f"ord_{i}", product_ids=ids[i % 2 :] + ids[: i % 2]), THREADS)

    assert results == [True] * THREADS
    assert set(CoPurchase.objects.values_list("orders", flat=True)) == {THREADS}
