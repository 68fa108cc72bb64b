"""Applying an import: all rows or none, once, with stock through the ledger; export and re-import is a no-op."""

from __future__ import annotations

from decimal import Decimal

from django.core.cache import cache
from django.db import IntegrityError
from django.test import TestCase
import pytest

from catalog import services
from catalog.imports import formats, selectors
from catalog.imports.errors import ImportNotConfirmable, ImportNotFound
from catalog.models import Product, ProductImport, Variant
from catalog.services import imports as import_services
from inventory import services as inventory_services
from inventory.models import StockLevel, StockMovement
from tests.catalog.factories import CategoryFactory, ProductFactory, VariantFactory
from tests.catalog.import_files import confirm, csv_bytes, import_and_apply, import_file, row
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db
Status = ProductImport.Status


@pytest.fixture
def seller():
    return SellerFactory()


def on_hand(sku: str) -> int:
    return StockLevel.objects.get(variant__sku=sku).on_hand


def test_an_import_creates_products_with_their_variants_and_stock(seller):
    CategoryFactory(name="Shirts", slug="shirts")
    content = csv_bytes(
        [
            row("SH-S", size="S", colour="blue", price="20.00", quantity="4", category="shirts", attributes="fit=slim"),
            row("SH-M", size="M", colour="blue", price="18.50", quantity="0", category="shirts", attributes="fit=slim"),
            row("HAT", name="Wool Hat", description="Warm", brand="Acme", status="draft"),
        ]
    )

    record = import_and_apply(seller, content)

    assert record.status == Status.DONE
    assert record.rows_done == 3
    assert record.report["counts"] == {"create": 3, "change": 0, "unchanged": 0, "error_rows": 0}
    shirt = Product.objects.get(seller=seller, name="Linen Shirt")
    assert (shirt.price, shirt.category.slug, shirt.category_text, shirt.attributes, shirt.status) == (
        Decimal("18.50"),
        "shirts",
        "Shirts",
        {"fit": "slim"},
        "active",
    )
    assert list(shirt.variants.values_list("sku", "options", "size", "color", "position")) == [
        ("SH-S", {"color": "blue", "size": "S"}, "S", "blue", 0),
        ("SH-M", {"color": "blue", "size": "M"}, "M", "blue", 1),
    ]
    hat = Product.objects.get(seller=seller, name="Wool Hat")
    assert (hat.slug, hat.description, hat.brand, hat.status) == ("wool-hat", "Warm", "Acme", "draft")
    assert (on_hand("SH-S"), on_hand("SH-M"), on_hand("HAT")) == (4, 0, 5)
    assert StockMovement.objects.filter(variant__sku="SH-S", reason="initial", on_hand_delta=4).count() == 1


def test_an_import_changes_existing_variants_and_records_stock_changes_in_the_ledger(seller):
    product = ProductFactory(seller=seller, name="Linen Shirt", brand="Old", default_variant=False)
    VariantFactory(product=product, sku="A", options={"size": "S"}, price=Decimal("20.00"), stock=5)
    VariantFactory(product=product, sku="B", options={"size": "M"}, price=Decimal("30.00"), stock=5)
    content = csv_bytes([row("A", name="Linen Shirt II", size="S", price="12.00", quantity="9", brand="New")])

    record = import_and_apply(seller, content)

    product.refresh_from_db()
    assert record.report["counts"]["change"] == 1
    assert (product.name, product.slug, product.brand, product.price) == (
        "Linen Shirt II",
        "linen-shirt-ii",
        "New",
        Decimal("12.00"),
    )
    assert Variant.objects.get(sku="A").price == Decimal("12.00")
    assert on_hand("A") == 9
    movement = StockMovement.objects.filter(variant__sku="A").latest("id")
    assert (movement.on_hand_delta, movement.reference) == (4, f"import #{record.pk}")


