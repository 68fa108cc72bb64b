"""Search on SQLite, the embedded default: FTS5 with bm25, its vocabulary for typos, and LIKE without FTS5.

The suite's database is PostgreSQL, so these run the SQLite backend for real in a child process: it
migrates a fresh SQLite file, builds a small catalog, runs every scenario below and prints what it saw
as JSON; each test checks one scenario. Behaviours that are PostgreSQL-only (pg_trgm nearest words, the
search-vector trigger, the vocabulary table) are tested in test_search_relevance.py; here the same
promises are checked through the SQLite engine: FTS5 triggers, fts5vocab + difflib, bm25 ranking.
"""

from __future__ import annotations

import pytest

from tests import sqlite_child


def run_scenarios() -> dict:
    """Runs in the child process (Django configured for SQLite); returns what each scenario saw."""
    import django

    django.setup()
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0, interactive=False)

    from catalog.models import Product
    from catalog.search import SearchParams, search_products, sqlite_schema, suggest
    from catalog.search.backends import _BACKENDS, get_backend
    from catalog.search.sqlite import SqliteBackend
    from tests.catalog.search_factories import make_category, make_product
    from tests.sellers.factories import SellerFactory

    seen: dict = {"vendor": connection.vendor}
    seller = SellerFactory()

    def names(**params) -> list[str]:
        return [p.name for p in search_products(SearchParams(limit=50, **params)).products]

    def product(name: str, **kwargs):
        return make_product(name, seller=seller, **kwargs)

    seen["fts"] = get_backend().has_fts()

    # Relevance, prefixes, stems, typos, the query language.
    product("Canvas Tote Bag", description="Roomy enough for a trail runner and a towel.", rating="5.00")
    product("Trail Runner", description="Light shoes for rough paths.", rating="1.00")
    seen["name_before_description"] = names(q="trail runner")
    seen["relaxed"] = names(q="leather trail runner")
    product("Wireless Headphones", brand="Sonora")
    product("Headband")
    product("Forehead Thermometer")
    seen["prefix"] = sorted(names(q="head"))
    product("Running Shoe")
    seen["stem"] = names(q="shoes")
    product("Apple iPhone 15", brand="Apple")
    typo = search_products(SearchParams(q="iphnoe"))
    seen["typo"] = {"names": [p.name for p in typo.products], "corrected": typo.corrected_query}
    product("Yoga Mat")
    product("Matte Lipstick")
    product("Memory Foam Mattress")
    matt = search_products(SearchParams(q="yoga matt"))
    seen["closest_that_finds"] = {"names": [p.name for p in matt.products], "corrected": matt.corrected_query}
    gibberish = search_products(SearchParams(q="qzxwvk"))
    seen["gibberish"] = {"count": gibberish.count, "corrected": gibberish.corrected_query}
    product("Kids Running Shoes")
    product("Trail Shoes", description="Also in kids sizes.")
    seen["negation"] = sorted(names(q="shoes -kids"))
    seen["only_negation"] = "Trail Shoes" not in names(q="-kids") and "Headband" in names(q="-kids")
    product("Red Wine Glass")
    product("Wine Red Scarf")
    product("Red Dessert Wine")
    seen["phrase"] = names(q='"red wine"')
    product("Hiking Boots")
    product("Beach Sandals")
    seen["or"] = sorted(names(q="boots OR sandals"))
    seen["or_and"] = names(q="hiking boots or sandals")
    product("Steel Water Bottle A", rating="4.90", stock=0)
    product("Steel Water Bottle B", rating="3.00", stock=2)
    product("Steel Water Bottle C", rating="4.50", stock=2)
    seen["in_stock_then_rating"] = names(q="steel water bottle")
    hostile = ["'); DROP TABLE catalog_product; --", 'a* NOT "b', "NEAR(a b)", "col : x", "^x", "OR -", "x" * 200]
    seen["hostile"] = [search_products(SearchParams(q=text)).count >= 0 for text in hostile]

    # Statuses and keeping the index current.
    product("Lantern Active")
    product("Lantern Archived", status=Product.Status.ARCHIVED)
    product("Lantern Draft", status=Product.Status.DRAFT)
    seen["statuses"] = names(q="lantern")
    kettle = product("Blue Kettle")
    kettle.name = "Copper Teapot"
    kettle.save()
    seen["renamed"] = {"new": names(q="teapot"), "old": names(q="kettle")}
    bag = product("Sleeping Bag")
    Product.objects.filter(pk=bag.pk).update(category_text="Outdoor > Mountaineering")
    seen["category_text"] = names(q="mountaineering")
    gone = product("Disposable Poncho")
    gone.delete()
    seen["deleted"] = names(q="poncho")
    Product.objects.bulk_create(
        [Product(seller=seller, name=f"Ceramic Planter {n}", slug=f"planter-{n}", price="9.00") for n in range(3)]
    )
    seen["bulk"] = search_products(SearchParams(q="planter")).count
    seen["bulk_typo"] = search_products(SearchParams(q="planetr")).corrected_query

    # Filters, sorts and facets, in a category of their own.
    furniture = make_category("Furniture")
    chairs = make_category("Chairs", parent=furniture)
    product("Oak Chair", category=chairs, brand="Woodly", price="80.00", rating="4.00", sales=5)
    product("Pine Chair", category=chairs, brand="WOODLY", price="20.00", rating="3.00", sales=50)
    product("Oak Table", category=furniture, brand="Tabula", price="250.00", rating="5.00", sales=1, stock=0)
    product(
        "Cushion",
        category=furniture,
        price="15.00",
        variants=[{"size": "M", "color": "Red", "stock": 1}, {"size": "L", "color": "blue", "stock": 0}],
    )
    within = {"category_id": furniture.pk}
    seen["descendants"] = sorted(names(category_id=furniture.pk))
    seen["brand"] = sorted(names(brands=("woodly",), **within))
    seen["price"] = sorted(names(min_price=Decimal("20.00"), max_price=Decimal("80.00"), **within))
    seen["rating"] = sorted(names(rating_gte=4, **within))
    seen["in_stock"] = sorted(names(in_stock=False, **within))
    seen["size_color"] = [names(sizes=("m",), **within), names(colors=("BLUE",), sizes=("M",), **within)]
    seen["sorts"] = {
        sort: names(sort=sort, **within) for sort in ("price", "-price", "rating", "bestselling", "newest")
    }
    seen["relevance_with_filter"] = names(q="oak", **within)
    facets = search_products(SearchParams(with_facets=True, **within)).facets
    seen["facets"] = {
        "category": [(c["name"], c["count"]) for c in facets["category"]],
        "brand": [(b["value"].lower(), b["count"]) for b in facets["brand"]],
        "price": [b["count"] for b in facets["price"]],
        "rating": [r["count"] for r in facets["rating"]],
        "size": sorted((s["value"], s["count"]) for s in facets["size"]),
        "color": sorted((c["value"].lower(), c["count"]) for c in facets["color"]),
    }
    query_counts = []
    for limit in (1, 4):
        with CaptureQueriesContext(connection) as captured:
            result = search_products(SearchParams(with_facets=True, limit=limit, **within))
            [(p.seller.store_name, p.category.name, p.first_image, p.in_stock) for p in result.products]
        query_counts.append(len(captured))
    seen["query_counts"] = query_counts

    suggestions = suggest("head")
    seen["suggest"] = {
        "products": sorted(p["name"] for p in suggestions["products"]),
        "categories": [c["name"] for c in suggest("chai")["categories"]],
    }

    # A later migration that rebuilds catalog_product drops its triggers: the backend puts them back.
    with connection.cursor() as cursor:
        for trigger in sqlite_schema.TRIGGERS:
            cursor.execute(f"DROP TRIGGER {trigger}")
    _BACKENDS["sqlite"] = SqliteBackend()  # as in a new process
    product("Brass Doorknob")
    names(q="doorknob")  # the first search puts the triggers back (and re-reads every product)
    product("Silver Doorknob")
    seen["triggers_reinstalled"] = sorted(names(q="doorknob"))

    # Without FTS5 (or its tables): LIKE matching, no corrections, still suggestions.
    with connection.cursor() as cursor:
        sqlite_schema.uninstall(cursor)
    _BACKENDS["sqlite"] = SqliteBackend()
    seen["like"] = {
        "fts": get_backend().has_fts(),
        "prefix": sorted(names(q="head")),
        "negation": sorted(names(q="shoes -kids")),
        "first": names(q="trail runner")[0],
        "relaxed": names(q="leather trail runner")[0],
        "typo": search_products(SearchParams(q="iphnoe")).count,
        "suggest": sorted(p["name"] for p in suggest("head")["products"]),
    }
    return seen


