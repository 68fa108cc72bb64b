"""Facets on PostgreSQL: counted over the whole result set, equal to counting by hand, in one query."""

from collections import Counter
from decimal import Decimal
import itertools
import random

import pytest

from catalog.models import Category, Product
from catalog.search import PRICE_BAND_EDGES, RATING_STEPS, SearchParams, search_products
from tests.catalog.search_factories import make_category, make_product

pytestmark = pytest.mark.django_db

BRANDS = ["Acme", "acme", "Globex", "Initech", ""]
SIZES = ["S", "m", "M", "L", "XL", ""]
COLORS = ["Red", "red", "Blue", "Green", ""]
NOUNS = ["Widget", "Gadget", "Gizmo"]


@pytest.fixture
def catalog():
    """Forty-odd products of every kind, seeded so that a failure can be replayed."""
    rng = random.Random(7)
    home = make_category("Home")
    kitchen = make_category("Kitchen", parent=home)
    knives = make_category("Knives", parent=kitchen)
    garden = make_category("Garden", parent=home)
    toys = make_category("Toys")
    categories = [home, kitchen, knives, garden, toys, None]
    for n in range(44):
        variants = []
        for _ in range(rng.randint(1, 4)):
            spec = {"stock": rng.choice([0, 0, 1, 5])}
            if size := rng.choice(SIZES):
                spec["size"] = size
            if color := rng.choice(COLORS):
                spec["color"] = color
            spec["price"] = str(
                Decimal(rng.choice([500, 2499, 2500, 4999, 5000, 9999, 10000, 19999, 20000, 45000])) / 100
            )
            if spec not in variants and {k: v for k, v in spec.items() if k in ("size", "color")} not in [
                {k: v for k, v in s.items() if k in ("size", "color")} for s in variants
            ]:
                variants.append(spec)
        make_product(
            f"{rng.choice(NOUNS)} {n}",
            category=rng.choice(categories),
            brand=rng.choice(BRANDS),
            rating=rng.choice(["0", "1.00", "2.50", "3.00", "3.99", "4.00", "5.00"]),
            status=rng.choice([Product.Status.ACTIVE] * 5 + [Product.Status.DRAFT, Product.Status.ARCHIVED]),
            variants=variants,
        )
    return {"home": home, "kitchen": kitchen, "knives": knives, "toys": toys}


def _descendants(category) -> set[int]:
    ids, frontier = {category.pk}, [category.pk]
    while frontier:
        children = list(Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids.update(children)
        frontier = children
    return ids


def brute_force(params: SearchParams) -> tuple[int, dict]:
    """Count and facets by loading every product and counting in Python."""
    products = list(Product.objects.prefetch_related("variants__stock"))
    within = _descendants(Category.objects.get(pk=params.category_id)) if params.category_id else None

    def keep(p) -> bool:
        variants = list(p.variants.all())
        lowered = {v.lower() for v in params.brands}
        return (
            p.status == Product.Status.ACTIVE
            and (not params.q or any(w.lower().startswith(params.q.lower()) for w in p.name.split()))
            and (within is None or p.category_id in within)
            and (not lowered or p.brand.lower() in lowered)
            and (params.min_price is None or p.price >= params.min_price)
            and (params.max_price is None or p.price <= params.max_price)
            and (params.rating_gte is None or p.rating >= params.rating_gte)
            and (params.in_stock is None or any(v.stock.on_hand > v.stock.held for v in variants) == params.in_stock)
            and (not params.sizes or any(v.size.lower() in {s.lower() for s in params.sizes} for v in variants))
            and (not params.colors or any(v.color.lower() in {c.lower() for c in params.colors} for v in variants))
        )

    result = [p for p in products if keep(p)]
    edges = [Decimal(0), *map(Decimal, PRICE_BAND_EDGES), None]
    bands = [
        sum(1 for p in result if p.price >= low and (high is None or p.price < high))
        for low, high in itertools.pairwise(edges)
    ]

    categories = {}
    shown = Category.objects.filter(parent_id=params.category_id)  # the top level without a category
    for category in shown:
        subtree = _descendants(category)
        count = sum(1 for p in result if p.category_id in subtree)
        if count:
            categories[category.pk] = count

    def options(attribute: str) -> dict[str, int]:
        counter = Counter()
        for p in result:
            counter.update({getattr(v, attribute).lower() for v in p.variants.all() if getattr(v, attribute)})
        return dict(counter)

    return len(result), {
        "category": categories,
        "brand": dict(Counter(p.brand.lower() for p in result if p.brand)),
        "price": bands,
        "rating": [sum(1 for p in result if p.rating >= step) for step in RATING_STEPS],
        "size": options("size"),
        "color": options("color"),
    }


def comparable(facets: dict) -> dict:
    return {
        "category": {c["id"]: c["count"] for c in facets["category"]},
        "brand": {b["value"].lower(): b["count"] for b in facets["brand"]},
        "price": [band["count"] for band in facets["price"]],
        "rating": [r["count"] for r in facets["rating"]],
        "size": {s["value"].lower(): s["count"] for s in facets["size"]},
        "color": {c["value"].lower(): c["count"] for c in facets["color"]},
    }


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"q": "widget"},
        {"q": "gadg"},
        {"category": "home"},
        {"category": "kitchen"},
        {"category": "toys"},
        {"brands": ("ACME",)},
        {"min_price": Decimal("25.00"), "max_price": Decimal("99.99")},
        {"sizes": ("m",)},
        {"colors": ("RED", "blue"), "in_stock": True},
        {"rating_gte": 3, "q": "gizmo"},
        {"in_stock": False, "category": "home"},
    ],
    ids=repr,
)
def test_facet_counts_equal_a_brute_force_count(catalog, filters):
    filters = dict(filters)
    if "category" in filters:
        filters["category_id"] = catalog[filters.pop("category")].pk
    params = SearchParams(with_facets=True, limit=3, **filters)

    result = search_products(params)

    count, expected = brute_force(params)
    assert result.count == count
    assert comparable(result.facets) == expected