def test_a_new_sku_is_added_to_the_sellers_product_of_that_name_after_its_variants(seller):
    product = ProductFactory(seller=seller, name="Linen Shirt", price=Decimal("30.00"), default_variant=False)
    VariantFactory(product=product, sku="OLD", options={"size": "S"}, price=Decimal("30.00"), position=4)

    import_and_apply(seller, csv_bytes([row("NEW", size="M", price="25.00")]))

    product.refresh_from_db()
    assert Variant.objects.get(sku="NEW").product == product
    assert Variant.objects.get(sku="NEW").position == 5
    assert product.price == Decimal("25.00")
    assert Product.objects.filter(seller=seller).count() == 1


def test_an_import_can_archive_and_reactivate_products(seller):
    product = ProductFactory(seller=seller, name="Linen Shirt", default_variant=False)
    VariantFactory(product=product, sku="A", price=Decimal("20.00"), stock=5)

    import_and_apply(seller, csv_bytes([row("A", status="archived")]))
    product.refresh_from_db()
    assert product.status == "archived"

    import_and_apply(seller, csv_bytes([row("A", status="active")]))
    product.refresh_from_db()
    assert product.status == "active"


def test_an_import_failing_at_its_last_row_leaves_nothing_written(seller, monkeypatch):
    monkeypatch.setattr(import_services, "BATCH_ROWS", 2)
    content = csv_bytes([row(f"SKU-{n}", name=f"Product {n // 2}", size=str(n)) for n in range(6)])
    set_initial_stock = inventory_services.set_initial_stock
    batches = []

    def failing_at_the_last_row(*, quantities, actor=None):
        batches.append(sorted(quantities))
        levels = set_initial_stock(quantities=quantities, actor=actor)
        if Variant.objects.filter(pk__in=quantities, sku="SKU-5").exists():
            raise IntegrityError("the last row collided")
        return levels

    monkeypatch.setattr(import_services.inventory_services, "set_initial_stock", failing_at_the_last_row)

    record = import_and_apply(seller, content)

    assert len(batches) == 3  # the first two batches were written before the last row failed
    assert record.status == Status.FAILED
    assert record.report["message"].startswith("Nothing was imported.")
    assert not Product.objects.filter(seller=seller).exists()
    assert not Variant.objects.filter(sku__startswith="SKU-").exists()
    assert not StockLevel.objects.filter(variant__sku__startswith="SKU-").exists()


def test_a_quantity_below_what_is_held_by_the_time_of_the_apply_fails_the_whole_import(seller):
    variant = VariantFactory(
        product=ProductFactory(seller=seller, name="Linen Shirt", default_variant=False), sku="A", stock=5
    )
    record = import_file(seller, csv_bytes([row("A", quantity="1"), row("NEW", name="Hat")]))
    inventory_services.hold_stock(reference="ord_1", quantities={variant.pk: 3})

    record = confirm(seller, record)

    assert record.status == Status.FAILED
    assert record.report["errors"] == [
        {
            "line": 2,
            "column": "Quantity",
            "message": "3 units are held for pending orders: the quantity cannot be less than that.",
        }
    ]
    assert "changed since the dry run" in record.report["message"]
    assert on_hand("A") == 5
    assert not Variant.objects.filter(sku="NEW").exists()


def test_an_import_with_errors_cannot_be_confirmed(seller):
    record = import_file(seller, csv_bytes([row("A", price="-1")]))

    with pytest.raises(ImportNotConfirmable, match="found 1 error") as caught:
        services.confirm_import(seller=seller, import_id=record.pk)

    assert caught.value.status == 409
    record.refresh_from_db()
    assert record.status == Status.VALIDATED


def test_confirming_twice_applies_once(seller):
    record = import_and_apply(seller, csv_bytes([row("A")]))

    with pytest.raises(ImportNotConfirmable, match="is done"):
        services.confirm_import(seller=seller, import_id=record.pk)
    services.apply_import(import_id=record.pk)  # a redelivered task

    assert Variant.objects.filter(sku="A").count() == 1
    assert StockMovement.objects.filter(variant__sku="A").count() == 1


