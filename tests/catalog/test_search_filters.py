"""Search and browse on PostgreSQL: every filter, every sort, pages, and what a page of results carries."""

from decimal import Decimal

import pytest

from catalog.models import Product
from catalog.search import SORTS, SearchParams, search_products
from inventory.models import StockLevel
from tests.catalog.search_factories import make_category, make_product
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db


def names(result) -> list[str]:
    return [p.name for p in result.products]


def found(**params) -> set[str]:
    result = search_products(SearchParams(limit=100, **params))
    assert result.count == len(result.products)
    return set(names(result))


def test_a_category_includes_its_descendants_at_any_depth():
    clothing = make_category("Clothing")
    shoes = make_category("Shoes", parent=clothing)
    running = make_category("Running", parent=shoes)
    make_product("Wool Coat", category=clothing)
    make_product("Loafer", category=shoes)
    make_product("Racing Flat", category=running)
    make_product("Teapot", category=make_category("Kitchen"))
    make_product("Mystery Box")

    assert found(category_id=clothing.pk) == {"Wool Coat", "Loafer", "Racing Flat"}
    assert found(category_id=shoes.pk) == {"Loafer", "Racing Flat"}
    assert found(category_id=running.pk, q="racing") == {"Racing Flat"}


def test_an_unknown_category_finds_nothing():
    make_product("Loafer", category=make_category("Shoes"))

    assert found(category_id=987654) == set()


def test_brands_match_exactly_but_in_any_case():
    make_product("Runner", brand="Nike")
    make_product("Trainer", brand="NIKE")
    make_product("Sneaker", brand="Nikefan")
    make_product("Boot", brand="Timberland")

    assert found(brands=("nike",)) == {"Runner", "Trainer"}
    assert found(brands=("Nike", "timberland")) == {"Runner", "Trainer", "Boot"}


def test_price_bounds_are_inclusive():
    for price in ("9.99", "10.00", "25.00", "25.01"):
        make_product(f"Item {price}", price=price)

    assert found(min_price=Decimal("10.00"), max_price=Decimal("25.00")) == {"Item 10.00", "Item 25.00"}
    assert found(min_price=Decimal("25.01")) == {"Item 25.01"}
    assert found(max_price=Decimal("9.99")) == {"Item 9.99"}


def test_the_price_filtered_on_is_the_lowest_variant_price():
    make_product("Tee", variants=[{"size": "S", "price": "12.00"}, {"size": "XL", "price": "30.00"}])

    assert found(max_price=Decimal("15.00")) == {"Tee"}
    assert found(min_price=Decimal("20.00")) == set()


def test_rating_at_least():
    make_product("Great", rating="4.50")
    make_product("Good", rating="4.00")
    make_product("Fair", rating="3.99")

    assert found(rating_gte=4) == {"Great", "Good"}


def test_in_stock_means_some_variant_has_a_unit_available():
    make_product("Partly", variants=[{"size": "S", "stock": 0}, {"size": "M", "stock": 1}])
    make_product("Sold Out", variants=[{"size": "S", "stock": 0}, {"size": "M", "stock": 0}])

    assert found(in_stock=True) == {"Partly"}
    assert found(in_stock=False) == {"Sold Out"}


def test_held_units_are_not_in_stock():
    product = make_product("Last One", stock=1)
    StockLevel.objects.filter(variant__product=product).update(held=1)

    assert found(in_stock=True) == set()


def test_a_size_or_colour_matches_when_any_variant_has_it_in_any_case():
    make_product("Tee", variants=[{"size": "S", "color": "Red"}, {"size": "M", "color": "Blue"}])
    make_product("Polo", variants=[{"size": "L", "color": "red"}])
    make_product("Mug")

    assert found(sizes=("m",)) == {"Tee"}
    assert found(sizes=("M", "L")) == {"Tee", "Polo"}
    assert found(colors=("RED",)) == {"Tee", "Polo"}
    assert found(sizes=("S",), colors=("blue",)) == {"Tee"}  # any variant for each, as the facets count
    assert found(sizes=("L",), colors=("blue",)) == set()


def test_seller_filter():
    seller = SellerFactory()
    make_product("Mine", seller=seller)
    make_product("Theirs")

    assert found(seller_id=seller.pk) == {"Mine"}


