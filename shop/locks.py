"""Row locks of the outbox (shop.events), in one place: delivery rows only, by due time or by id, each
in a short transaction of its own (nothing else is locked with them). Callers hold the transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from shop.models import EventDelivery


def lock_due_deliveries(*, deliveries: QuerySet[EventDelivery], limit: int) -> list[int]:
    """Lock up to ``limit`` of ``deliveries``, the longest due first, skipping rows another worker holds
    (FOR UPDATE SKIP LOCKED); returns their ids."""
    locked = deliveries.select_for_update(skip_locked=True).order_by("next_attempt_at")
    return list(locked.values_list("pk", flat=True)[:limit])


def lock_failed_deliveries(*, delivery_ids: Iterable[int]) -> list[int]:
    """Lock those of the deliveries that failed (FOR UPDATE, by id); returns their ids."""
    failed = EventDelivery.objects.filter(pk__in=list(delivery_ids), status=EventDelivery.Status.FAILED)
    return list(failed.select_for_update().order_by("pk").values_list("pk", flat=True))
