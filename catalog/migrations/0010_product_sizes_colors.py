"""catalog.Product.sizes and .colors, kept by the database: after any statement that inserts, deletes or changes
the size or colour of variants, their products' values are read again from their variants
({lower-cased value: its first spelling}), so that search facets and filters read the matching products' rows
alone instead of joining every match's variants (at a million products, 240,000 variant rows for "jeans").

PostgreSQL: statement-level triggers with transition tables (a bulk load or an import refreshes each product once
per statement). The products' rows are locked first, in id order, and only then are their variants read, by a
statement with a snapshot of its own: two transactions adding variants to one product queue on its row, and the
second reads the first's variants committed, so neither overwrites the other's sizes with a stale view.

SQLite (the embedded default): row triggers with the same effect, in catalog/sqlite_triggers.py.

Bulk loaders that turn triggers off (catalog.demo) write the values with the products themselves.
"""

from django.db import migrations, models

from shop.sqlite_triggers import trigger_migration

POSTGRES_FORWARD = [
    # The products named, refreshed from their variants; rows whose values did not change are not written.
    """
    CREATE OR REPLACE FUNCTION catalog_product_options_refresh(product_ids bigint[]) RETURNS void
    LANGUAGE sql AS $$
        UPDATE catalog_product AS p
        SET sizes = o.sizes, colors = o.colors
        FROM (
            SELECT t.id,
                COALESCE((
                    SELECT jsonb_object_agg(s.k, s.label) FROM (
                        SELECT LOWER(v.size) AS k, MIN(v.size) AS label FROM catalog_variant AS v
                        WHERE v.product_id = t.id AND v.size <> '' GROUP BY LOWER(v.size)
                    ) AS s
                ), '{}'::jsonb) AS sizes,
                COALESCE((
                    SELECT jsonb_object_agg(c.k, c.label) FROM (
                        SELECT LOWER(v.color) AS k, MIN(v.color) AS label FROM catalog_variant AS v
                        WHERE v.product_id = t.id AND v.color <> '' GROUP BY LOWER(v.color)
                    ) AS c
                ), '{}'::jsonb) AS colors
            FROM unnest(product_ids) AS t(id)
        ) AS o
        WHERE p.id = o.id AND (p.sizes <> o.sizes OR p.colors <> o.colors)
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION catalog_variant_options_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        touched bigint[];
    BEGIN
        IF TG_OP = 'UPDATE' THEN  -- only the variants whose size or colour changed (not a price change)
            SELECT array_agg(DISTINCT n.product_id ORDER BY n.product_id) INTO touched
            FROM catalog_variant_options_rows AS n JOIN catalog_variant_options_old AS o ON o.id = n.id
            WHERE (n.size, n.color) IS DISTINCT FROM (o.size, o.color);
        ELSE
            SELECT array_agg(DISTINCT product_id ORDER BY product_id) INTO touched FROM catalog_variant_options_rows;
        END IF;
        IF touched IS NULL THEN
            RETURN NULL;
        END IF;
        PERFORM 1 FROM catalog_product WHERE id = ANY(touched) ORDER BY id FOR UPDATE;
        PERFORM catalog_product_options_refresh(touched);
        RETURN NULL;
    END
    $$
    """,
    # PostgreSQL allows transition tables only on single-event triggers, hence three.
    """
    CREATE TRIGGER catalog_variant_options_insert
        AFTER INSERT ON catalog_variant
        REFERENCING NEW TABLE AS catalog_variant_options_rows
        FOR EACH STATEMENT EXECUTE FUNCTION catalog_variant_options_changed()
    """,
    """
    CREATE TRIGGER catalog_variant_options_update
        AFTER UPDATE ON catalog_variant
        REFERENCING OLD TABLE AS catalog_variant_options_old NEW TABLE AS catalog_variant_options_rows
        FOR EACH STATEMENT EXECUTE FUNCTION catalog_variant_options_changed()
    """,
    """
    CREATE TRIGGER catalog_variant_options_delete
        AFTER DELETE ON catalog_variant
        REFERENCING OLD TABLE AS catalog_variant_options_rows
        FOR EACH STATEMENT EXECUTE FUNCTION catalog_variant_options_changed()
    """,
    # TRUNCATE fires no row trigger: no variants left, no sizes or colours.
    """
    CREATE OR REPLACE FUNCTION catalog_variant_options_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE catalog_product SET sizes = '{}', colors = '{}' WHERE sizes <> '{}' OR colors <> '{}';
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER catalog_variant_options_truncate
        AFTER TRUNCATE ON catalog_variant
        FOR EACH STATEMENT EXECUTE FUNCTION catalog_variant_options_truncated()
    """,
    # Existing rows, after the triggers: creating them holds off writers to the variants until commit.
    "SELECT catalog_product_options_refresh(ARRAY(SELECT DISTINCT product_id FROM catalog_variant))",
]

POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_variant_options_truncate ON catalog_variant",
    "DROP FUNCTION IF EXISTS catalog_variant_options_truncated()",
    "DROP TRIGGER IF EXISTS catalog_variant_options_delete ON catalog_variant",
    "DROP TRIGGER IF EXISTS catalog_variant_options_update ON catalog_variant",
    "DROP TRIGGER IF EXISTS catalog_variant_options_insert ON catalog_variant",
    "DROP FUNCTION IF EXISTS catalog_variant_options_changed()",
    "DROP FUNCTION IF EXISTS catalog_product_options_refresh(bigint[])",
]


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0009_plan_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="sizes",
            field=models.JSONField(
                db_default=models.Value({}, output_field=models.JSONField()), default=dict, editable=False
            ),
        ),
        migrations.AddField(
            model_name="product",
            name="colors",
            field=models.JSONField(
                db_default=models.Value({}, output_field=models.JSONField()), default=dict, editable=False
            ),
        ),
        trigger_migration(
            postgres_forward=POSTGRES_FORWARD,
            postgres_backward=POSTGRES_BACKWARD,
            sqlite="catalog.sqlite_triggers.OPTIONS",
        ),
    ]
