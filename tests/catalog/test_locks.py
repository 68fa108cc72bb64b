"""catalog.locks: the one place catalog rows are locked; a product lock holds the product row only."""

import threading

from django.db import OperationalError, connection, transaction
import pytest

from catalog import locks
from sellers.models import Seller
from tests.catalog.factories import CategoryFactory, ProductFactory


@pytest.mark.django_db
def test_a_locked_product_comes_with_its_seller_and_category_in_one_query(django_assert_num_queries):
    product = ProductFactory(category=CategoryFactory(name="Lamps"))
    with transaction.atomic(), django_assert_num_queries(1) as captured:
        locked = locks.lock_product(product_id=product.pk)
        assert (locked.seller.store_name, locked.category.name) == (product.seller.store_name, "Lamps")
    assert 'FOR UPDATE OF "catalog_product"' in captured.captured_queries[0]["sql"]


@pytest.mark.django_db
def test_a_missing_row_locks_nothing():
    with transaction.atomic():
        assert locks.lock_product(product_id=999_999) is None
        assert locks.lock_category(category_id=999_999) is None


@pytest.mark.django_db(transaction=True)
def test_a_locked_product_blocks_its_row_but_not_its_sellers():
    product = ProductFactory()
    outcome = {}

    def meanwhile() -> None:
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '300ms'")
                outcome["seller_updated"] = Seller.objects.filter(pk=product.seller_id).update(description="Open late")
                try:
                    with transaction.atomic():
                        locks.lock_product(product_id=product.pk)
                    outcome["product"] = "locked"
                except OperationalError:
                    outcome["product"] = "waited"
        finally:
            connection.close()

    with transaction.atomic():
        locks.lock_product(product_id=product.pk)
        other = threading.Thread(target=meanwhile)
        other.start()
        other.join()
    assert outcome == {"seller_updated": 1, "product": "waited"}
