"""Checks shared by the stock tests of several apps."""

from django.db.models import Sum

from inventory.models import Hold, StockLevel, StockMovement


def assert_ledger_balances(variant) -> StockLevel:
    """The ledger's deltas add up to the level, and active holds make up exactly what is held."""
    level = StockLevel.objects.get(variant=variant)
    totals = StockMovement.objects.filter(variant=variant).aggregate(
        on_hand=Sum("on_hand_delta"), held=Sum("held_delta")
    )
    assert (totals["on_hand"], totals["held"]) == (level.on_hand, level.held)
    active = Hold.objects.filter(variant=variant, status=Hold.Status.ACTIVE).aggregate(units=Sum("quantity"))
    assert (active["units"] or 0) == level.held
    return level
