"""Races on real PostgreSQL: imports of one seller apply one at a time, each re-checked under the lock."""

from __future__ import annotations

import pytest

from catalog import services
from catalog.models import Product, ProductImport, Variant
from inventory.models import StockLevel, StockMovement
from tests.catalog.import_files import csv_bytes, row
from tests.concurrency import race
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 4


def test_the_same_file_imported_at_once_creates_each_product_once():
    seller = SellerFactory()
    content = csv_bytes([row(f"SKU-{n}", name=f"Product {n // 5}", size=str(n % 5)) for n in range(40)])
    uploads = [
        services.start_import(seller=seller, actor=seller.user, file_name="same.csv", content=content)
        for _ in range(THREADS)
    ]
    assert all(upload.report["counts"]["create"] == 40 for upload in uploads)  # each dry run alone would create

    # Eager Celery: each confirm applies its import once its own transaction commits, in its thread.
    results = race(lambda i: services.confirm_import(seller=seller, import_id=uploads[i].pk), THREADS)

    assert all(isinstance(result, ProductImport) for result in results), results
    statuses = list(ProductImport.objects.filter(seller=seller).values_list("status", "report"))
    assert {status for status, _ in statuses} == {"done"}
    created = sorted(report["counts"]["create"] for _, report in statuses)
    assert created == [0] * (THREADS - 1) + [40]  # the later ones found every row unchanged
    assert Variant.objects.filter(product__seller=seller).count() == 40
    assert Product.objects.filter(seller=seller).count() == 8
    assert StockLevel.objects.filter(variant__product__seller=seller).count() == 40
    assert StockMovement.objects.filter(variant__product__seller=seller).count() == 40


def test_confirming_one_import_at_once_from_several_requests_applies_it_once():
    seller = SellerFactory()
    upload = services.start_import(
        seller=seller, actor=seller.user, file_name="one.csv", content=csv_bytes([row("ONLY", quantity="3")])
    )

    results = race(lambda i: services.confirm_import(seller=seller, import_id=upload.pk), THREADS)

    assert sum(isinstance(result, ProductImport) for result in results) == 1
    assert all(
        getattr(result, "code", None) == "import_not_confirmable"
        for result in results
        if not isinstance(result, ProductImport)
    )
    assert Variant.objects.filter(sku="ONLY").count() == 1
    assert StockMovement.objects.filter(variant__sku="ONLY").count() == 1
