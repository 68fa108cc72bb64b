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
    return lock_existing_stock_levels(variant_ids=ids)


def lock_existing_stock_levels(*, variant_ids: Iterable[int]) -> dict[int, StockLevel]:
    """Lock the stock rows the variants have (FOR UPDATE, ordered by variant id), creating none: for a caller to
    whom a variant without a row simply has no units (a hold). One query. Must run inside a transaction."""
    ids = sorted(set(variant_ids))
    if not ids:
        return {}
    locked = StockLevel.objects.select_for_update().filter(variant_id__in=ids).order_by("variant_id")
    return {level.variant_id: level for level in locked}


def lock_stock_levels_of_active_holds(
    *, reference: str, variant_ids: Iterable[int] | None = None
) -> dict[int, StockLevel]:
    """Lock the stock rows of the variants ``reference`` holds (those of ``variant_ids`` only, when given), in one
    query (FOR UPDATE, ordered by variant id).

    The holds are found by the statement's snapshot: a hold closed meanwhile by a writer this one waited for may
    still have its row locked, which is harmless. What the holds are is read again under these locks (a hold
    changes state only under its variant's stock lock), by the caller's own statement.
    """
    active = Hold.objects.filter(reference=reference, status=Hold.Status.ACTIVE)
    if variant_ids is not None:
        active = active.filter(variant_id__in=sorted(set(variant_ids)))
    locked = (
        StockLevel.objects.select_for_update().filter(variant_id__in=active.values("variant_id")).order_by("variant_id")
    )
    return {level.variant_id: level for level in locked}
