"""Initial stock for seed_demo's bulk-loaded variants: the rows ``services.set_initial_stock`` would write.

On PostgreSQL the rows are streamed with COPY (hundreds of thousands of them for the large demo
catalog); elsewhere they go through bulk_create.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.utils import timezone

from inventory.models import StockLevel, StockMovement
from shop.bulk import copy_rows

BATCH_SIZE = 1000
# The tables add_initial_stock writes (for the catalog loader's look at their triggers).
TABLES = (StockLevel._meta.db_table, StockMovement._meta.db_table)
LEVEL_FIELDS = ("variant_id", "on_hand", "held", "updated_at")
MOVEMENT_FIELDS = (
    "variant_id",
    "reason",
    "on_hand_delta",
    "held_delta",
    "on_hand_after",
    "held_after",
    "actor_id",
    "reference",
    "note",
    "created_at",
)


def add_initial_stock(*, levels: Sequence[tuple[int, int, int | None]]) -> int:
    """For each (variant id, on hand, acting user id): its stock level, and an "initial" ledger row when it
    starts with units. Returns the number of levels.

    The caller owns the transaction and passes only variants that have no stock level yet.
    """
    now = timezone.now()
    stock = [(variant_id, on_hand, 0, now) for variant_id, on_hand, _ in levels]
    ledger = [
        (variant_id, StockMovement.Reason.INITIAL.value, on_hand, 0, on_hand, 0, actor_id, "", "", now)
        for variant_id, on_hand, actor_id in levels
        if on_hand
    ]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            copy_rows(cursor=cursor, model=StockLevel, fields=LEVEL_FIELDS, rows=stock)
            copy_rows(cursor=cursor, model=StockMovement, fields=MOVEMENT_FIELDS, rows=ledger)
    else:
        StockLevel.objects.bulk_create(
            [StockLevel(**dict(zip(LEVEL_FIELDS, row, strict=True))) for row in stock], batch_size=BATCH_SIZE
        )
        StockMovement.objects.bulk_create(
            [StockMovement(**dict(zip(MOVEMENT_FIELDS, row, strict=True))) for row in ledger], batch_size=BATCH_SIZE
        )
    return len(stock)
