"""Search that finds what people mean: partial matches when not every word can match, possessives,
numbers with units, price phrases, colours and sizes of the variants, and SKUs (PostgreSQL here; the
relevance set in test_search_relevance_score.py runs the same on SQLite too)."""

from decimal import Decimal

import pytest

from catalog.models import Product
from catalog.search import SearchParams, search_products
from catalog.search.query import parse_query, read_price, understand_query
from tests.catalog.search_factories import make_category, make_product


def names(result) -> list[str]:
    return [p.name for p in result.products]


def search(q: str = "", **params):
    return search_products(SearchParams(q=q, **params))


# --- reading the query (no database) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("men's boots", "men boots"),
        ("Kids\u2019 shoes", "kids shoes"),
        ("kids' shoes", "kids shoes"),
        ("laptop 16gb", "laptop 16gb OR 16-gb"),
        ("laptop 16 GB", "laptop 16gb OR 16-gb"),
        ("bottle 750ml", "bottle 750ml OR 750-ml"),
        ("iphone 15", "iphone 15"),  # a number without a unit stays a number
        ("size 10 in stock", "size 10 in stock"),  # "in" is no unit: a word too common to be one
    ],
)
def test_possessives_go_and_numbers_with_units_match_glued_or_apart(text, written):
    assert parse_query(text).text() == written


@pytest.mark.parametrize(
    ("text", "rest", "bound"),
    [
        ("wireless headphones under 50", "wireless headphones", "50"),
        ("headphones below $49.99", "headphones", "49.99"),
        ("tent less than 100 dollars", "tent", "100"),
        ("boots cheaper than 80\u20ac", "boots", "80"),
        ("mug < 10", "mug", "10"),
        ("under 50 and below 30", "and", "30"),
        ("understated lamp", "understated lamp", None),
        ("50 under", "50 under", None),
    ],
)
def test_a_price_phrase_is_read_out_of_the_text(text, rest, bound):
    left, found = read_price(text)

    assert " ".join(left.split()) == rest
    assert found == (Decimal(bound) if bound else None)


def test_a_colour_and_a_size_of_the_catalogue_are_read_only_beside_other_words():
    colors, sizes = {"red", "navy blue"}, {"m", "xl", "42"}

    red_dress = understand_query("red dress xl", colors=colors, sizes=sizes)
    assert (red_dress.query.text(), red_dress.color, red_dress.size) == ("dress", "red", "xl")
    assert red_dress.with_option_words.text() == "red dress xl"
    two_words = understand_query("navy blue shirt size 42", colors=colors, sizes=sizes)
    assert (two_words.query.text(), two_words.color, two_words.size) == ("shirt", "navy blue", "42")
    assert understand_query("red", colors=colors, sizes=sizes).color is None  # nothing else to search
    assert understand_query("shirt 42", colors=colors, sizes=sizes).size is None  # a bare number is no size
    assert understand_query("shirt m", colors=colors, sizes=sizes).size is None  # nor a single letter
    assert understand_query('"red" dress', colors=colors, sizes=sizes).color is None  # quoted: a word


# --- searching -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_when_not_every_word_matches_the_best_partial_matches_come_and_it_is_said():
    make_product("Hiking Boots")
    make_product("Chelsea Boots", category=make_category("Men"))
    make_product("Men's Shirt")
    make_product("Wool Socks")

    result = search("men leather boots")

    assert names(result)[0] == "Chelsea Boots"  # two words of three
    assert sorted(names(result)[1:]) == ["Hiking Boots", "Men's Shirt"]
    assert result.count == 3
    assert (result.relaxed, result.matched_terms, result.dropped_terms) == (True, ["men", "boots"], ["leather"])


@pytest.mark.django_db
def test_of_single_word_matches_the_word_fewer_products_have_ranks_first():
    make_product("Wireless Mouse")
    make_product("Wireless Keyboard")
    make_product("Wireless Charger")
    make_product("Studio Headphones")

    result = search("wireless headphones")

    assert names(result)[0] == "Studio Headphones"
    assert (result.matched_terms, result.dropped_terms) == (["headphones"], ["wireless"])


@pytest.mark.django_db
def test_a_number_weighs_less_than_a_word_when_relaxing():
    make_product("Laptop 8GB RAM")
    make_product("Phone 16GB")
    make_product("Tablet 16GB")

    assert names(search("laptop 16gb"))[0] == "Laptop 8GB RAM"


