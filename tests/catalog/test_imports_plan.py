"""The dry run of an import: what each row would do, and every error with its line, column and message."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalog.imports import formats
from catalog.imports.plan import build_plan, format_attributes, parse_attributes
from catalog.models import Product
from inventory import services as inventory_services
from tests.catalog.factories import CategoryFactory, ProductFactory, VariantFactory
from tests.catalog.import_files import HEADER, csv_bytes, row
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller():
    return SellerFactory()


def plan_of(seller, rows, *, header=None):
    table = formats.read_table(content=csv_bytes(rows, header=header), file_format=formats.CSV)
    return build_plan(seller=seller, table=table)


def errors_of(plan) -> list[tuple[int, str, str]]:
    return [(error.line, error.column, error.message) for error in plan.errors]


def test_new_skus_are_created_and_grouped_into_products_by_name(seller):
    plan = plan_of(seller, [row("A-S", size="S"), row("A-M", size="M"), row("B-1", name="Wool Hat")])

    assert plan.errors == []
    assert [r.action for r in plan.rows] == ["create"] * 3
    assert [[r.sku for r in p.rows] for p in plan.products] == [["A-S", "A-M"], ["B-1"]]
    assert plan.counts() == {"create": 3, "change": 0, "unchanged": 0, "error_rows": 0}


def test_a_new_sku_joins_the_sellers_one_product_of_that_name(seller):
    product = ProductFactory(seller=seller, name="Linen Shirt", default_variant=False)
    VariantFactory(product=product, sku="OLD", options={"size": "S"})

    plan = plan_of(seller, [row("NEW", size="M")])

    assert plan.errors == []
    assert plan.products[0].product == product
    assert plan.rows[0].action == "create"


def test_an_existing_sku_with_equal_values_is_unchanged_and_a_different_one_changed(seller):
    category = CategoryFactory(name="Shirts")
    product = ProductFactory(seller=seller, name="Linen Shirt", category=category, brand="Acme", default_variant=False)
    VariantFactory(product=product, sku="A", options={"size": "S"}, price=Decimal("20.00"), stock=5)
    VariantFactory(product=product, sku="B", options={"size": "M"}, price=Decimal("20.00"), stock=5)
    same = {"category": "Shirts", "brand": "Acme"}

    plan = plan_of(seller, [row("A", size="S", **same), row("B", size="L", price="25.00", quantity="9", **same)])

    assert plan.errors == []
    assert [(r.action, r.changes) for r in plan.rows] == [
        ("unchanged", []),
        ("change", ["Price", "Quantity", "Size"]),
    ]


def test_a_column_left_out_keeps_the_products_value(seller):
    product = ProductFactory(seller=seller, name="Linen Shirt", brand="Acme", default_variant=False)
    VariantFactory(product=product, sku="A", price=Decimal("20.00"), stock=5)

    plan = plan_of(seller, [row("A")], header=["SKU", "Product name", "Price", "Quantity"])

    assert plan.rows[0].action == "unchanged"


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"sku": ""}, "SKU", "A SKU is required"),
        ({"sku": "X" * 65}, "SKU", "At most 64 characters."),
        ({"name": ""}, "Product name", "A product name is required."),
        ({"price": ""}, "Price", "A price is required."),
        ({"price": "abc"}, "Price", "“abc” is not a number."),
        ({"price": "-1"}, "Price", "The price must be 0 or more."),
        ({"price": "1.234"}, "Price", "At most 2 digits after the decimal point."),
        ({"price": "NaN"}, "Price", "The price must be 0 or more."),
        ({"price": "1e20"}, "Price", "The price is too large."),
        ({"quantity": ""}, "Quantity", "A quantity is required"),
        ({"quantity": "2.5"}, "Quantity", "“2.5” is not a whole number."),
        ({"quantity": "-3"}, "Quantity", "The quantity must be 0 or more."),
        ({"category": "nowhere"}, "Category", "No category has this slug or path"),
        ({"status": "sold"}, "Status", "The status is draft, active or archived."),
        ({"status": "archived"}, "Status", "A new product is active or a draft."),
        ({"attributes": "cotton"}, "Attributes", "“cotton” has no value"),
        ({"attributes": "a=1; a=2"}, "Attributes", "The attribute “a” is given twice."),
        ({"size": "X" * 41}, "Size", "Option values must be 1 to 40 characters."),
        ({"brand": "B" * 101}, "Brand", "At most 100 characters."),
    ],
)
def test_each_bad_cell_is_an_error_naming_its_line_and_column(seller, cells, column, message):
    plan = plan_of(seller, [row("OK-1"), row("BAD", name="Other") | cells])

    assert len(plan.errors) == 1
    error = plan.errors[0]
    assert (error.line, error.column) == (3, column)
    assert error.message.startswith(message)
    assert plan.counts()["error_rows"] == 1


def test_a_sku_twice_in_the_file_is_an_error_on_the_later_line(seller):
    plan = plan_of(seller, [row("A", size="S"), row("A", size="M")])

    assert errors_of(plan) == [(3, "SKU", "This SKU is also on line 2: one row per variant.")]


def test_another_sellers_sku_is_an_error(seller):
    VariantFactory(sku="THEIRS")

    plan = plan_of(seller, [row("THEIRS")])

    assert errors_of(plan) == [(2, "SKU", "Another seller's product uses this SKU.")]


def test_rows_of_one_product_must_agree_on_its_columns(seller):
    plan = plan_of(seller, [row("A", size="S", brand="Acme"), row("B", size="M", brand="Other")])

    assert errors_of(plan) == [(3, "Brand", "Differs from line 2: every row of one product gives it the same brand.")]


def test_two_variants_of_one_product_with_the_same_options_clash(seller):
    product = ProductFactory(seller=seller, name="Linen Shirt", default_variant=False)
    VariantFactory(product=product, sku="OLD", options={"size": "S"})

    plan = plan_of(seller, [row("NEW-1", size="M"), row("NEW-2", size="M"), row("NEW-3", size="S")])

    assert errors_of(plan) == [
        (3, "Size", "Same size and colour as line 2 of this product."),
        (4, "Size", "Same size and colour as the variant OLD of this product."),
    ]


def test_a_quantity_below_what_orders_hold_is_a_row_error(seller):
    variant = VariantFactory(
        product=ProductFactory(seller=seller, name="Linen Shirt", default_variant=False), sku="A", stock=5
    )
    inventory_services.hold_stock(reference="ord_1", quantities={variant.pk: 3})

    plan = plan_of(seller, [row("A", quantity="2")])

    assert errors_of(plan) == [
        (2, "Quantity", "3 units are held for pending orders: the quantity cannot be less than that.")
    ]


def test_a_name_shared_by_several_of_the_sellers_products_is_ambiguous_for_a_new_sku(seller):
    ProductFactory(seller=seller, name="Linen Shirt")
    ProductFactory(seller=seller, name="Linen Shirt")

    plan = plan_of(seller, [row("NEW")])

    assert errors_of(plan)[0][:2] == (2, "Product name")


def test_a_category_is_found_by_slug_or_by_path_in_any_case(seller):
    parent = CategoryFactory(name="Clothing", slug="clothing")
    shoes = CategoryFactory(name="Shoes", slug="shoes", parent=parent)

    plan = plan_of(
        seller, [row("A", name="One", category="clothing  >  SHOES"), row("B", name="Two", category="shoes")]
    )

    assert plan.errors == []
    assert [p.values["category"] for p in plan.products] == [shoes.pk, shoes.pk]


def test_attributes_read_and_write_symmetrically_with_escapes():
    attributes = {"material": "cotton; linen", "fit": "slim", "a=b": "c\\d"}

    text = format_attributes(attributes)

    assert text == "a\\=b=c\\\\d; fit=slim; material=cotton\\; linen"
    assert parse_attributes(text) == attributes
    assert parse_attributes(" ; ") == {}


def test_a_row_wider_than_the_header_is_an_error(seller):
    content = b"SKU,Product name,Price,Quantity\nS-1,Shirt,1,1,surprise\n"
    table = formats.read_table(content=content, file_format=formats.CSV)

    plan = build_plan(seller=seller, table=table)

    assert errors_of(plan) == [(2, "", "This row has more cells than the header has columns.")]


def test_the_plan_takes_the_same_queries_for_ten_rows_and_for_two_hundred(seller, django_assert_max_num_queries):
    CategoryFactory(name="Shirts")
    existing = ProductFactory(seller=seller, name="Known", default_variant=False)
    for n in range(3):
        VariantFactory(product=existing, sku=f"K-{n}", options={"size": str(n)}, stock=2)

    def table(count):
        rows = [row(f"K-{n}", name="Known", size=str(n)) for n in range(3)]
        rows += [row(f"N-{n}", name=f"New {n // 4}", size=str(n % 4), category="Shirts") for n in range(count)]
        return formats.read_table(content=csv_bytes(rows), file_format=formats.CSV)

    small, large = table(10), table(200)
    with django_assert_max_num_queries(6) as few:
        build_plan(seller=seller, table=small)
    with django_assert_max_num_queries(len(few.captured_queries)):
        plan = build_plan(seller=seller, table=large)
    assert plan.counts()["create"] == 200


def test_the_header_of_the_default_test_file_is_the_export_header():
    assert HEADER[:3] == ["SKU", "Product name", "Description"]
    assert Product.Status.ACTIVE == "active"


def test_a_new_sku_joins_a_product_renamed_in_the_same_file(seller):
    product = ProductFactory(seller=seller, name="Old name", default_variant=False)
    VariantFactory(product=product, sku="A", options={"size": "S"}, stock=5)

    plan = plan_of(seller, [row("A", name="New name", size="S"), row("B", name="New name", size="M")])

    assert plan.errors == []
    assert [p.product for p in plan.products] == [product]
    assert [(r.sku, r.action) for r in plan.rows] == [("A", "change"), ("B", "create")]
