"""Offline evaluation: split by time, learn from the past, score the future against popularity and random."""

from datetime import UTC, datetime, timedelta
import io

from django.core.management import call_command
import pytest

from recommendations.demo import DemoProduct, structured_history
from recommendations.evaluation import (
    Purchase,
    evaluate,
    item_to_item,
    popularity,
    popularity_recommender,
    score,
    split_by_time,
)

START = datetime(2026, 1, 1, tzinfo=UTC)


def bought(user_id: int, product_id: int, day: int) -> Purchase:
    return Purchase(user_id, product_id, START + timedelta(days=day))


def known_structure() -> list[Purchase]:
    """Ten pairs of products always bought one after the other (product 2n, then 2n + 1 a month later),
    and two bestsellers (1000, 1001) everybody buys early on. Each shopper buys one pair."""
    purchases = []
    for user_id in range(200):
        first = 2 * (user_id % 10)
        day = user_id  # the later shoppers' second buys fall in the future
        purchases += [bought(user_id, 1000, day), bought(user_id, 1001, day), bought(user_id, first, day)]
        purchases.append(bought(user_id, first + 1, day + 30))
    return purchases


def test_split_by_time_keeps_the_newest_share_for_the_future():
    purchases = [bought(1, n, day=n) for n in range(10)]

    past, future = split_by_time(list(reversed(purchases)), future_share=0.3)

    assert [p.product_id for p in past] == list(range(7))
    assert [p.product_id for p in future] == [7, 8, 9]


def test_cosine_similarity_does_not_let_bestsellers_swamp_everything():
    past = [bought(u, 1000, 0) for u in range(100)] + [bought(u, 1, 0) for u in range(2)]
    past += [bought(u, 2, 0) for u in range(2)]

    model = item_to_item(past)

    assert model[1][2] == pytest.approx(1.0)
    assert model[1][1000] == pytest.approx(2 / (2 * 100) ** 0.5)
    assert model[1][2] > model[1][1000]


def test_popularity_counts_customers_not_units():
    past = [bought(1, 5, 0), bought(1, 5, 1), bought(1, 5, 2), bought(2, 6, 0), bought(3, 6, 0)]

    assert popularity(past) == [6, 5]


def test_recall_is_the_share_of_new_buys_found_and_hits_count_customers_with_one():
    past = {1: {10}, 2: {10}}
    future = {1: {11, 12}, 2: {13}, 3: {11}}  # customer 3 has no past: not tested

    result = score("fixed", popularity_recommender([11, 99]), past=past, future=future, k=2)

    assert (result.hit_rate, result.recall, result.customers) == (0.5, 0.25, 2)


def test_on_a_history_with_known_structure_item_to_item_beats_popularity_at_least_twice():
    item, popular, random_pick = evaluate(known_structure(), k=10, future_share=0.25)

    assert item.customers > 0
    assert item.recall == pytest.approx(1.0)
    assert item.recall >= 2 * popular.recall
    assert item.recall > random_pick.recall


def test_the_structured_demo_history_gives_item_to_item_twice_the_popularity_recall():
    products = [DemoProduct(n, category_id=n % 20, brand=f"brand {n % 7}") for n in range(400)]

    history = structured_history(products, list(range(1, 201)))
    item, popular, _ = evaluate(history, k=10)

    assert item.customers > 50
    assert item.recall >= 2 * popular.recall


def test_the_demo_history_is_the_same_every_run():
    products = [DemoProduct(n, category_id=n % 5) for n in range(50)]

    assert structured_history(products, [1, 2, 3]) == structured_history(products, [1, 2, 3])


@pytest.mark.django_db
def test_the_command_reports_every_recommender_on_the_order_history():
    out = io.StringIO()

    call_command("eval_recommendations", stdout=out)

    text = out.getvalue()
    assert "the paid order history" in text
    for name in ("item-to-item (cosine)", "popularity", "random"):
        assert name in text
    assert "nothing to measure" in text  # an empty database
