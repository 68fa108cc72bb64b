"""catalog.Product.stocked_variants kept by the database: triggers on inventory_stocklevel add one to the
variant's product when a level's ``on_hand > held`` becomes true (a row inserted with stock, a receipt after a
sell-out, a hold released) and take one when it stops being true (the last unheld unit held or sold, a row
deleted with stock). Here, not in catalog: the triggers need the stock table, and inventory depends on catalog.

Increments rather than a recount: under READ COMMITTED two transactions changing different variants of one
product each add their own +1/-1 to the row's latest version (an UPDATE waits for the other and re-reads it),
so the count cannot end wrong, where a recount would read the other's uncommitted level as it was. A change
that does not flip ``on_hand > held`` (most holds, most receipts) does not call the function at all (the
trigger's WHEN), and so never touches, or waits for, the product row. Inserts and deletes, which come in bulk
(a product's variants, an import, a loader, a product deleted), are counted once per statement.

Creating the triggers locks inventory_stocklevel against writes until the migration commits, and the count
is then computed from the levels, so no change slips between the two.

Bulk loaders: stock rows inserted with on_hand > held are counted for their variant's product if the variant
exists at that moment; insert products with stocked_variants 0 (the column's default) and let the stock rows
count, or write the count with the products and insert the stock rows before their variants (the foreign keys
are checked at commit), never both. Each counted statement updates every product it touches once.

SQLite (the embedded default): row triggers with the same effect, in inventory/sqlite_triggers.py, a
``shop.sqlite_triggers.TriggerSet`` kept out of the way of ``migrate`` (SQLite checks every trigger when Django
rebuilds a table).
"""

from django.db import migrations

from shop.sqlite_triggers import trigger_migration

POSTGRES_FORWARD = [
    # A level's change, one row at a time (holds, sales, receipts, a seller's edit: a few rows per statement):
    # one taken from the old row's product when the old row counted, one added to the new row's product when
    # the new row counts. Called only for a flip of on_hand > held (or a row moved to another variant).
    """
    CREATE OR REPLACE FUNCTION inventory_stock_flag_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.on_hand > OLD.held THEN
            UPDATE catalog_product SET stocked_variants = stocked_variants - 1
            WHERE id = (SELECT product_id FROM catalog_variant WHERE id = OLD.variant_id);
        END IF;
        IF NEW.on_hand > NEW.held THEN
            UPDATE catalog_product SET stocked_variants = stocked_variants + 1
            WHERE id = (SELECT product_id FROM catalog_variant WHERE id = NEW.variant_id);
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER inventory_stock_flag_update
        AFTER UPDATE OF on_hand, held, variant_id ON inventory_stocklevel
        FOR EACH ROW WHEN (
            (OLD.on_hand > OLD.held) IS DISTINCT FROM (NEW.on_hand > NEW.held)
            OR OLD.variant_id IS DISTINCT FROM NEW.variant_id
        ) EXECUTE FUNCTION inventory_stock_flag_changed()
    """,
    # Levels inserted or deleted come many at a time (a new product's variants, an import, a bulk load, a
    # product deleted): once per statement, each product's count moves by its rows' sum in one UPDATE (every
    # UPDATE of a product also runs its search triggers, so one per row would cost a bulk load dearly).
    """
    CREATE OR REPLACE FUNCTION inventory_stock_flag_counted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE catalog_product AS p
        SET stocked_variants = p.stocked_variants + CASE TG_OP WHEN 'INSERT' THEN counted.n ELSE -counted.n END
        FROM (
            SELECT v.product_id, COUNT(*) AS n
            FROM inventory_stock_flag_rows AS s JOIN catalog_variant AS v ON v.id = s.variant_id
            WHERE s.on_hand > s.held
            GROUP BY v.product_id
        ) AS counted
        WHERE p.id = counted.product_id;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER inventory_stock_flag_insert
        AFTER INSERT ON inventory_stocklevel
        REFERENCING NEW TABLE AS inventory_stock_flag_rows
        FOR EACH STATEMENT EXECUTE FUNCTION inventory_stock_flag_counted()
    """,
    """
    CREATE TRIGGER inventory_stock_flag_delete
        AFTER DELETE ON inventory_stocklevel
        REFERENCING OLD TABLE AS inventory_stock_flag_rows
        FOR EACH STATEMENT EXECUTE FUNCTION inventory_stock_flag_counted()
    """,
    # TRUNCATE fires no row trigger: no stock rows left, no variant counts.
    """
    CREATE OR REPLACE FUNCTION inventory_stock_flag_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE catalog_product SET stocked_variants = 0 WHERE stocked_variants <> 0;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER inventory_stock_flag_truncate
        AFTER TRUNCATE ON inventory_stocklevel
        FOR EACH STATEMENT EXECUTE FUNCTION inventory_stock_flag_truncated()
    """,
    # A variant never moves to another product (nothing in the store does it): its stock would stay counted
    # for the old one.
    """
    CREATE OR REPLACE FUNCTION catalog_variant_product_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING
            MESSAGE = 'A variant cannot move to another product (variant ' || OLD.id || ').',
            ERRCODE = 'integrity_constraint_violation';
    END
    $$
    """,
    """
    CREATE TRIGGER catalog_variant_product_fixed
        BEFORE UPDATE OF product_id ON catalog_variant
        FOR EACH ROW WHEN (OLD.product_id IS DISTINCT FROM NEW.product_id)
        EXECUTE FUNCTION catalog_variant_product_fixed()
    """,
    # Existing rows, after the triggers (their creation holds off writers to the stock until commit).
    """
    UPDATE catalog_product AS p SET stocked_variants = counted.n
    FROM (
        SELECT v.product_id, COUNT(*) AS n
        FROM inventory_stocklevel AS s JOIN catalog_variant AS v ON v.id = s.variant_id
        WHERE s.on_hand > s.held
        GROUP BY v.product_id
    ) AS counted
    WHERE p.id = counted.product_id AND p.stocked_variants <> counted.n
    """,
]

POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_variant_product_fixed ON catalog_variant",
    "DROP FUNCTION IF EXISTS catalog_variant_product_fixed()",
    "DROP TRIGGER IF EXISTS inventory_stock_flag_truncate ON inventory_stocklevel",
    "DROP FUNCTION IF EXISTS inventory_stock_flag_truncated()",
    "DROP TRIGGER IF EXISTS inventory_stock_flag_delete ON inventory_stocklevel",
    "DROP TRIGGER IF EXISTS inventory_stock_flag_insert ON inventory_stocklevel",
    "DROP FUNCTION IF EXISTS inventory_stock_flag_counted()",
    "DROP TRIGGER IF EXISTS inventory_stock_flag_update ON inventory_stocklevel",
    "DROP FUNCTION IF EXISTS inventory_stock_flag_changed()",
    "UPDATE catalog_product SET stocked_variants = 0 WHERE stocked_variants <> 0",
]


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0004_stockmovement_note"),
        ("catalog", "0009_plan_indexes"),
    ]

    operations = [
        trigger_migration(
            postgres_forward=POSTGRES_FORWARD,
            postgres_backward=POSTGRES_BACKWARD,
            sqlite="inventory.sqlite_triggers.STOCK_FLAG",
            sqlite_backward=("UPDATE catalog_product SET stocked_variants = 0 WHERE stocked_variants <> 0",),
        ),
    ]
