"""Row locks on stock levels, always taken in one order (by variant id) so two writers never deadlock."""

from __future__ import annotations

from collections.abc import Iterable

from inventory.models import Hold, StockLevel


def lock_stock_levels(*, variant_ids: Iterable[int]) -> dict[int, StockLevel]:
    """Lock the stock rows of the variants (FOR UPDATE, ordered by variant id), creating missing rows at 0.

    Must run inside a transaction. Missing rows are inserted before any lock is taken, ignoring a
    concurrent insert of the same row, so every caller then locks the same rows in the same order.
    """
    ids = sorted(set(variant_ids))
    if not ids:
        return {}
    existing = set(StockLevel.objects.filter(variant_id__in=ids).values_list("variant_id", flat=True))
    missing = [variant_id for variant_id in ids if variant_id not in existing]
    if missing:
        StockLevel.objects.bulk_create(
            [StockLevel(variant_id=variant_id) for variant_id in missing], ignore_conflicts=True
        )
    locked = StockLevel.objects.select_for_update().filter(variant_id__in=ids).order_by("variant_id")
    return {level.variant_id: level for level in locked}


def lock_active_holds(*, reference: str, variant_ids: Iterable[int]) -> list[Hold]:
    """Lock the still active holds of ``reference`` on these variants (FOR UPDATE, by variant id), after
    their stock rows (``lock_stock_levels``): a concurrent close of the same holds has then committed or waits."""
    active = Hold.objects.filter(
        reference=reference, status=Hold.Status.ACTIVE, variant_id__in=sorted(set(variant_ids))
    )
    return list(active.select_for_update().order_by("variant_id"))
