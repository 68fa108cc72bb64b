"""The SQLite triggers that keep catalog.Product.stocked_variants (the embedded default's twin of the PostgreSQL
functions in migration 0005): one added to a product when a stock level's on_hand > held becomes true, one
taken when it stops being true, per row. They name catalog_product and catalog_variant, so ``migrate`` takes
them away before it runs and puts them back, recounting every product, once it is done (shop.sqlite_triggers).
"""

from __future__ import annotations

from shop.sqlite_triggers import TriggerSet

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

STOCK_FLAG = TriggerSet(
    app_label="inventory", migration="0005_stocked_variants_triggers", triggers=TRIGGERS, recompute=(RECOUNT,)
).register()
