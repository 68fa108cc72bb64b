"""The SQLite triggers that keep catalog.Product.stocked_variants (the embedded default's twin of the PostgreSQL
functions in migration 0005): one added to a product when a stock level's on_hand > held becomes true, one
taken when it stops being true, per row.

SQLite checks every trigger whenever a table is renamed, and Django alters a table there by building a new one,
dropping the old and renaming the new: with these triggers in place (they name catalog_product and
catalog_variant), altering either table would fail ("error in trigger ...: no such table"), and altering
inventory_stocklevel would drop them silently. So ``migrate`` takes them away before it runs and puts them
back, recounting every product, once it is done (``before_migrate`` and ``after_migrate``, connected below).
"""

from __future__ import annotations

from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.signals import post_migrate, pre_migrate

MIGRATION = ("inventory", "0005_stocked_variants_triggers")

TRIGGERS = {
    "inventory_stock_flag_insert": """
        CREATE TRIGGER IF NOT EXISTS inventory_stock_flag_insert
        AFTER INSERT ON inventory_stocklevel FOR EACH ROW WHEN NEW.on_hand > NEW.held
        BEGIN
            UPDATE catalog_product SET stocked_variants = stocked_variants + 1
            WHERE id = (SELECT product_id FROM catalog_variant WHERE id = NEW.variant_id);
        END
    """,
    "inventory_stock_flag_update": """
        CREATE TRIGGER IF NOT EXISTS inventory_stock_flag_update
        AFTER UPDATE OF on_hand, held, variant_id ON inventory_stocklevel FOR EACH ROW
        WHEN (OLD.on_hand > OLD.held) IS NOT (NEW.on_hand > NEW.held) OR OLD.variant_id IS NOT NEW.variant_id
        BEGIN
            UPDATE catalog_product SET stocked_variants = stocked_variants - 1
            WHERE OLD.on_hand > OLD.held AND id = (SELECT product_id FROM catalog_variant WHERE id = OLD.variant_id);
            UPDATE catalog_product SET stocked_variants = stocked_variants + 1
            WHERE NEW.on_hand > NEW.held AND id = (SELECT product_id FROM catalog_variant WHERE id = NEW.variant_id);
        END
    """,
    "inventory_stock_flag_delete": """
        CREATE TRIGGER IF NOT EXISTS inventory_stock_flag_delete
        AFTER DELETE ON inventory_stocklevel FOR EACH ROW WHEN OLD.on_hand > OLD.held
        BEGIN
            UPDATE catalog_product SET stocked_variants = stocked_variants - 1
            WHERE id = (SELECT product_id FROM catalog_variant WHERE id = OLD.variant_id);
        END
    """,
    "catalog_variant_product_fixed": """
        CREATE TRIGGER IF NOT EXISTS catalog_variant_product_fixed
        BEFORE UPDATE OF product_id ON catalog_variant FOR EACH ROW WHEN OLD.product_id IS NOT NEW.product_id
        BEGIN
            SELECT RAISE(ABORT, 'A variant cannot move to another product.');
        END
    """,
}

RECOUNT = """
    UPDATE catalog_product SET stocked_variants = (
        SELECT COUNT(*)
        FROM inventory_stocklevel AS s JOIN catalog_variant AS v ON v.id = s.variant_id
        WHERE v.product_id = catalog_product.id AND s.on_hand > s.held
    )
"""


def install(cursor) -> None:
    """Create the triggers that are missing, then count every product's stocked variants again."""
    for statement in TRIGGERS.values():
        cursor.execute(statement)
    cursor.execute(RECOUNT)


def uninstall(cursor) -> None:
    for name in TRIGGERS:
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def before_migrate(*, using: str = "default", **kwargs) -> None:
    """Out of the way of the tables Django may rebuild (sent for every app: dropping twice is harmless)."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            uninstall(cursor)


def after_migrate(*, sender, using: str = "default", **kwargs) -> None:
    """Back, counted afresh, once the inventory app's migrations are done, if migration 0005 is applied."""
    connection = connections[using]
    if connection.vendor != "sqlite" or sender.name != "inventory":
        return
    if MIGRATION not in MigrationRecorder(connection).applied_migrations():
        return
    with connection.cursor() as cursor:
        install(cursor)


pre_migrate.connect(before_migrate, dispatch_uid="inventory.sqlite_triggers.before_migrate")
post_migrate.connect(after_migrate, dispatch_uid="inventory.sqlite_triggers.after_migrate")
