"""The SQLite triggers that keep catalog.Product.sizes and .colors (the embedded default's twin of the PostgreSQL
function in migration 0010): after any change to a variant, its product's sizes and colours are read again from
its variants. Row triggers (SQLite has no statement-level ones); SQLite runs one writer at a time, so no
concurrent change can slip between the read and the write. They name catalog_product from catalog_variant, so
``migrate`` takes them away and puts them back, recomputing every product (shop.sqlite_triggers).
"""

from __future__ import annotations

from shop.sqlite_triggers import TriggerSet


def _options(column: str, product_id: str) -> str:
    """A product's values of a variant column as a JSON object {lower-cased value: its first spelling}."""
    return (
        f"(SELECT json_group_object(k, label) FROM ("  # noqa: S608 - our own column names  # nosec B608
        f"SELECT LOWER({column}) AS k, MIN({column}) AS label FROM catalog_variant "
        f"WHERE product_id = {product_id} AND {column} <> '' GROUP BY LOWER({column})))"
    )


def _refresh(product_id: str) -> str:
    return (
        f"UPDATE catalog_product SET sizes = {_options('size', product_id)}, "  # noqa: S608 - our own SQL  # nosec B608
        f"colors = {_options('color', product_id)} WHERE id = {product_id};"
    )


TRIGGERS = {
    "catalog_variant_options_insert": f"""
        CREATE TRIGGER IF NOT EXISTS catalog_variant_options_insert
        AFTER INSERT ON catalog_variant FOR EACH ROW
        BEGIN {_refresh("NEW.product_id")} END
    """,
    "catalog_variant_options_update": f"""
        CREATE TRIGGER IF NOT EXISTS catalog_variant_options_update
        AFTER UPDATE OF size, color ON catalog_variant FOR EACH ROW
        WHEN OLD.size IS NOT NEW.size OR OLD.color IS NOT NEW.color
        BEGIN {_refresh("NEW.product_id")} END
    """,
    "catalog_variant_options_delete": f"""
        CREATE TRIGGER IF NOT EXISTS catalog_variant_options_delete
        AFTER DELETE ON catalog_variant FOR EACH ROW
        BEGIN {_refresh("OLD.product_id")} END
    """,
}

RECOMPUTE = (
    f"UPDATE catalog_product SET sizes = {_options('size', 'catalog_product.id')}, "  # noqa: S608 - our own SQL  # nosec B608
    f"colors = {_options('color', 'catalog_product.id')}",
)

OPTIONS = TriggerSet(
    app_label="catalog", migration="0010_product_sizes_colors", triggers=TRIGGERS, recompute=RECOMPUTE
).register()
