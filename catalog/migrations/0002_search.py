"""Search indexes, kept current by the database itself so that every write path (services, admin,
bulk_create, raw SQL) leaves them right.

PostgreSQL: a weighted tsvector per product (name A, brand B, category path C, description D) set by a
BEFORE trigger and GIN-indexed; pg_trgm; a vocabulary of words (catalog_searchterm) filled by
statement-level triggers with transition tables, trigram-indexed for "did you mean".

SQLite: two FTS5 external-content tables over catalog_product kept by row triggers (see
catalog/search/sqlite_schema.py). Without FTS5 nothing is created and search falls back to LIKE matching.
"""

from django.db import migrations, models

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # The document: recomputed only when one of its parts changed (or someone wrote the vector itself),
    # so price, stock-count and rating updates cost nothing extra.
    """
    CREATE OR REPLACE FUNCTION catalog_product_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT'
           OR NEW.search_vector IS NULL
           OR NEW.search_vector IS DISTINCT FROM OLD.search_vector
           OR NEW.name IS DISTINCT FROM OLD.name
           OR NEW.brand IS DISTINCT FROM OLD.brand
           OR NEW.category_text IS DISTINCT FROM OLD.category_text
           OR NEW.description IS DISTINCT FROM OLD.description THEN
            NEW.search_vector :=
                   setweight(to_tsvector('english', coalesce(NEW.name, '')), 'A')
                || setweight(to_tsvector('english', coalesce(NEW.brand, '')), 'B')
                || setweight(to_tsvector('english', coalesce(NEW.category_text, '')), 'C')
                || setweight(to_tsvector('english', coalesce(NEW.description, '')), 'D');
        END IF;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER catalog_product_search_vector
        BEFORE INSERT OR UPDATE ON catalog_product
        FOR EACH ROW EXECUTE FUNCTION catalog_product_search_vector()
    """,
    "CREATE INDEX catalog_product_search_gin ON catalog_product USING gin (search_vector)",
    # The vocabulary: once per statement, so a bulk insert of 100,000 products adds its words in one go.
    # PostgreSQL allows transition tables only on single-event triggers, hence two triggers. Words go in
    # sorted, so two loaders inserting overlapping words wait for each other instead of deadlocking.
    """
    CREATE OR REPLACE FUNCTION catalog_product_search_terms() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO catalog_searchterm (term)
            SELECT DISTINCT word
            FROM catalog_search_new_rows AS p,
                 regexp_split_to_table(
                     lower(p.name || ' ' || p.brand || ' ' || p.category_text), '[^[:alnum:]]+'
                 ) AS word
            WHERE p.status = 'active' AND length(word) BETWEEN 2 AND 64 AND word !~ '^[0-9]+$'
            ORDER BY word
            ON CONFLICT (term) DO NOTHING;
        ELSE
            INSERT INTO catalog_searchterm (term)
            SELECT DISTINCT word
            FROM catalog_search_new_rows AS p
                 JOIN catalog_search_old_rows AS o ON o.id = p.id,
                 regexp_split_to_table(
                     lower(p.name || ' ' || p.brand || ' ' || p.category_text), '[^[:alnum:]]+'
                 ) AS word
            WHERE p.status = 'active'
              AND (p.name, p.brand, p.category_text, p.status)
                  IS DISTINCT FROM (o.name, o.brand, o.category_text, o.status)
              AND length(word) BETWEEN 2 AND 64 AND word !~ '^[0-9]+$'
            ORDER BY word
            ON CONFLICT (term) DO NOTHING;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER catalog_product_search_terms_insert
        AFTER INSERT ON catalog_product
        REFERENCING NEW TABLE AS catalog_search_new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION catalog_product_search_terms()
    """,
    """
    CREATE TRIGGER catalog_product_search_terms_update
        AFTER UPDATE ON catalog_product
        REFERENCING OLD TABLE AS catalog_search_old_rows NEW TABLE AS catalog_search_new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION catalog_product_search_terms()
    """,
    # KNN (ORDER BY term <-> 'iphnoe') needs GiST; prefix look-ups ("is 'head' the start of a word?") a
    # pattern-ops btree, whatever the database's collation.
    "CREATE INDEX catalog_searchterm_trgm ON catalog_searchterm USING gist (term gist_trgm_ops)",
    "CREATE INDEX catalog_searchterm_prefix ON catalog_searchterm (term text_pattern_ops)",
    # Existing rows: compute their vectors and words.
    "UPDATE catalog_product SET search_vector = NULL",
    """
    INSERT INTO catalog_searchterm (term)
    SELECT DISTINCT word
    FROM catalog_product AS p,
         regexp_split_to_table(
                     lower(p.name || ' ' || p.brand || ' ' || p.category_text), '[^[:alnum:]]+'
                 ) AS word
    WHERE p.status = 'active' AND length(word) BETWEEN 2 AND 64 AND word !~ '^[0-9]+$'
    ON CONFLICT (term) DO NOTHING
    """,
]

POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_product_search_terms_update ON catalog_product",
    "DROP TRIGGER IF EXISTS catalog_product_search_terms_insert ON catalog_product",
    "DROP FUNCTION IF EXISTS catalog_product_search_terms()",
    "DROP TRIGGER IF EXISTS catalog_product_search_vector ON catalog_product",
    "DROP FUNCTION IF EXISTS catalog_product_search_vector()",
    "DROP INDEX IF EXISTS catalog_product_search_gin",
    "UPDATE catalog_product SET search_vector = NULL",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        # Shared with the backend, which reinstalls the triggers when a later migration rebuilds the table.
        from catalog.search import sqlite_schema

        with schema_editor.connection.cursor() as cursor:
            sqlite_schema.install(cursor)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in POSTGRES_BACKWARD:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        from catalog.search import sqlite_schema

        with schema_editor.connection.cursor() as cursor:
            sqlite_schema.uninstall(cursor)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchTerm",
            fields=[
                ("term", models.CharField(max_length=64, primary_key=True, serialize=False)),
            ],
        ),
        migrations.RunPython(forward, backward),
    ]
