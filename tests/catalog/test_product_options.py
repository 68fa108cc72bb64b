"""Product.sizes and .colors, kept by the database from the product's variants (catalog migration 0010) on real
PostgreSQL: whatever writes the variants (services, bulk inserts, raw SQL, deletes, a truncate), the product row
holds {lower-cased value: spelling} of its variants' sizes and colours, which search facets and filters read."""

from decimal import Decimal

from django.db import connection
import pytest

from catalog import services
from catalog.models import Product, Variant
from catalog.search import SearchParams, search_products
from sellers.models import Seller
from tests.catalog.factories import CategoryFactory, ProductFactory, VariantFactory
from tests.concurrency import race
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db


def options(product) -> tuple[dict, dict]:
    row = Product.objects.values_list("sizes", "colors").get(pk=product.pk)
    return row[0], row[1]


def recomputed(product) -> tuple[dict, dict]:
    """What the variants say, computed here the slow way."""
    found: dict[str, dict[str, str]] = {"size": {}, "color": {}}
    for size, color in Variant.objects.filter(product_id=product.pk).values_list("size", "color"):
        for column, value in (("size", size), ("color", color)):
            if value:
                spellings = found[column]
                spellings[value.lower()] = min(spellings.get(value.lower(), value), value)
    return found["size"], found["color"]


def test_a_product_created_with_variants_lists_their_sizes_and_colours():
    product = services.create_product(
        seller=SellerFactory(),
        name="Trail shoe",
        variants=[
            {"sku": "TS-40-R", "options": {"size": "40", "color": "Red"}, "price": Decimal("80.00")},
            {"sku": "TS-41-R", "options": {"size": "41", "color": "Red"}, "price": Decimal("80.00")},
            {"sku": "TS-41-B", "options": {"size": "41", "color": "Navy Blue"}, "price": Decimal("85.00")},
        ],
    )
    assert options(product) == ({"40": "40", "41": "41"}, {"red": "Red", "navy blue": "Navy Blue"})


def test_a_product_without_options_lists_nothing():
    product = ProductFactory()  # one default variant, no size or colour
    assert options(product) == ({}, {})


def test_spellings_of_one_value_count_once_under_the_least_spelling():
    product = ProductFactory(default_variant=False)
    VariantFactory(product=product, options={"size": "m", "color": "red"})
    VariantFactory(product=product, options={"size": "M", "color": "RED"})
    assert options(product) == ({"m": "M"}, {"red": "RED"}) == recomputed(product)


def test_changing_and_deleting_variants_keeps_the_values_of_those_left():
    product = ProductFactory(default_variant=False)
    small = VariantFactory(product=product, options={"size": "S", "color": "Black"})
    medium = VariantFactory(product=product, options={"size": "M", "color": "Black"})
    Variant.objects.filter(pk=small.pk).update(size="XS")
    assert options(product) == ({"xs": "XS", "m": "M"}, {"black": "Black"})
    medium.delete()
    assert options(product) == ({"xs": "XS"}, {"black": "Black"})
    small.delete()
    assert options(product) == ({}, {})


def test_a_price_change_does_not_rewrite_the_product_row():
    product = ProductFactory(default_variant=False)
    variant = VariantFactory(product=product, options={"size": "S"})

    def row_version():
        with connection.cursor() as cursor:
            cursor.execute("SELECT xmin::text FROM catalog_product WHERE id = %s", [product.pk])
            return cursor.fetchone()[0]

    before = row_version()
    Variant.objects.filter(pk=variant.pk).update(price=Decimal("3.00"))
    assert row_version() == before


