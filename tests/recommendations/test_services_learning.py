"""learn_from_order counts each pair of products of a paid order once, both ways, and each order once."""

import pytest

from recommendations.models import CoPurchase, LearnedOrder
from recommendations.services import learn_from_order
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


def counts() -> dict[tuple[int, int], int]:
    return {(row.product_id, row.other_id): row.orders for row in CoPurchase.objects.all()}


def test_an_order_of_three_products_counts_each_pair_once_both_ways(a, b, c):
    assert learn_from_order(order_id="ord_1", product_ids=[a.pk, b.pk, c.pk]) is True

    pairs = [(a, b), (a, c), (b, c)]
    expected = {(x.pk, y.pk): 1 for x, y in pairs} | {(y.pk, x.pk): 1 for x, y in pairs}
    assert counts() == expected


def test_a_second_order_with_the_same_pair_adds_one(a, b, c):
    learn_from_order(order_id="ord_1", product_ids=[a.pk, b.pk])
    learn_from_order(order_id="ord_2", product_ids=[a.pk, b.pk, c.pk])

    assert counts()[(a.pk, b.pk)] == 2
    assert counts()[(b.pk, a.pk)] == 2
    assert counts()[(a.pk, c.pk)] == 1


def test_the_same_order_learned_twice_counts_once(a, b):
    learn_from_order(order_id="ord_1", product_ids=[a.pk, b.pk])

    assert learn_from_order(order_id="ord_1", product_ids=[a.pk, b.pk]) is False
    assert counts() == {(a.pk, b.pk): 1, (b.pk, a.pk): 1}
    assert LearnedOrder.objects.count() == 1


def test_a_product_bought_on_two_lines_is_not_paired_with_itself(a, b):
    learn_from_order(order_id="ord_1", product_ids=[a.pk, a.pk, b.pk])

    assert counts() == {(a.pk, b.pk): 1, (b.pk, a.pk): 1}


def test_an_order_of_one_product_is_recorded_without_pairs(a):
    learn_from_order(order_id="ord_1", product_ids=[a.pk])

    assert not CoPurchase.objects.exists()
    assert LearnedOrder.objects.filter(order_id="ord_1").exists()


@pytest.mark.parametrize("size", [2, 8])
def test_learning_runs_a_fixed_number_of_queries_whatever_the_order_size(size, django_assert_num_queries):
    products = [ProductFactory() for _ in range(size)]
    # The durable block and the inner one (savepoints under the test's transaction), the order, the one upsert.
    with django_assert_num_queries(6):
        learn_from_order(order_id="ord_big", product_ids=[p.pk for p in products])

    assert CoPurchase.objects.count() == size * (size - 1)
