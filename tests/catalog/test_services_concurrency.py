"""Races on real PostgreSQL: the database and the product row lock decide, never a stale read."""

from decimal import Decimal

import pytest

from catalog import services
from catalog.errors import AlreadyReviewed, DuplicateSku
from catalog.models import Product, Review, Variant
from tests.catalog.factories import ProductFactory, verified_buyer
from tests.concurrency import race as run_race
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 6


def race(fn, n=THREADS):
    return run_race(fn, n)


def test_two_sellers_racing_for_one_sku_get_one_product_and_a_named_field_error():
    sellers = SellerFactory.create_batch(THREADS)
    results = race(
        lambda i: services.create_product(
            seller=sellers[i], name=f"Racer {i}", variants=[{"sku": "ONE-SKU", "price": Decimal("5.00")}]
        )
    )
    assert sum(isinstance(r, Product) for r in results) == 1
    losers = [r for r in results if not isinstance(r, Product)]
    assert all(isinstance(r, DuplicateSku) for r in losers), losers
    assert all(r.extra["errors"] == {"variants.0.sku": [r.message]} for r in losers)
    assert Variant.objects.filter(sku="ONE-SKU").count() == 1
    assert Product.objects.count() == 1


def test_concurrent_reviews_keep_the_rating_equal_to_the_reviews():
    product = ProductFactory()
    buyers = [verified_buyer(product) for _ in range(THREADS)]
    results = race(
        lambda i: services.write_review(product_id=product.pk, user=buyers[i], rating=i % 5 + 1, title=f"R{i}")
    )
    assert all(isinstance(r, Review) for r in results), results
    product.refresh_from_db()
    ratings = [i % 5 + 1 for i in range(THREADS)]
    assert product.review_count == THREADS
    assert product.rating == (Decimal(sum(ratings)) / THREADS).quantize(Decimal("0.01"))


def test_one_buyer_reviewing_twice_at_once_gets_one_review():
    product = ProductFactory()
    buyer = verified_buyer(product)
    results = race(lambda i: services.write_review(product_id=product.pk, user=buyer, rating=5, title=f"R{i}"))
    assert sum(isinstance(r, Review) for r in results) == 1
    assert all(isinstance(r, (Review, AlreadyReviewed)) for r in results), results
    product.refresh_from_db()
    assert product.review_count == 1
