"""Learning co-purchases from paid orders."""

from __future__ import annotations

from itertools import permutations

from django.db import IntegrityError, connection, transaction

from recommendations.models import CoPurchase, LearnedOrder


def learn_from_order(*, order_id: str, product_ids: list[int]) -> bool:
    """Count every pair of distinct products of a paid order once, both ways; False if the order was counted before.

    One durable transaction, a constant number of queries whatever the number of products: the order is recorded
    (its unique order_id makes a second run, even a concurrent one, a no-op), then one upsert adds 1 to each pair.
    """
    distinct = sorted(set(product_ids))
    with transaction.atomic(durable=True):
        try:
            with transaction.atomic():
                LearnedOrder.objects.create(order_id=order_id)
        except IntegrityError:
            return False
        pairs = list(permutations(distinct, 2))
        if pairs:
            _add_one(sorted(pairs))  # in a stable order, so concurrent upserts lock rows alike
    return True


def _add_one(pairs: list[tuple[int, int]]) -> None:
    """INSERT ... ON CONFLICT DO UPDATE orders + 1 (PostgreSQL and SQLite >= 3.24 alike)."""
    table = connection.ops.quote_name(CoPurchase._meta.db_table)
    values = ", ".join(["(%s, %s, 1)"] * len(pairs))
    params = [value for pair in pairs for value in pair]
    sql = (
        f"INSERT INTO {table} (product_id, other_id, orders) VALUES {values} "  # noqa: S608 (only placeholders)  # nosec B608
        f"ON CONFLICT (product_id, other_id) DO UPDATE SET orders = {table}.orders + 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