def test_each_price_band_used_as_a_filter_finds_exactly_its_count(catalog):
    bands = search_products(SearchParams(with_facets=True)).facets["price"]

    assert [b["value"] for b in bands] == ["-24.99", "25-49.99", "50-99.99", "100-199.99", "200-"]
    for band in bands:
        low = Decimal(band["min"]) if band["min"] else None
        high = Decimal(band["max"]) if band["max"] else None
        assert search_products(SearchParams(min_price=low, max_price=high)).count == band["count"], band


def test_each_rating_step_used_as_a_filter_finds_exactly_its_count(catalog):
    steps = search_products(SearchParams(with_facets=True)).facets["rating"]

    assert [s["value"] for s in steps] == list(RATING_STEPS)
    for step in steps:
        assert search_products(SearchParams(rating_gte=step["value"])).count == step["count"]


def test_the_category_facet_lists_the_children_of_the_current_category(catalog):
    facet = search_products(SearchParams(category_id=catalog["home"].pk, with_facets=True)).facets["category"]

    assert {c["id"] for c in facet} <= set(catalog["home"].children.values_list("pk", flat=True))
    kitchen = next(c for c in facet if c["id"] == catalog["kitchen"].pk)
    assert kitchen == {
        "id": catalog["kitchen"].pk,
        "slug": catalog["kitchen"].slug,
        "name": "Kitchen",
        "count": search_products(SearchParams(category_id=catalog["kitchen"].pk)).count,
    }


def test_facets_ignore_the_page(catalog):
    first = search_products(SearchParams(with_facets=True, limit=1))
    later = search_products(SearchParams(with_facets=True, offset=5, limit=2))

    assert first.facets == later.facets
    assert sum(c["count"] for c in first.facets["category"]) <= first.count


def test_brand_values_are_shown_as_written_and_counted_in_any_case():
    make_product("A", brand="Acme")
    make_product("B", brand="ACME")
    make_product("C", brand="Globex")

    brands = search_products(SearchParams(with_facets=True)).facets["brand"]

    assert [(b["value"].lower(), b["count"]) for b in brands] == [("acme", 2), ("globex", 1)]
    assert brands[0]["value"] in ("Acme", "ACME")


def test_a_product_counts_once_per_size_however_many_variants_have_it():
    make_product(
        "Tee", variants=[{"size": "M", "color": "Red"}, {"size": "M", "color": "Blue"}, {"size": "m", "color": "Green"}]
    )

    facets = search_products(SearchParams(with_facets=True)).facets

    assert facets["size"] == [{"value": "M", "count": 1}]
    assert {c["value"]: c["count"] for c in facets["color"]} == {"Red": 1, "Blue": 1, "Green": 1}


def test_without_facets_asked_none_are_counted(django_assert_num_queries):
    make_product("Lamp")
    make_product("Lamp Shade")
    make_product("Lamp Post")

    # the count with the page's ids (one reading of the matches), listed and in stock, the cards' rows and pictures
    with django_assert_num_queries(4):
        result = search_products(SearchParams(q="lamp"))

    assert result.facets is None
    assert result.count == 3


def test_a_small_result_set_is_always_counted_afresh():
    lamps = [make_product(f"Lamp {n}") for n in range(3)]
    assert search_products(SearchParams(q="lamp", with_facets=True)).count == 3

    Product.objects.filter(pk=lamps[0].pk).update(status=Product.Status.ARCHIVED)

    result = search_products(SearchParams(q="lamp", with_facets=True))
    assert result.count == 2
    assert sum(b["count"] for b in result.facets["price"]) == 2


def test_a_big_result_set_is_remembered_for_a_minute(settings, django_assert_num_queries):
    settings.SEARCH_CACHE_MIN_COUNT = 3  # "big", for a test
    for n in range(3):
        make_product(f"Lamp {n}")
    first = search_products(SearchParams(q="lamp", with_facets=True, limit=2))

    with django_assert_num_queries(1):  # listed and in stock; count, facets, page ids and the cards' rows remembered
        again = search_products(SearchParams(q="LAMP", with_facets=True, limit=2))

    assert (again.count, again.facets, [p.pk for p in again.products]) == (
        first.count,
        first.facets,
        [p.pk for p in first.products],
    )


def test_a_remembered_page_never_shows_a_product_archived_since(settings):
    settings.SEARCH_CACHE_MIN_COUNT = 3
    lamps = [make_product(f"Lamp {n}") for n in range(3)]
    search_products(SearchParams(q="lamp"))

    Product.objects.filter(pk=lamps[0].pk).update(status=Product.Status.ARCHIVED)

    assert lamps[0].pk not in [p.pk for p in search_products(SearchParams(q="lamp")).products]


def test_an_unknown_category_has_no_products_and_empty_facets():
    make_product("Lamp")

    result = search_products(SearchParams(category_id=987654, with_facets=True))

    assert (result.count, result.products) == (0, [])
    assert result.facets["brand"] == []
    assert [b["count"] for b in result.facets["price"]] == [0, 0, 0, 0, 0]
