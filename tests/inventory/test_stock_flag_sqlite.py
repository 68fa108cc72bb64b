"""The stocked-variants count on SQLite, the embedded default: its row triggers follow the stock as the
PostgreSQL ones do, and stay out of the way of migrations that rebuild the tables they name.

The suite's database is PostgreSQL, so this runs in a child process that migrates a fresh SQLite file, moves
stock through the services and prints what it saw as JSON; each test checks one scenario.
"""

from __future__ import annotations

import pytest

from tests import sqlite_child


def run_scenarios() -> dict:
    """Runs in the child process (Django configured for SQLite); returns what each scenario saw."""
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0, interactive=False)

    from catalog.models import Product, Variant
    from inventory import selectors, services
    from inventory.models import Hold, StockLevel
    from tests.catalog.factories import ProductFactory, VariantFactory

    seen: dict = {"vendor": connection.vendor}

    def state(product) -> list:
        count = Product.objects.values_list("stocked_variants", flat=True).get(pk=product.pk)
        return [count, Product.objects.filter(selectors.product_in_stock(), pk=product.pk).exists()]

    def triggers() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%stock%' ORDER BY 1")
            return [name for (name,) in cursor.fetchall()]

    seen["triggers"] = triggers()

    later = timezone.now() + timedelta(minutes=5)
    variant = VariantFactory(stock=1)
    steps = [state(variant.product)]
    services.hold_stock(reference="ord_1", quantities={variant.pk: 1}, expires_at=later)
    steps.append(state(variant.product))
    services.release_holds(reference="ord_1")
    steps.append(state(variant.product))
    services.hold_stock(reference="ord_2", quantities={variant.pk: 1}, expires_at=later)
    Hold.objects.filter(reference="ord_2").update(expires_at=timezone.now() - timedelta(seconds=1))
    steps.append(state(variant.product))  # lapsed: counted out, in stock through the selector
    seen["one_variant"] = steps

    product = ProductFactory(default_variant=False)
    small = VariantFactory(product=product, options={"size": "S"}, stock=2)
    VariantFactory(product=product, options={"size": "M"}, stock=0)
    large = VariantFactory(product=product, options={"size": "L"}, stock=5)
    steps = [state(product)]
    small.delete()
    steps.append(state(product))
    services.set_on_hand(variant_id=large.pk, quantity=0)
    steps.append(state(product))
    seen["three_variants"] = steps

    # A later migration altering products, variants or stock levels: Django rebuilds each table on SQLite,
    # which fails while a trigger names one of them, unless migrate's signals take the triggers away first.
    sqlite_child.rebuild_tables(Product, Variant, StockLevel)
    services.set_on_hand(variant_id=large.pk, quantity=4)
    seen["after_rebuild"] = {"triggers": triggers(), "state": state(product)}
    return seen


@pytest.fixture(scope="module")
def sqlite_run(tmp_path_factory) -> dict:
    database = tmp_path_factory.mktemp("sqlite-stock") / "db.sqlite3"
    return sqlite_child.run_scenarios("tests.inventory.test_stock_flag_sqlite", database=database)


TRIGGERS = ["inventory_stock_flag_delete", "inventory_stock_flag_insert", "inventory_stock_flag_update"]


def test_the_child_process_migrated_sqlite_with_the_triggers(sqlite_run):
    assert (sqlite_run["vendor"], sqlite_run["triggers"]) == ("sqlite", TRIGGERS)


def test_holding_releasing_and_a_lapsed_hold_move_the_product_as_on_postgresql(sqlite_run):
    assert sqlite_run["one_variant"] == [[1, True], [0, False], [1, True], [0, True]]


def test_deleting_and_selling_out_variants_take_them_off_the_count(sqlite_run):
    assert sqlite_run["three_variants"] == [[2, True], [1, True], [0, False]]


def test_a_migration_rebuilding_the_tables_keeps_the_triggers_and_the_count(sqlite_run):
    assert sqlite_run["after_rebuild"] == {"triggers": TRIGGERS, "state": [1, True]}
