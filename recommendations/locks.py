"""Locks of the recommendations app: one transaction-scoped advisory lock per kind of item set.

Updating the co-occurrence counts of one kind (bought, viewed) reads a person's item set and the per-product
people counts, then writes pair counts and scores: two such updates at once would each miss the other's
uncommitted rows, so they take this lock first and run one after the other (each is a few statements).
"""

from __future__ import annotations

from django.db import connection

# Namespace of the two-key advisory locks (pg_advisory_xact_lock(int, int)): "rs" (recommendation sets) as an int.
_ITEM_SETS_LOCK_SPACE = 0x7273
_SOURCES = {"bought": 1, "viewed": 2}


def lock_item_sets(*, source: str) -> None:
    """Take the advisory lock of ``source``'s item sets until the transaction ends. Must run inside a transaction;
    on SQLite (the embedded default) writers are serialised anyway."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_ITEM_SETS_LOCK_SPACE, _SOURCES[source]])