@pytest.mark.django_db
def test_a_full_match_is_not_relaxed_and_excluded_words_stay_excluded_when_relaxing():
    make_product("Kids Running Shoes")
    make_product("Running Shoes")
    make_product("Trail Shoes")

    full = search("running shoes")
    assert (sorted(names(full)), full.relaxed, full.dropped_terms) == (
        ["Kids Running Shoes", "Running Shoes"],
        False,
        [],
    )
    relaxed = search("leather shoes -kids")
    assert relaxed.relaxed
    assert sorted(names(relaxed)) == ["Running Shoes", "Trail Shoes"]


@pytest.mark.django_db
def test_a_single_unknown_word_finds_nothing_rather_than_anything():
    make_product("Hiking Boots")

    result = search("qzxwvk")

    assert (result.count, result.relaxed) == (0, False)


@pytest.mark.django_db
def test_a_price_phrase_filters_by_price_and_leaves_the_text():
    make_product("Budget Wireless Headphones", price="39.00")
    make_product("Wireless Headphones Pro", price="199.00")

    result = search("wireless headphones under $50")

    assert names(result) == ["Budget Wireless Headphones"]
    assert result.detected_max_price == Decimal("50")
    assert names(search("wireless headphones under 50", max_price=Decimal("30"))) == []  # the lower bound wins


@pytest.mark.django_db
def test_a_colour_word_matches_the_variants_colour():
    make_product("Summer Dress", variants=[{"color": "Red", "size": "S"}, {"color": "Blue", "size": "M"}])
    make_product("Evening Dress", variants=[{"color": "Black", "size": "S"}])
    make_product("Red Carpet Dress Guide")  # "red" only in the name: no red variant

    result = search("red dress")

    assert names(result) == ["Summer Dress"]
    assert (result.detected_color, result.detected_size) == ("red", None)
    assert names(search("red dress", colors=("black",))) == ["Evening Dress"]  # the shopper's choice wins


@pytest.mark.django_db
def test_a_colour_no_such_product_has_is_searched_as_a_word():
    make_product("Summer Dress", variants=[{"color": "Blue"}])
    make_product("Red Wine Glass")
    make_product("Wine Rack", variants=[{"color": "Red"}])  # "red" is a colour of the catalogue

    result = search("red glass")

    assert names(result) == ["Red Wine Glass"]
    assert result.detected_color is None


@pytest.mark.django_db
def test_a_size_word_matches_the_variants_size():
    make_product("Linen Dress", variants=[{"size": "XS"}, {"size": "S"}])
    make_product("Party Dress", variants=[{"size": "M"}, {"size": "L"}])
    make_product("Hiking Boots", variants=[{"size": "42"}, {"size": "43"}])
    make_product("Chelsea Boots", variants=[{"size": "40"}, {"size": "41"}])

    xs = search("dress xs")
    assert (names(xs), xs.detected_size) == (["Linen Dress"], "xs")
    forty_two = search("boots size 42")
    assert (names(forty_two), forty_two.detected_size) == (["Hiking Boots"], "42")


@pytest.mark.django_db
def test_a_sku_finds_its_product_first_in_any_case_then_the_text_matches():
    make_product("Lamp2000 Replacement Bulb")  # names the SKU in its text
    lamp = make_product("Desk Lamp", variants=[{"color": "red"}, {"color": "blue"}])
    lamp.variants.filter(color="blue").update(sku="LAMP2000")

    result = search("lamp2000")

    assert names(result) == ["Desk Lamp", "Lamp2000 Replacement Bulb"]
    assert (result.count, result.sku_match) == (2, True)


@pytest.mark.django_db
def test_the_start_of_a_sku_finds_its_products():
    product = make_product("Trail Lantern")
    product.variants.update(sku="LANT-2024-RED")
    make_product("Lantern Hook")

    result = search("lant-2024")

    assert (names(result), result.sku_match) == (["Trail Lantern"], True)


@pytest.mark.django_db
def test_a_word_is_never_taken_for_a_sku():
    product = make_product("Boot Dryer")
    product.variants.update(sku="BOOT")
    make_product("Hiking Boots")

    result = search("boot")

    assert result.sku_match is False
    assert sorted(names(result)) == ["Boot Dryer", "Hiking Boots"]


@pytest.mark.django_db
def test_an_archived_products_sku_finds_nothing():
    product = make_product("Old Lamp", status=Product.Status.ARCHIVED)
    product.variants.update(sku="LAMP-0001")

    result = search("LAMP-0001")

    assert (result.count, result.sku_match) == (0, False)


@pytest.mark.django_db
def test_relevance_pages_carry_each_products_rank():
    make_product("Desk Lamp")
    make_product("Lamp Shade")

    result = search("lamp")

    assert all(isinstance(p.search_rank, float) for p in result.products)