def test_one_bulk_statement_over_many_products_lists_each_products_own_values():
    products = [ProductFactory(default_variant=False) for _ in range(3)]
    Variant.objects.bulk_create(
        Variant(product=product, sku=f"BULK-{i}-{n}", options={"size": size}, size=size, price=Decimal(1))
        for i, product in enumerate(products)
        for n, size in enumerate(["S", "M", "L"][: i + 1])
    )
    assert [options(p)[0] for p in products] == [
        {"s": "S"},
        {"s": "S", "m": "M"},
        {"s": "S", "m": "M", "l": "L"},
    ]
    Variant.objects.filter(product__in=products[1:], size="S").delete()  # one statement, two products
    assert [options(p)[0] for p in products] == [{"s": "S"}, {"m": "M"}, {"m": "M", "l": "L"}]


def test_a_stale_product_in_memory_never_writes_its_old_values_back():
    product = ProductFactory(default_variant=False)
    stale = Product.objects.get(pk=product.pk)  # read before the variant exists
    VariantFactory(product=product, options={"size": "L", "color": "Green"})
    stale.name = "Renamed"
    stale.save()
    assert options(product) == ({"l": "L"}, {"green": "Green"})


@pytest.mark.django_db(transaction=True)
def test_truncating_the_variants_empties_every_list():
    product = ProductFactory(default_variant=False)
    VariantFactory(product=product, options={"size": "L", "color": "Green"})
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE catalog_variant CASCADE")
    assert options(product) == ({}, {})


def test_search_facets_and_filters_read_the_listed_values():
    category = CategoryFactory()
    red_shirt = ProductFactory(name="Linen shirt", category=category, default_variant=False)
    VariantFactory(product=red_shirt, options={"size": "M", "color": "Red"})
    VariantFactory(product=red_shirt, options={"size": "L", "color": "Red"})
    blue_shirt = ProductFactory(name="Oxford shirt", category=category, default_variant=False)
    VariantFactory(product=blue_shirt, options={"size": "m", "color": "Blue"})

    result = search_products(SearchParams(q="shirt", with_facets=True))
    assert result.count == 2
    assert result.facets["size"] == [{"value": "M", "count": 2}, {"value": "L", "count": 1}]
    assert result.facets["color"] == [{"value": "Blue", "count": 1}, {"value": "Red", "count": 1}]
    only_large = search_products(SearchParams(q="shirt", sizes=("l",), with_facets=True))
    assert [p.pk for p in only_large.products] == [red_shirt.pk]
    Variant.objects.filter(product=blue_shirt).update(size="L")  # the blue shirt now comes in L too
    assert {p.pk for p in search_products(SearchParams(q="shirt", sizes=("L",))).products} == {
        red_shirt.pk,
        blue_shirt.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_sellers_adding_variants_to_one_product_at_once_leave_every_value_listed():
    seller = SellerFactory()
    product = services.create_product(seller=seller, name="Hoodie", price=Decimal("30.00"))
    sizes = ["XS", "S", "M", "L", "XL", "XXL", "3XL", "4XL"]

    def add(i):
        owner = Seller.objects.select_related("user").get(pk=seller.pk).user
        services.update_product(
            product_id=product.pk,
            actor=owner,
            variants=[{"sku": f"HOOD-{i}", "options": {"size": sizes[i], "color": f"c{i}"}, "price": Decimal("30.00")}],
        )

    results = race(add, len(sizes))
    assert [r for r in results if r is not None] == []
    listed = options(product)
    assert listed == recomputed(product)
    assert set(listed[0]) == {s.lower() for s in sizes}


@pytest.mark.django_db(transaction=True)
def test_raw_inserts_in_two_transactions_racing_on_one_product_lose_no_value():
    product = ProductFactory(default_variant=False)

    def insert(i):
        # No service and no lock of ours: only the trigger's own row lock keeps the two apart.
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO catalog_variant (product_id, sku, options, size, color, price, position) "
                "VALUES (%s, %s, %s, %s, '', 1, %s)",
                [product.pk, f"RAW-{i}", f'{{"size": "{i}"}}', str(i), i],
            )

    results = race(insert, 8)
    assert [r for r in results if r is not None] == []
    assert options(product) == recomputed(product)
    assert set(options(product)[0]) == {str(i) for i in range(8)}
