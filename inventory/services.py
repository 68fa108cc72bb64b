"""Write use cases of the inventory app: stock on hand per variant, holds for unpaid orders, the
ledger, and low-stock alerts.

Every change of a level writes one StockMovement (who, why, by how much, the level after) in the same
transaction. Functions here open plain (non-durable) transactions so the catalog's and the orders'
use cases can call them inside their own; the hold functions (hold, sell, release), on the purchase
path, join the caller's transaction without a savepoint (which costs two round trips) and leave
nothing written when they refuse. Every writer locks the stock rows it changes first, in
variant order (locks.py); a hold changes state only under its variant's stock lock.

After a change that moves ``available`` the variant's low-stock alert is opened (available at or
below its threshold: the variant's own, else its product's, else its seller's) or cleared (above it);
the seller is e-mailed once per alert, after commit. A new variant's initial stock opens none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Case, Exists, F, OuterRef, When
from django.db.models.constants import OnConflict
from django.db.models.functions import Cast
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
import structlog

from inventory import selectors as inventory_selectors
from inventory.errors import HoldExists, HoldsLapsed, InvalidQuantity, OutOfStock, StockBelowHeld
from inventory.locks import (
    lock_existing_stock_levels,
    lock_stock_levels,
    lock_stock_levels_of_active_holds,
)
from inventory.models import Hold, LowStockAlert, StockLevel, StockMovement
from sellers import selectors as seller_selectors
from shop import sql as shop_sql
from shop.events import publish
from shop.public_cache import bumps
from shop.site import absolute_url

logger = structlog.get_logger(__name__)

Reason = StockMovement.Reason


@bumps("stock")
def set_on_hand(
    *,
    variant_id: int,
    quantity: int,
    actor=None,
    reason: str = Reason.ADJUSTMENT,
    reference: str = "",
    note: str = "",
) -> StockLevel:
    """Set a variant's stock on hand to ``quantity`` (ledger row for the difference, with ``note``: why).

    Raises InvalidQuantity for a negative quantity and StockBelowHeld when checkouts hold more.
    """
    if quantity < 0:
        raise InvalidQuantity()
    with transaction.atomic():
        level = lock_stock_levels(variant_ids=[variant_id])[variant_id]
        before = level.on_hand
        _write_on_hand(level=level, quantity=quantity, actor=actor, reason=reason, reference=reference, note=note)
        if level.on_hand != before:
            _review_low_stock(levels=[level])
            _announce_availability(levels=[level], on_hand_before={variant_id: before})
        return level


@bumps("stock")
def adjust_on_hand(*, variant_id: int, delta: int, note: str, actor, reason: str = Reason.ADJUSTMENT) -> StockLevel:
    """Add ``delta`` units (negative: take away) to a variant's stock on hand, with ``note`` (why) in the ledger.

    The new level is computed under the stock row lock, so concurrent adjustments all land. Raises
    InvalidQuantity when on hand would fall below 0 and StockBelowHeld when below what checkouts hold.
    """
    with transaction.atomic():
        level = lock_stock_levels(variant_ids=[variant_id])[variant_id]
        quantity = level.on_hand + delta
        if quantity < 0:
            raise InvalidQuantity(
                f"Only {level.on_hand} units are on hand: taking away {-delta} would leave less than 0."
            )
        before = level.on_hand
        _write_on_hand(level=level, quantity=quantity, actor=actor, reason=reason, reference="", note=note)
        if level.on_hand != before:
            _review_low_stock(levels=[level])
            _announce_availability(levels=[level], on_hand_before={variant_id: before})
        return level


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
        before = {variant_id: level.on_hand for variant_id, level in levels.items()}
        for variant_id, quantity in sorted(quantities.items()):
            _write_on_hand(level=levels[variant_id], quantity=quantity, actor=actor, reason=reason, reference=reference)
        _review_low_stock(levels=[level for variant_id, level in levels.items() if level.on_hand != before[variant_id]])
        _announce_availability(levels=levels.values(), on_hand_before=before)
        return {variant_id: levels[variant_id] for variant_id in sorted(quantities)}


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


def _write_on_hand(
    *, level: StockLevel, quantity: int, actor, reason: str, reference: str, note: str = ""
) -> StockLevel:
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
        note=note.strip()[: StockMovement._meta.get_field("note").max_length],
    )
    return level


def _announce_availability(
    *, levels: Iterable[StockLevel], on_hand_before: Mapping[int, int | tuple[int, int]]
) -> None:
    """Publish ``stock.availability_changed`` for the variants of ``levels`` that went in or out of stock (on hand
    above held, or no longer), given each one's on hand (or (on hand, held)) before the change: only when search
    keeps an index outside the database (SEARCH_BACKEND=elasticsearch), so the purchase path costs nothing more
    otherwise. (A hold lapsing makes units available with no write: such a product is reindexed at its next change.)"""
    if settings.SEARCH_BACKEND != "elasticsearch":
        return
    flipped = []
    for level in levels:
        before = on_hand_before[level.variant_id]
        on_hand, held = before if isinstance(before, tuple) else (before, level.held)
        if (on_hand > held) != (level.on_hand > level.held):
            flipped.append(level.variant_id)
    if flipped:
        publish("stock.availability_changed", variant_ids=sorted(flipped))


# --- Holds ---------------------------------------------------------------------------------------


@bumps("stock")
def hold_stock(
    *,
    reference: str,
    quantities: Mapping[int, int],
    expires_at: datetime | None = None,
    actor=None,
    check_caps: Callable[[Mapping[int, int]], None] | None = None,
) -> None:
    """Hold ``quantities`` (variant id -> units) for the order ``reference`` until ``expires_at`` (None:
    until released): every line, or none.

    Raises OutOfStock naming every line that asks for more than is available, HoldsLapsed (an
    OutOfStock) when enough is available only once lapsed holds are released (its ``references`` are
    the orders to expire first), InvalidQuantity for a line of less than one unit, and HoldExists when
    the reference already holds one of the variants. ``check_caps(on_hand)``, when given, runs first under
    the stock locks with the units on hand per variant (0 without a stock row): the caller's own caps on
    a hold (orders' fair holds) raise from it, and nothing is held.
    """
    if any(quantity < 1 for quantity in quantities.values()):
        raise InvalidQuantity("Quantity must be at least 1.")
    if not quantities:
        return
    with shop_sql.joined_transaction():
        # A variant without a stock row has no units: its line is short (nothing is written), so no row is made.
        levels = lock_existing_stock_levels(variant_ids=quantities)
        for variant_id in quantities:
            levels.setdefault(variant_id, StockLevel(variant_id=variant_id, on_hand=0, held=0))
        if check_caps is not None:
            check_caps({variant_id: level.on_hand for variant_id, level in levels.items()})
        # Lapsed holds matter only to lines the unheld units cannot serve (no query otherwise); under the
        # locks no hold can appear or close, only lapse as time passes, so what is read here stays free.
        wanting = [variant_id for variant_id, quantity in quantities.items() if levels[variant_id].unheld < quantity]
        lapsed = (
            list(
                inventory_selectors.lapsed_holds(variant_ids=wanting).values_list("variant_id", "quantity", "reference")
            )
            if wanting
            else []
        )
        lapsed_units: dict[int, int] = {}
        for variant_id, units, _ in lapsed:
            lapsed_units[variant_id] = lapsed_units.get(variant_id, 0) + units
        short, blocked = [], []
        for variant_id, quantity in sorted(quantities.items()):
            free = levels[variant_id].unheld
            available = free + lapsed_units.get(variant_id, 0)
            if available < quantity:
                short.append({"variant_id": variant_id, "requested": quantity, "available": max(available, 0)})
            elif free < quantity:
                blocked.append({"variant_id": variant_id, "requested": quantity, "available": max(free, 0)})
        if short:
            raise OutOfStock(lines=short)
        if blocked:
            waiting = {line["variant_id"] for line in blocked}
            raise HoldsLapsed(
                lines=blocked, references=sorted({ref for variant_id, _, ref in lapsed if variant_id in waiting})
            )
        _write_holds(levels=levels, quantities=quantities, reference=reference, expires_at=expires_at, actor=actor)
        _review_low_stock(levels=levels.values())


@bumps("stock")
def release_holds(*, reference: str, variant_ids: Iterable[int] | None = None, actor=None) -> dict[int, int]:
    """Release the order's still-active holds (all, or those of ``variant_ids``): the units become
    available again. Returns the units released per variant; a second call releases nothing."""
    return _close_holds(reference=reference, variant_ids=variant_ids, actor=actor, status=Hold.Status.RELEASED)


@bumps("stock")
def sell_held(*, reference: str, variant_ids: Iterable[int] | None = None, actor=None) -> dict[int, int]:
    """Turn the order's still-active holds (all, or those of ``variant_ids``) into sales: on hand and
    held both go down. Returns the units sold per variant; a second call sells nothing and returns {}."""
    return _close_holds(reference=reference, variant_ids=variant_ids, actor=actor, status=Hold.Status.SOLD)


@bumps("stock")
def return_to_stock(*, variant_id: int, quantity: int, reference: str, actor=None) -> None:
    """Put ``quantity`` sold units back on hand (a cancellation after payment, a return); raises
    InvalidQuantity for less than one unit."""
    if quantity < 1:
        raise InvalidQuantity("Quantity must be at least 1.")
    with transaction.atomic():
        level = lock_stock_levels(variant_ids=[variant_id])[variant_id]
        _shift_levels(
            levels={variant_id: level},
            shifts={variant_id: (quantity, 0)},
            reason=Reason.RETURN,
            actor=actor,
            reference=reference,
        )
        _review_low_stock(levels=[level])


def _write_holds(
    *, levels: Mapping[int, StockLevel], quantities: Mapping[int, int], reference: str, expires_at, actor
) -> None:
    """The writing core of ``hold_stock``: the caller holds the row locks on ``levels`` and has checked
    that each has ``quantities`` available. Two statements whatever the number of lines on PostgreSQL (the
    holds; the levels with their ledger rows), three elsewhere.

    The holds go in first, skipping those the unique constraint (one hold per reference and variant) already
    has: rather than a query asking first, the insert tells which variants the reference held already, and
    those it did insert are taken out again before HoldExists is raised, so a refusal leaves nothing written.
    """
    holds = [
        Hold(reference=reference, variant_id=variant_id, quantity=quantity, expires_at=expires_at)
        for variant_id, quantity in sorted(quantities.items())
    ]
    inserted = _insert_new_holds(holds)
    if len(inserted) < len(holds):
        Hold.objects.filter(reference=reference, variant_id__in=inserted).delete()
        raise HoldExists(reference=reference, variant_ids=sorted(set(quantities) - inserted))
    _shift_levels(
        levels=levels,
        shifts={variant_id: (0, quantity) for variant_id, quantity in quantities.items()},
        reason=Reason.HOLD,
        actor=actor,
        reference=reference,
    )


def _insert_new_holds(holds: list[Hold]) -> set[int]:
    """INSERT the holds, skipping any whose (reference, variant) already has one (ON CONFLICT DO NOTHING, which
    waits for a concurrent insert of the same key to commit or roll back); returns the variant ids inserted.
    One statement, on PostgreSQL and on SQLite alike (both return the rows an insert made)."""
    connection = transaction.get_connection()
    sql, params = shop_sql.insert(
        connection, holds, on_conflict=OnConflict.IGNORE, returning=Hold._meta.get_field("variant")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {variant_id for (variant_id,) in cursor.fetchall()}


def _close_active_holds(*, reference: str, variant_ids: Iterable[int], status: str, now: datetime) -> dict[int, int]:
    """Close the holds of ``reference`` on ``variant_ids`` that are still active, as ``status`` at ``now``; returns
    the units closed per variant id. The caller holds the variants' stock row locks, under which no hold changes
    state, so what this reads is what it closes: one UPDATE ... RETURNING (PostgreSQL, and SQLite from 3.35)."""
    ids = sorted(set(variant_ids))
    if not ids:
        return {}
    connection = transaction.get_connection()
    active = Hold.objects.filter(reference=reference, status=Hold.Status.ACTIVE, variant_id__in=ids)
    sql, params = shop_sql.update(
        connection, active, {"status": status, "closed_at": now}, returning=("variant", "quantity")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def _shift_levels(
    *, levels: Mapping[int, StockLevel], shifts: Mapping[int, tuple[int, int]], reason: str, actor, reference: str
) -> None:
    """Add (on hand, held) deltas per variant in one UPDATE, mirror them on ``levels`` and write each variant's
    ledger row (``reason``, by ``actor``, for ``reference``, with the level after).

    The caller holds the row locks. The UPDATE adds to the stored values rather than writing the ones
    computed here, so that if a caller ever forgot the lock the CHECK constraints would refuse an
    oversell instead of a stale write silently losing one. On PostgreSQL the UPDATE and the ledger's INSERT
    are one statement (the UPDATE as a data-modifying CTE); elsewhere two.
    """
    now = timezone.now()
    ids = sorted(shifts)
    before = {variant_id: (levels[variant_id].on_hand, levels[variant_id].held) for variant_id in ids}
    changes = {
        name: Cast(
            Case(*[When(variant_id=variant_id, then=F(name) + shifts[variant_id][i]) for variant_id in ids]),
            output_field=StockLevel._meta.get_field(name),
        )
        for i, name in enumerate(("on_hand", "held"))
    }
    for variant_id, (on_hand, held) in shifts.items():
        level = levels[variant_id]
        level.on_hand += on_hand
        level.held += held
        level.updated_at = now
    _announce_availability(levels=[levels[variant_id] for variant_id in ids], on_hand_before=before)
    movements = [
        StockMovement(
            variant_id=variant_id,
            reason=reason,
            on_hand_delta=shifts[variant_id][0],
            held_delta=shifts[variant_id][1],
            on_hand_after=levels[variant_id].on_hand,
            held_after=levels[variant_id].held,
            actor=actor,
            reference=reference,
        )
        for variant_id in ids
    ]
    update = StockLevel.objects.filter(variant_id__in=ids)
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        update.update(**changes, updated_at=now)
        StockMovement.objects.bulk_create(movements)
        return
    update_sql, update_params = shop_sql.update(connection, update, {**changes, "updated_at": now})
    insert_sql, insert_params = shop_sql.insert(connection, movements)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH shifted AS ({update_sql}) {insert_sql}", (*update_params, *insert_params))


def _close_holds(*, reference: str, variant_ids: Iterable[int] | None, actor, status: str) -> dict[int, int]:
    """Release or sell the active holds of ``reference``, each exactly once.

    The stock rows of the holds are locked (variant order, found in the same query), then the holds still
    active are closed under those locks: a concurrent close of the same holds has then either committed
    (they are no longer active) or waits for this one.
    """
    with shop_sql.joined_transaction():
        levels = lock_stock_levels_of_active_holds(
            reference=reference, variant_ids=list(variant_ids) if variant_ids is not None else None
        )
        if not levels:
            return {}
        closed = _close_active_holds(reference=reference, variant_ids=levels, status=status, now=timezone.now())
        if not closed:
            return {}
        sold = status == Hold.Status.SOLD
        _shift_levels(
            levels=levels,
            shifts={variant_id: (-units if sold else 0, -units) for variant_id, units in closed.items()},
            reason=Reason.SALE if sold else Reason.RELEASE,
            actor=actor,
            reference=reference,
        )
        changed = [levels[variant_id] for variant_id in sorted(closed)]
        if not sold:  # a sale leaves available as it was
            _review_low_stock(levels=changed)
    return closed


# --- Low-stock alerts ----------------------------------------------------------------------------


def review_low_stock(*, variant_ids: Iterable[int]) -> None:
    """Open or clear the variants' low-stock alerts for their current stock, e.g. after a seller
    changed a threshold (stock changes made here do this themselves)."""
    with transaction.atomic():
        _review_low_stock(levels=lock_stock_levels(variant_ids=variant_ids).values())


def _review_low_stock(*, levels: Iterable[StockLevel]) -> None:
    """Open an alert for each variant now at or below its threshold that has none open, and clear the
    open alert of each variant now above it.

    The caller holds the row locks on ``levels`` (so two writers never both open an alert for one
    variant; the partial unique constraint would refuse the second anyway). One query to read, at most
    one to open and one to clear, whatever the number of variants.
    """
    available = {level.variant_id: level.unheld for level in levels}
    if not available:
        return
    rows = (
        StockLevel.objects.filter(variant_id__in=available)
        .annotate(
            threshold=inventory_selectors.low_stock_threshold(),
            owner_id=F("variant__product__seller_id"),
            sku=F("variant__sku"),
            alerted=Exists(LowStockAlert.objects.filter(variant_id=OuterRef("variant_id"), cleared_at__isnull=True)),
        )
        .values_list("variant_id", "threshold", "owner_id", "alerted", "sku")
    )
    opening, clearing, skus = [], [], {}
    for variant_id, threshold, seller_id, alerted, sku in rows:
        skus[variant_id] = sku
        units = available[variant_id]
        if units <= threshold and not alerted:
            opening.append(
                LowStockAlert(seller_id=seller_id, variant_id=variant_id, threshold=threshold, available=max(units, 0))
            )
        elif units > threshold and alerted:
            clearing.append(variant_id)
    if clearing:
        LowStockAlert.objects.filter(variant_id__in=clearing, cleared_at__isnull=True).update(cleared_at=timezone.now())
    for alert in LowStockAlert.objects.bulk_create(opening):
        # Its subscribers (inventory.events e-mails the seller once) run after commit, through the outbox.
        publish(
            "stock.low",
            alert_id=alert.pk,
            seller_id=alert.seller_id,
            variant_id=alert.variant_id,
            sku=skus[alert.variant_id],
            available=alert.available,
            threshold=alert.threshold,
        )


def send_low_stock_email(*, alert_id: int) -> bool:
    """E-mail the seller about a low-stock alert, once: a second call (a retried task) sends nothing.

    Returns whether this call sent it. A failed send is given back and raised, so the outbox's retry sends it.
    """
    claimed = LowStockAlert.objects.filter(pk=alert_id, notified_at__isnull=True).update(notified_at=timezone.now())
    if not claimed:
        return False
    alert = LowStockAlert.objects.select_related("variant__product").get(pk=alert_id)
    seller = seller_selectors.seller_contacts(seller_ids=[alert.seller_id])[alert.seller_id]
    context = {
        "store_name": settings.STORE_NAME,
        "seller": seller,
        "product_name": alert.variant.product.name,
        "sku": alert.variant.sku,
        "options": dict(sorted(alert.variant.options.items())),
        "available": alert.available,
        "threshold": alert.threshold,
        "alerts_link": absolute_url(reverse("inventory:seller-alerts")),
    }
    message = EmailMultiAlternatives(
        subject=f"Low stock: {context['product_name']} ({context['sku']}), {alert.available} left",
        body=render_to_string("inventory/email/low_stock.txt", context),
        to=[seller.email],
    )
    message.attach_alternative(render_to_string("inventory/email/low_stock.html", context), "text/html")
    try:
        message.send()
    except Exception:
        LowStockAlert.objects.filter(pk=alert_id).update(notified_at=None)
        raise
    logger.info("inventory.low_stock_email_sent", alert_id=alert_id, seller_id=alert.seller_id)
    return True