@pytest.fixture(scope="module")
def sqlite_run(tmp_path_factory) -> dict:
    database = tmp_path_factory.mktemp("sqlite-search") / "db.sqlite3"
    return sqlite_child.run_scenarios("tests.catalog.test_search_sqlite", database=database)


def test_the_child_process_searched_sqlite_with_fts5(sqlite_run):
    assert (sqlite_run["vendor"], sqlite_run["fts"]) == ("sqlite", True)


def test_an_exact_name_match_outranks_a_description_only_match(sqlite_run):
    assert sqlite_run["name_before_description"] == ["Trail Runner", "Canvas Tote Bag"]


def test_when_not_every_word_matches_the_products_matching_the_most_come_first(sqlite_run):
    assert sqlite_run["relaxed"] == ["Trail Runner", "Canvas Tote Bag"]


def test_the_start_of_a_word_finds_the_whole_word(sqlite_run):
    assert sqlite_run["prefix"] == ["Headband", "Wireless Headphones"]


def test_words_are_matched_by_their_stem(sqlite_run):
    assert sqlite_run["stem"] == ["Running Shoe", "Trail Runner"]  # "shoes" in the name, then in a description


def test_a_misspelt_word_is_corrected_from_the_fts5_vocabulary(sqlite_run):
    assert sqlite_run["typo"] == {"names": ["Apple iPhone 15"], "corrected": "iphone"}


