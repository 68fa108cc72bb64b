"""Product.sizes and .colors on SQLite, the embedded default: its row triggers list the variants' values as the
PostgreSQL ones do, search facets and filters read them, and migrations that rebuild the tables keep them.

Runs in a child process that migrates a fresh SQLite file (see tests/sqlite_child.py); each test checks one
scenario of what it saw.
"""

from __future__ import annotations

import pytest

from tests import sqlite_child


def run_scenarios() -> dict:
    """Runs in the child process (Django configured for SQLite); returns what each scenario saw."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)

    from catalog.models import Product, Variant
    from catalog.search import SearchParams, search_products
    from tests.catalog.factories import ProductFactory, VariantFactory

    seen: dict = {"vendor": connection.vendor}

    def options(product) -> list:
        return list(Product.objects.values_list("sizes", "colors").get(pk=product.pk))

    def triggers() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%options%' ORDER BY 1")
            return [name for (name,) in cursor.fetchall()]

    seen["triggers"] = triggers()

    shirt = ProductFactory(name="Linen shirt", default_variant=False)
    small = VariantFactory(product=shirt, options={"size": "S", "color": "Red"})
    VariantFactory(product=shirt, options={"size": "m", "color": "Red"})
    VariantFactory(product=shirt, options={"size": "M", "color": "Navy Blue"})
    steps = [options(shirt)]
    Variant.objects.filter(pk=small.pk).update(size="XS")
    steps.append(options(shirt))
    small.delete()
    steps.append(options(shirt))
    seen["steps"] = steps

    other = ProductFactory(name="Oxford shirt", default_variant=False)
    VariantFactory(product=other, options={"size": "L", "color": "Blue"})
    found = search_products(SearchParams(q="shirt", with_facets=True))
    seen["facets"] = {"count": found.count, "size": found.facets["size"], "color": found.facets["color"]}
    seen["navy"] = [p.name for p in search_products(SearchParams(q="shirt", colors=("navy blue",))).products]

    # A later migration altering products or variants: Django rebuilds each table on SQLite, which fails while a
    # trigger names one of them, unless migrate's signals take the triggers away first.
    sqlite_child.rebuild_tables(Product, Variant)
    VariantFactory(product=other, options={"size": "XL", "color": "Blue"})
    seen["after_rebuild"] = {"triggers": triggers(), "options": options(other)}
    return seen


@pytest.fixture(scope="module")
def sqlite_run(tmp_path_factory) -> dict:
    database = tmp_path_factory.mktemp("sqlite-options") / "db.sqlite3"
    return sqlite_child.run_scenarios("tests.catalog.test_product_options_sqlite", database=database)


TRIGGERS = ["catalog_variant_options_delete", "catalog_variant_options_insert", "catalog_variant_options_update"]


def test_the_child_process_migrated_sqlite_with_the_triggers(sqlite_run):
    assert (sqlite_run["vendor"], sqlite_run["triggers"]) == ("sqlite", TRIGGERS)


def test_adding_changing_and_deleting_variants_list_their_values_as_on_postgresql(sqlite_run):
    assert sqlite_run["steps"] == [
        [{"s": "S", "m": "M"}, {"red": "Red", "navy blue": "Navy Blue"}],
        [{"xs": "XS", "m": "M"}, {"red": "Red", "navy blue": "Navy Blue"}],
        [{"m": "M"}, {"red": "Red", "navy blue": "Navy Blue"}],
    ]


def test_search_facets_and_filters_read_the_listed_values(sqlite_run):
    assert sqlite_run["facets"] == {
        "count": 2,
        "size": [{"value": "L", "count": 1}, {"value": "M", "count": 1}],
        "color": [{"value": "Blue", "count": 1}, {"value": "Navy Blue", "count": 1}, {"value": "Red", "count": 1}],
    }
    assert sqlite_run["navy"] == ["Linen shirt"]


def test_a_migration_rebuilding_the_tables_keeps_the_triggers_and_the_values(sqlite_run):
    assert sqlite_run["after_rebuild"] == {
        "triggers": TRIGGERS,
        "options": [{"l": "L", "xl": "XL"}, {"blue": "Blue"}],
    }
