"""Item-to-item similarity in the manner of Linden, Smith and York (Amazon, 2003): two products are similar when
the same people have both in their item sets: the products they bought (``bought``), or the ones they recently
viewed (``viewed``, a weaker signal). The score is the cosine of the two products' people vectors,
``together / sqrt(people(a) x people(b))``, so a bestseller bought with everything does not top every list.

Kept incrementally (``item_set_changed``, after a person's set grew or shrank) and rebuilt from the sets
(``rebuild``); both compute the same numbers. Callers hold ``locks.lock_item_sets(source=)`` in their transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import permutations

from django.db import connection
from django.db.models import Count, F, FloatField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce, Sqrt

from recommendations.models import CustomerItem, HistoryEntry, SimilarItem

BOUGHT = SimilarItem.Source.BOUGHT
VIEWED = SimilarItem.Source.VIEWED


def _item_sets(source: str) -> QuerySet:
    """The rows (user, product) of ``source``'s item sets."""
    if source == BOUGHT:
        return CustomerItem.objects.all()
    return HistoryEntry.objects.filter(kind=HistoryEntry.Kind.VIEWED)


def item_set(*, source: str, user_id: int) -> set[int]:
    """The product ids in one person's item set of ``source``."""
    return set(_item_sets(source).filter(user_id=user_id).values_list("product_id", flat=True))


def item_set_changed(*, source: str, user_id: int, before: set[int], after: set[int]) -> None:
    """Move the pair counts from ``before`` to ``after`` (one person's set), then rescore every pair of a product
    whose people count changed. A constant number of statements whatever the sizes."""
    added, removed = after - before, before - after
    if not added and not removed:
        return
    gone = {(x, y) for x, y in permutations(sorted(before), 2) if x in removed or y in removed}
    new = {(x, y) for x, y in permutations(sorted(after), 2) if x in added or y in added}
    table = connection.ops.quote_name(SimilarItem._meta.db_table)
    with connection.cursor() as cursor:
        if new:
            values = ", ".join(["(%s, %s, %s, 1, 0)"] * len(new))
            cursor.execute(
                f"INSERT INTO {table} (product_id, other_id, source, together, score) VALUES {values} "  # noqa: S608  # nosec B608
                f"ON CONFLICT (product_id, other_id, source) DO UPDATE SET together = {table}.together + 1",
                [value for x, y in sorted(new) for value in (x, y, source)],
            )
        if gone:
            pairs = ", ".join(["(%s, %s)"] * len(gone))
            cursor.execute(
                f"UPDATE {table} SET together = together - 1 WHERE source = %s "  # noqa: S608  # nosec B608
                f"AND (product_id, other_id) IN (VALUES {pairs})",
                [source, *(value for pair in sorted(gone) for value in pair)],
            )
    if gone:
        SimilarItem.objects.filter(source=source, together=0, product_id__in=removed).delete()
        SimilarItem.objects.filter(source=source, together=0, other_id__in=removed).delete()
    rescore(source=source, product_ids=added | removed)


def rescore(*, source: str, product_ids: Iterable[int] | None = None) -> int:
    """Recompute the cosine of ``source``'s pairs that involve ``product_ids`` (every pair when None)."""
    pairs = SimilarItem.objects.filter(source=source)
    if product_ids is not None:
        ids = list(product_ids)
        pairs = pairs.filter(Q(product_id__in=ids) | Q(other_id__in=ids))

    def count_of(field: str):
        query = _item_sets(source).filter(product_id=OuterRef(field)).values("product_id").annotate(n=Count("*"))
        return Coalesce(Subquery(query.values("n")), 0)

    return pairs.update(
        score=Cast(F("together"), FloatField())
        / Sqrt(Cast(count_of("product_id") * count_of("other_id"), FloatField()))
    )


def rebuild(*, source: str) -> int:
    """Recount every pair of ``source`` from the item sets and rescore them all; the number of pairs stored."""
    SimilarItem.objects.filter(source=source).delete()
    sets = _item_sets(source)
    sql, params = sets.values("user_id", "product_id").query.sql_with_params()
    table = connection.ops.quote_name(SimilarItem._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (product_id, other_id, source, together, score) "  # noqa: S608  # nosec B608
            f"SELECT a.product_id, b.product_id, %s, COUNT(*), 0 FROM ({sql}) a JOIN ({sql}) b "
            "ON a.user_id = b.user_id AND a.product_id <> b.product_id GROUP BY a.product_id, b.product_id",
            [source, *params, *params],
        )
    rescore(source=source)
    return SimilarItem.objects.filter(source=source).count()
