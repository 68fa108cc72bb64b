"""Fair holds: the caps on what one buyer may hold unpaid, so that one account cannot take a product's stock.

Checked at checkout (``check_fair_holds``, inside place_order's transaction), in this order: the back-off
after orders left to expire, checkouts per minute (both 429 with Retry-After), open unpaid orders, and
units of one variant held across them (both 409). The caps come from settings (HOLD_* and CHECKOUT*).

The units cap depends on the units on hand: it is checked under the stock locks, by the hold itself
(``check_fair_holds`` returns it for inventory.services.hold_stock's ``check_caps``).

Race-free by the buyer's cart row: place_order locks it first (cart.services.checkout_lines) and it is
one row per user, so one buyer's checkouts take turns and each one counts, under that lock, the orders
every earlier one committed. Other buyers never wait on it. Orders only leave the counts meanwhile
(paid, cancelled, expired), which can only make a refusal stricter than needed, never let one through.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
import functools
import math

from django.conf import settings

from orders import selectors
from orders.errors import CheckoutBackoff, CheckoutRateLimited, HoldLimitExceeded, TooManyOpenOrders
from shop.money import to_str


def check_fair_holds(
    *, user, quantities: Mapping[int, int], lines: Sequence, now: datetime
) -> Callable[[Mapping[int, int]], None]:
    """Refuse a checkout of ``quantities`` (variant id -> units; ``lines`` name them) that would break a cap on
    the buyer's orders: raises CheckoutBackoff, CheckoutRateLimited or TooManyOpenOrders.

    Returns the check of the units cap, to be called with the units on hand per variant under the stock locks
    (hold_stock's ``check_caps``): it raises HoldLimitExceeded naming every line over its cap. The caller holds
    the buyer's cart row lock. One query when nothing is refused (the buyer's recent orders and their units held).
    """
    record = selectors.checkout_record_of(user=user, now=now, variant_ids=quantities)
    _check_backoff(record, now=now)
    _check_rate(record, user=user, now=now)
    _check_open_orders(record, user=user, now=now)
    return functools.partial(_check_units, held=record.units_held, quantities=quantities, lines=lines)


def backoff_until(*, abandoned: int, last_abandoned_at: datetime | None) -> datetime | None:
    """Until when a buyer who left ``abandoned`` orders to expire in 24 h waits to check out (None: no wait).

    From CHECKOUT_BACKOFF_AFTER abandoned orders on, each one doubles the wait after the latest of them:
    CHECKOUT_BACKOFF_BASE_SECONDS x 2^(abandoned - CHECKOUT_BACKOFF_AFTER), at most CHECKOUT_BACKOFF_MAX_SECONDS.
    """
    over = abandoned - settings.CHECKOUT_BACKOFF_AFTER
    if last_abandoned_at is None or over < 0:
        return None
    # The exponent is bounded: past the cap it changes nothing, and a long run of abandoned orders stays cheap.
    seconds = min(settings.CHECKOUT_BACKOFF_BASE_SECONDS * 2 ** min(over, 32), settings.CHECKOUT_BACKOFF_MAX_SECONDS)
    return last_abandoned_at + timedelta(seconds=seconds)


def max_units_per_variant(*, on_hand: int) -> int:
    """The most units of one variant a buyer may hold unpaid: HOLD_MAX_UNITS_PER_VARIANT, and no more than
    HOLD_MAX_SHARE_OF_STOCK of its units on hand (rounded up), yet always HOLD_MIN_UNITS_PER_VARIANT: taking the
    last few units of a small stock is an ordinary purchase, the share stops one account hoarding a large one."""
    share = math.ceil(on_hand * settings.HOLD_MAX_SHARE_OF_STOCK)
    return min(settings.HOLD_MAX_UNITS_PER_VARIANT, max(settings.HOLD_MIN_UNITS_PER_VARIANT, 1, share))


def _seconds_until(moment: datetime, *, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


def _check_backoff(record: selectors.CheckoutRecord, *, now: datetime) -> None:
    until = backoff_until(abandoned=record.abandoned_last_day, last_abandoned_at=record.last_abandoned_at)
    if until is not None and until > now:
        raise CheckoutBackoff(abandoned=record.abandoned_last_day, retry_after=_seconds_until(until, now=now))


def _check_rate(record: selectors.CheckoutRecord, *, user, now: datetime) -> None:
    limit = settings.CHECKOUTS_PER_MINUTE
    if record.placed_last_minute < limit:
        return
    placed = selectors.checkout_times(user=user, since=now - selectors.CHECKOUT_RATE_WINDOW)
    # Once this one leaves the window, fewer than ``limit`` checkouts are left in it.
    frees_at = placed[len(placed) - limit] + selectors.CHECKOUT_RATE_WINDOW
    raise CheckoutRateLimited(limit=limit, retry_after=_seconds_until(frees_at, now=now))


def _check_open_orders(record: selectors.CheckoutRecord, *, user, now: datetime) -> None:
    limit = settings.HOLD_MAX_OPEN_ORDERS
    if record.open_orders < limit:
        return
    raise TooManyOpenOrders(
        limit=limit,
        open_orders=[
            {
                "order_id": order.id,
                "total": to_str(order.total, currency=order.currency),
                "currency": order.currency,
                "expires_at": order.expires_at.isoformat(),
            }
            for order in selectors.open_orders_of(user=user, now=now)
        ],
    )


def _check_units(
    on_hand: Mapping[int, int], *, held: Mapping[int, int], quantities: Mapping[int, int], lines: Sequence
) -> None:
    names = {line.variant_id: (line.product_name, line.sku) for line in lines}
    over = []
    for variant_id, requested in sorted(quantities.items()):
        if requested > on_hand[variant_id]:
            continue  # short whatever the caps: hold_stock names it out of stock
        limit = max_units_per_variant(on_hand=on_hand[variant_id])
        already = held.get(variant_id, 0)
        if already + requested > limit:
            name, sku = names[variant_id]
            over.append(
                {
                    "variant_id": variant_id,
                    "name": name,
                    "sku": sku,
                    "requested": requested,
                    "held": already,
                    "limit": limit,
                    "max_now": max(0, limit - already),
                }
            )
    if over:
        raise HoldLimitExceeded(lines=over)