def test_filters_combine_with_a_query():
    kitchen = make_category("Kitchen")
    make_product("Copper Pan", category=kitchen, brand="Mauviel", price="120.00", rating="4.80")
    make_product("Steel Pan", category=kitchen, brand="Mauviel", price="60.00", rating="4.80")
    make_product("Copper Pan Lid", category=kitchen, brand="Other", price="20.00", rating="4.80")

    assert found(q="pan", category_id=kitchen.pk, brands=("mauviel",), min_price=Decimal("100"), rating_gte=4) == {
        "Copper Pan"
    }


@pytest.fixture
def catalog_to_sort():
    make_product("Cheap Old", price="5.00", rating="3.00", sales=50, age_days=30)
    make_product("Dear New", price="50.00", rating="4.00", sales=5, age_days=1)
    make_product("Mid Middle", price="20.00", rating="5.00", sales=500, age_days=10)
    make_product("Mid Twin", price="20.00", rating="5.00", sales=500, age_days=10)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price", ["Cheap Old", "Mid Middle", "Mid Twin", "Dear New"]),
        ("-price", ["Dear New", "Mid Middle", "Mid Twin", "Cheap Old"]),
        ("newest", ["Dear New", "Mid Twin", "Mid Middle", "Cheap Old"]),
        ("rating", ["Mid Middle", "Mid Twin", "Dear New", "Cheap Old"]),
        ("bestselling", ["Mid Middle", "Mid Twin", "Cheap Old", "Dear New"]),
        (None, ["Dear New", "Mid Twin", "Mid Middle", "Cheap Old"]),  # no query: newest first
        ("relevance", ["Dear New", "Mid Twin", "Mid Middle", "Cheap Old"]),  # nothing to be relevant to
    ],
)
def test_each_sort_orders_and_breaks_ties_by_id(catalog_to_sort, sort, expected):
    result = search_products(SearchParams(sort=sort))

    assert names(result) == expected


def test_with_a_query_the_default_sort_is_relevance():
    make_product("Oak Desk", description="A desk.", age_days=5)
    make_product("Desk Lamp", description="For an oak desk.", age_days=1)

    assert names(search_products(SearchParams(q="oak desk"))) == ["Oak Desk", "Desk Lamp"]
    assert names(search_products(SearchParams(q="oak desk", sort="newest"))) == ["Desk Lamp", "Oak Desk"]


@pytest.mark.parametrize("sort", SORTS)
def test_pages_neither_overlap_nor_skip(sort):
    for n in range(7):
        make_product(f"Lamp {n}", price="10.00", rating="4.00", sales=3)

    seen = []
    for offset in range(0, 8, 3):
        result = search_products(SearchParams(q="lamp", sort=sort, offset=offset, limit=3))
        assert result.count == 7
        seen += [p.pk for p in result.products]

    assert sorted(seen) == sorted(Product.objects.values_list("pk", flat=True))


def test_an_offset_past_the_end_gives_an_empty_page_and_the_count():
    make_product("Lamp")

    result = search_products(SearchParams(offset=10))

    assert result.products == []
    assert result.count == 1


def test_a_page_comes_ready_to_render(django_assert_num_queries):
    product = make_product("Desk Lamp", category=make_category("Lighting"), stock=0, rating="5.00")
    product.images.create(image="products/x/2.jpg", position=2, width=10, height=10)
    first = product.images.create(image="products/x/1.jpg", position=1, width=10, height=10)
    make_product("Floor Lamp")
    make_product("Table Lamp")

    with django_assert_num_queries(5):  # count, page ids, listed and in stock, the cards' rows, first images
        result = search_products(SearchParams(q="lamp", sort="rating"))
        card = result.products[0]
        assert (card.seller.store_name, card.category.name, card.first_image, card.in_stock) == (
            product.seller.store_name,
            "Lighting",
            first,
            False,
        )


@pytest.mark.parametrize("with_facets", [False, True])
def test_the_number_of_queries_does_not_grow_with_the_page_size(django_assert_num_queries, with_facets):
    for n in range(30):
        product = make_product(f"Desk Lamp {n}", category=make_category(f"Cat {n}"))
        product.images.create(image=f"products/{n}/1.jpg", position=1, width=10, height=10)

    # The category tree is read once and cached, and so are the cards' rows
    search_products(SearchParams(q="lamp", limit=30, with_facets=with_facets))

    for limit in (2, 30):
        # the count (or count and facets) with the page's ids, in one reading of the matches; whether each is
        # listed and in stock (the cards' rows were kept by the first search)
        with django_assert_num_queries(2):
            result = search_products(SearchParams(q="lamp", limit=limit, with_facets=with_facets))
            rendered = [
                (c.seller.store_name, c.category.name, c.first_image.image.name, c.in_stock) for c in result.products
            ]
        assert len(rendered) == limit
