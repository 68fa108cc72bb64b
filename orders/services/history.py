"""The order's history: the one writer of OrderEvent rows, called in the transaction of the change it
records (the caller holds the order's row lock)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from orders.models import Order, OrderEvent


def record(
    order: Order, kind: str, *, actor=None, from_status: str | None = None, data: Mapping[str, Any] | None = None
) -> OrderEvent:
    """Write one history row for ``order``: ``from_status`` is where it was before (default: where it
    is, for a change that left its status alone), ``to_status`` where it is now."""
    event = history_row(order, kind, actor=actor, from_status=from_status, data=data)
    event.save(force_insert=True)
    return event


def history_row(
    order: Order, kind: str, *, actor=None, from_status: str | None = None, data: Mapping[str, Any] | None = None
) -> OrderEvent:
    """The history row ``record`` writes, not yet saved: for a use case that inserts it with other rows at once."""
    return OrderEvent(
        order=order,
        kind=kind,
        from_status=order.status if from_status is None else from_status,
        to_status=order.status,
        actor=actor,
        data=dict(data or {}),
    )