def test_another_sellers_import_cannot_be_confirmed(seller):
    record = import_file(seller, csv_bytes([row("A")]))

    with pytest.raises(ImportNotFound):
        services.confirm_import(seller=SellerFactory(), import_id=record.pk)


def test_a_large_file_is_checked_by_a_task(seller, settings):
    settings.CATALOG_IMPORT_INLINE_ROWS = 2

    with TestCase.captureOnCommitCallbacks() as queued:
        record = services.start_import(
            seller=seller,
            actor=seller.user,
            file_name="big.csv",
            content=csv_bytes([row(f"S-{n}", size=str(n)) for n in range(3)]),
        )

    assert (record.status, record.report) == (Status.VALIDATING, {})
    assert len(queued) == 1
    queued[0]()  # the task, run by a worker
    record.refresh_from_db()
    assert record.status == Status.VALIDATED
    assert record.report["counts"]["create"] == 3


def test_progress_is_read_from_the_cache_while_running(seller):
    record = import_file(seller, csv_bytes([row("A")]))
    ProductImport.objects.filter(pk=record.pk).update(status=Status.RUNNING)
    record.refresh_from_db()
    cache.set(import_services.progress_key(record.pk), 1)

    assert selectors.rows_done(record) == 1


def test_an_export_re_imports_with_every_row_unchanged(seller):
    parent = CategoryFactory(name="Clothing", slug="clothing")
    CategoryFactory(name="Shirts", slug="shirts", parent=parent)
    content = csv_bytes(
        [
            row(
                "SH-S",
                name="-50% sale",
                size="S",
                colour="blue",
                category="Clothing > Shirts",
                attributes="fit=slim; a=1",
            ),
            row(
                "SH-M",
                name="-50% sale",
                size="M",
                colour="blue",
                category="Clothing > Shirts",
                attributes="fit=slim; a=1",
            ),
            row("EQ", name="=SUM(A1)", description="line one\nline two", brand="@brand", price="0.00", quantity="0"),
            row("DR", name="Draft thing", status="draft", price="3.10"),
        ]
    )
    import_and_apply(seller, content)
    legacy = ProductFactory(
        seller=seller, name="Legacy", attributes={"weight": 1.5, "tags": ["x"]}, default_variant=False
    )
    VariantFactory(product=legacy, sku="LEG", options={"material": "wool", "size": "L"}, stock=2)

    for file_format in (formats.CSV, formats.XLSX):
        records = list(selectors.export_records(seller_id=seller.pk))
        exported = (
            "".join(formats.csv_lines(records)).encode() if file_format == formats.CSV else formats.xlsx_bytes(records)
        )
        again = import_file(seller, exported, name=f"export.{file_format}")
        assert again.report["errors"] == []
        assert again.report["counts"] == {"create": 0, "change": 0, "unchanged": 5, "error_rows": 0}, file_format


def test_a_task_redelivered_after_its_worker_died_applies_the_import(seller):
    record = import_file(seller, csv_bytes([row("A", quantity="2")]))
    # The worker marked it running, then died before its transaction committed: nothing was written.
    ProductImport.objects.filter(pk=record.pk).update(status=Status.RUNNING)

    services.apply_import(import_id=record.pk)

    record.refresh_from_db()
    assert record.status == Status.DONE
    assert on_hand("A") == 2


def test_only_the_columns_that_differ_are_written(seller):
    product = ProductFactory(
        seller=seller, name="Linen Shirt", slug="hand-picked", attributes={"weight": 1.5}, default_variant=False
    )
    VariantFactory(product=product, sku="A", price=Decimal("20.00"), stock=5)

    import_and_apply(seller, csv_bytes([row("A", brand="Acme", attributes="weight=1.5")]))

    product.refresh_from_db()
    assert (product.brand, product.slug, product.attributes) == ("Acme", "hand-picked", {"weight": 1.5})