def test_of_equally_close_corrections_the_one_that_finds_something_wins(sqlite_run):
    assert sqlite_run["closest_that_finds"] == {"names": ["Yoga Mat"], "corrected": "yoga mat"}


def test_gibberish_finds_nothing_and_corrects_nothing(sqlite_run):
    assert sqlite_run["gibberish"] == {"count": 0, "corrected": None}


def test_a_minus_sign_excludes_products_with_that_word(sqlite_run):
    assert "Kids Running Shoes" not in sqlite_run["negation"]
    assert "Trail Shoes" not in sqlite_run["negation"]
    assert "Running Shoe" in sqlite_run["negation"]
    assert sqlite_run["only_negation"] is True


def test_a_quoted_phrase_needs_its_words_together_and_in_order(sqlite_run):
    assert sqlite_run["phrase"] == ["Red Wine Glass"]


def test_or_finds_products_with_either_word(sqlite_run):
    assert sqlite_run["or"] == ["Beach Sandals", "Hiking Boots"]
    assert sqlite_run["or_and"] == ["Hiking Boots"]


def test_among_equal_matches_those_in_stock_come_first_then_the_better_rated(sqlite_run):
    assert sqlite_run["in_stock_then_rating"] == [
        "Steel Water Bottle C",
        "Steel Water Bottle B",
        "Steel Water Bottle A",
    ]


def test_any_text_is_a_valid_fts5_query(sqlite_run):
    assert all(sqlite_run["hostile"])


def test_archived_and_draft_products_are_never_found(sqlite_run):
    assert sqlite_run["statuses"] == ["Lantern Active"]


def test_the_index_follows_renames_category_changes_deletes_and_bulk_inserts(sqlite_run):
    assert sqlite_run["renamed"] == {"new": ["Copper Teapot"], "old": []}
    assert sqlite_run["category_text"] == ["Sleeping Bag"]
    assert sqlite_run["deleted"] == []
    assert sqlite_run["bulk"] == 3
    assert sqlite_run["bulk_typo"] == "planter"


def test_filters(sqlite_run):
    assert sqlite_run["descendants"] == ["Cushion", "Oak Chair", "Oak Table", "Pine Chair"]
    assert sqlite_run["brand"] == ["Oak Chair", "Pine Chair"]
    assert sqlite_run["price"] == ["Oak Chair", "Pine Chair"]
    assert sqlite_run["rating"] == ["Oak Chair", "Oak Table"]
    assert sqlite_run["in_stock"] == ["Oak Table"]
    assert sqlite_run["size_color"] == [["Cushion"], ["Cushion"]]


def test_sorts(sqlite_run):
    assert sqlite_run["sorts"] == {
        "price": ["Cushion", "Pine Chair", "Oak Chair", "Oak Table"],
        "-price": ["Oak Table", "Oak Chair", "Pine Chair", "Cushion"],
        "rating": ["Oak Table", "Oak Chair", "Pine Chair", "Cushion"],
        "bestselling": ["Pine Chair", "Oak Chair", "Oak Table", "Cushion"],
        "newest": ["Cushion", "Oak Table", "Pine Chair", "Oak Chair"],
    }
    assert sorted(sqlite_run["relevance_with_filter"]) == ["Oak Chair", "Oak Table"]


def test_facets_count_the_whole_result_set(sqlite_run):
    assert sqlite_run["facets"] == {
        "category": [["Chairs", 2]],
        "brand": [["woodly", 2], ["tabula", 1]],
        "price": [2, 0, 1, 0, 1],
        "rating": [2, 3, 3, 3],
        "size": [["L", 1], ["M", 1]],
        "color": [["blue", 1], ["red", 1]],
    }


def test_the_number_of_queries_does_not_grow_with_the_page_size(sqlite_run):
    # count and facets, page ids, whether each is listed and in stock (the cards' rows kept by the first search)
    assert sqlite_run["query_counts"] == [3, 3]


def test_suggestions(sqlite_run):
    assert sqlite_run["suggest"] == {
        "products": ["Headband", "Wireless Headphones"],
        "categories": ["Chairs"],
    }


def test_lost_triggers_are_reinstalled(sqlite_run):
    assert sqlite_run["triggers_reinstalled"] == ["Brass Doorknob", "Silver Doorknob"]


def test_without_fts5_search_falls_back_to_like_matching(sqlite_run):
    like = sqlite_run["like"]
    assert like["fts"] is False
    assert like["prefix"] == ["Forehead Thermometer", "Headband", "Wireless Headphones"]  # LIKE finds inside words too
    assert "Trail Runner" in like["negation"]  # "shoes" in its description
    assert not {"Kids Running Shoes", "Trail Shoes"} & set(like["negation"])
    assert like["first"] == "Trail Runner"
    assert like["relaxed"] == "Trail Runner"  # no product says "leather": the other words still find
    assert like["typo"] == 0
    assert like["suggest"] == ["Forehead Thermometer", "Headband", "Wireless Headphones"]
