"""Write use cases of the inventory app: stock on hand per variant, and its ledger.

Every change of a level writes one StockMovement (who, why, by how much, the level after) in the same
transaction. Functions here open plain (non-durable) transactions so the catalog's use cases can
call them inside their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction

from inventory.errors import InvalidQuantity, StockBelowHeld
from inventory.locks import lock_stock_levels
from inventory.models import StockLevel, StockMovement
from shop.public_cache import bumps

Reason = StockMovement.Reason


@bumps("stock")
def set_on_hand(
    *,
    variant_id: int,
    quantity: int,
    actor=None,
    reason: str = Reason.ADJUSTMENT,
    reference: str = "",
) -> StockLevel:
    """Set a variant's stock on hand to ``quantity`` (ledger row for the difference).

    Raises InvalidQuantity for a negative quantity and StockBelowHeld when checkouts hold more.
    """
    if quantity < 0:
        raise InvalidQuantity()
    with transaction.atomic():
        level = lock_stock_levels(variant_ids=[variant_id])[variant_id]
        return _write_on_hand(level=level, quantity=quantity, actor=actor, reason=reason, reference=reference)


@bumps("stock")
def set_on_hand_many(
    *,
    quantities: Mapping[int, int],
    actor=None,
    reason: str = Reason.ADJUSTMENT,
    reference: str = "",
) -> dict[int, StockLevel]:
    """``set_on_hand`` for several variants in one transaction, locking their rows in variant order."""
    if any(quantity < 0 for quantity in quantities.values()):
        raise InvalidQuantity()
    with transaction.atomic():
        levels = lock_stock_levels(variant_ids=quantities)
        return {
            variant_id: _write_on_hand(
                level=levels[variant_id], quantity=quantity, actor=actor, reason=reason, reference=reference
            )
            for variant_id, quantity in sorted(quantities.items())
        }


@bumps("stock")
def set_initial_stock(*, quantities: Mapping[int, int], actor=None) -> list[StockLevel]:
    """Create the stock rows of new variants (none may have one yet) and an ``initial`` ledger row for
    each variant that starts with units: two bulk inserts, whatever the number of variants."""
    if any(quantity < 0 for quantity in quantities.values()):
        raise InvalidQuantity()
    with transaction.atomic():
        levels = StockLevel.objects.bulk_create(
            [StockLevel(variant_id=variant_id, on_hand=quantity) for variant_id, quantity in quantities.items()]
        )
        StockMovement.objects.bulk_create(
            [
                StockMovement(
                    variant_id=variant_id,
                    reason=Reason.INITIAL,
                    on_hand_delta=quantity,
                    on_hand_after=quantity,
                    actor=actor,
                )
                for variant_id, quantity in quantities.items()
                if quantity
            ]
        )
    return levels


def track_stock(*, variant_ids: Iterable[int]) -> None:
    """Give variants that have no stock row one at zero (no ledger row: nothing changed)."""
    StockLevel.objects.bulk_create(
        [StockLevel(variant_id=variant_id) for variant_id in variant_ids], ignore_conflicts=True
    )


def _write_on_hand(*, level: StockLevel, quantity: int, actor, reason: str, reference: str) -> StockLevel:
    """The writing core of ``set_on_hand``: the caller holds the row lock on ``level``."""
    if quantity < level.held:
        raise StockBelowHeld(
            f"{level.held} units are held for pending orders; stock on hand cannot go below that.",
            variant_id=level.variant_id,
            held=level.held,
        )
    delta = quantity - level.on_hand
    if delta == 0:
        return level
    level.on_hand = quantity
    level.save(update_fields=["on_hand", "updated_at"])
    StockMovement.objects.create(
        variant_id=level.variant_id,
        reason=reason,
        on_hand_delta=delta,
        on_hand_after=quantity,
        held_after=level.held,
        actor=actor,
        reference=reference,
    )
    return level
