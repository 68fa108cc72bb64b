"""The SQLite full-text index: two FTS5 external-content tables over catalog_product and their triggers.

``catalog_product_fts`` (porter-stemmed: name, brand, category path, description) matches and ranks;
``catalog_product_words`` (unstemmed: name, brand, category path) supplies, through its fts5vocab
table, the vocabulary "did you mean" corrects against. Row triggers keep both in step with every
insert, update and delete.

Used by migration 0002 and again at run time: when a later migration alters catalog_product, Django's
SQLite backend rebuilds the table and its triggers are lost, so the backend reinstalls what is missing.
"""

from __future__ import annotations

SEARCH_TABLE = "catalog_product_fts"
WORDS_TABLE = "catalog_product_words"
VOCABULARY_TABLE = "catalog_product_words_vocab"

_TABLES = {
    SEARCH_TABLE: (("name", "brand", "category_text", "description"), "porter unicode61 remove_diacritics 2"),
    WORDS_TABLE: (("name", "brand", "category_text"), "unicode61 remove_diacritics 2"),
}
TRIGGERS = ("catalog_product_fts_insert", "catalog_product_fts_delete", "catalog_product_fts_update")


def has_fts5(cursor) -> bool:
    """Whether this SQLite was built with FTS5."""
    try:
        cursor.execute("CREATE VIRTUAL TABLE temp.catalog_fts5_probe USING fts5(x)")
    except Exception:  # any failure means no FTS5
        return False
    cursor.execute("DROP TABLE temp.catalog_fts5_probe")
    return True


def table_statements() -> list[str]:
    statements = []
    for table, (columns, tokenizer) in _TABLES.items():
        statements.append(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5({', '.join(columns)}, "
            f"content='catalog_product', content_rowid='id', tokenize='{tokenizer}', prefix='2 3')"
        )
    statements.append(f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCABULARY_TABLE} USING fts5vocab({WORDS_TABLE}, 'row')")
    return statements


def trigger_statements() -> list[str]:
    inserts, deletes = [], []
    for table, (columns, _) in _TABLES.items():
        names = ", ".join(columns)
        inserts.append(
            f"INSERT INTO {table} (rowid, {names}) VALUES (new.id, {', '.join(f'new.{c}' for c in columns)});"  # noqa: S608 - DDL from our own table and column names  # nosec B608
        )
        # External content: "delete" must be given the values exactly as they were indexed.
        deletes.append(
            f"INSERT INTO {table} ({table}, rowid, {names}) "  # noqa: S608 - DDL from our own table and column names  # nosec B608
            f"VALUES ('delete', old.id, {', '.join(f'old.{c}' for c in columns)});"
        )
    insert, delete = " ".join(inserts), " ".join(deletes)
    return [
        f"CREATE TRIGGER IF NOT EXISTS catalog_product_fts_insert AFTER INSERT ON catalog_product BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS catalog_product_fts_delete AFTER DELETE ON catalog_product BEGIN {delete} END",
        "CREATE TRIGGER IF NOT EXISTS catalog_product_fts_update "
        "AFTER UPDATE OF name, brand, category_text, description ON catalog_product "
        f"BEGIN {delete} {insert} END",
    ]


def rebuild_statements() -> list[str]:
    """Re-read every product into both indexes."""
    return [f"INSERT INTO {table} ({table}) VALUES ('rebuild')" for table in _TABLES]  # noqa: S608 - constant table names  # nosec B608


def install(cursor) -> bool:
    """Create the tables and triggers that are missing and rebuild the index; False without FTS5."""
    if not has_fts5(cursor):
        return False
    for statement in [*table_statements(), *trigger_statements(), *rebuild_statements()]:
        cursor.execute(statement)
    return True


def uninstall(cursor) -> None:
    for name in TRIGGERS:
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    for table in (VOCABULARY_TABLE, WORDS_TABLE, SEARCH_TABLE):
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
