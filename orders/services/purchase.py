"""Purchase use cases of the orders app: place an order from the cart, pay it, settle late payments, expire it.

Each use case a view or task calls opens the one durable transaction of its step. Locks: the order
row is the entry lock of everything that changes an existing order (pay, settle, expire); stock rows
are locked after it, inside inventory.services, ordered by variant id. Nothing locks stock and then
an existing order, so the two never deadlock. Placing an order locks the buyer's cart row (which also
serializes the buyer's checkouts for the fair-hold caps), then the stock rows (inventory), and creates
the order last.

Charging the card happens outside any transaction (payments.services.charge opens its own short
ones); the order is then settled under its lock, by the request and, should that step fail, by the
"payment.succeeded" subscriber. The attempt being charged is written on the order first, so its
total cannot change under the charge (a cancel is refused meanwhile), and settling compares the amount
captured with the total. Every path that expires an order first claims back the payments captured for
it and never applied; a payment that cannot pay its order is refunded in full, once (an OrderRefund
claim, paid after commit, retried by the refund sweep).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
import functools
import time
from typing import Any

from django.conf import settings
from django.db import OperationalError, transaction
from django.utils import timezone
import structlog

from accounts import selectors as account_selectors
from accounts.errors import AddressNotFound
from cart import services as cart_services
from cart.selectors import CheckoutLine
from inventory import errors as inventory_errors
from inventory import services as inventory_services
from ledger import selectors as ledger_selectors
from orders.errors import (
    InvalidShippingAddress,
    OrderExpired,
    OrderNotPayable,
    OrderTotalChanged,
    PaymentDeclined,
    PaymentInProgress,
    UnknownAddress,
)
from orders.locks import lock_order, lock_order_if_any
from orders.models import Order, OrderEvent, OrderLine, OrderRefund, new_order_id
from orders.selectors import order_checked_out_with, order_totals, overdue_order_ids, shipping_option
from orders.services.fairness import check_fair_holds
from orders.services.history import history_row, record
from orders.services.refunds import claim_unapplied_payment_refund, pay_refund
from payments import selectors as payment_selectors
from payments import services as payment_services
from shop import money
from shop import sql as shop_sql
from shop.errors import DomainError
from shop.events import publish
from shop.money import quantize, to_str

logger = structlog.get_logger(__name__)

Status = Order.Status
Kind = OrderEvent.Kind

ADDRESS_FIELDS = ("name", "line1", "line2", "city", "region", "postal_code", "country", "phone")
REQUIRED_ADDRESS_FIELDS = ("name", "line1", "city", "postal_code", "country")
PAYMENT_SUCCEEDED = "succeeded"
PAYMENT_PENDING = "pending"
PAYMENT_FAILED = "failed"
DEADLOCK_RETRIES = 3
LAPSED_HOLD_ROUNDS = 2


@dataclass(frozen=True)
class PayResult:
    """The outcome of a pay request: ``paid``, or ``pending`` while the payment settles (202)."""

    order: Order
    payment: Any  # payments.models.Payment, or None for an order paid before this request
    outcome: str
    # The order's payments (oldest first) as this request left them, when it knows them without reading them:
    # earlier ones that failed (they never have refunds), then the one that paid. None: read them.
    payments: list | None = None

    @property
    def is_paid(self) -> bool:
        return self.outcome == "paid"


def _retry_on_deadlock(use_case):
    """Run a use case again when PostgreSQL chose it as a deadlock victim (it rolled back whole).

    The lock order above rules deadlocks out; this is the belt to those braces, so that a lock taken
    by code we do not control never reaches a buyer as a 500.
    """

    @functools.wraps(use_case)
    def wrapper(*args, **kwargs):
        for attempt in range(DEADLOCK_RETRIES + 1):
            try:
                return use_case(*args, **kwargs)
            except OperationalError as exc:
                if attempt == DEADLOCK_RETRIES or not _is_deadlock(exc):
                    raise
                logger.warning("orders.deadlock_retry", use_case=use_case.__name__, attempt=attempt + 1)
                time.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")

    return wrapper


def _is_deadlock(exc: OperationalError) -> bool:
    return getattr(exc.__cause__, "sqlstate", None) in ("40P01", "40001")


# --- Placing an order ---------------------------------------------------------------------------


def _address_snapshot(*, user, address_id: int | None, shipping_address: Mapping | None) -> dict[str, str]:
    """The address to ship to, copied: from the user's address book, or the one given (checked)."""
    if address_id is not None:
        try:
            address = account_selectors.address_for_owner(user=user, address_id=address_id)
        except AddressNotFound:
            raise UnknownAddress() from None
        return {field: getattr(address, field) or "" for field in ADDRESS_FIELDS}
    if shipping_address is None:
        raise InvalidShippingAddress({"shipping_address": ["Give a shipping address or an address_id from your book."]})
    snapshot = {field: str(shipping_address.get(field) or "").strip() for field in ADDRESS_FIELDS}
    snapshot["country"] = snapshot["country"].upper()
    errors = {
        f"shipping_address.{field}": ["This field is required."]
        for field in REQUIRED_ADDRESS_FIELDS
        if not snapshot[field]
    }
    if snapshot["country"] and not (len(snapshot["country"]) == 2 and snapshot["country"].isalpha()):
        errors["shipping_address.country"] = ["Use the two-letter country code, e.g. US."]
    if errors:
        raise InvalidShippingAddress(errors)
    return snapshot


def _after_expiring_lapsed_orders(use_case):
    """Run a checkout again once the unpaid orders whose lapsed holds stood in its way are expired.

    A hold past its order's expires_at leaves its units available (inventory.selectors) although the
    order awaits its expiry (no sweep has run yet): the checkout that needs the units expires the order
    through expire_order, in its own transaction and in the usual lock order (order, then its stock),
    then tries again. Between tries more holds may lapse, hence a few rounds.
    """

    @functools.wraps(use_case)
    def wrapper(*args, **kwargs):
        for attempt in range(LAPSED_HOLD_ROUNDS + 1):
            try:
                return use_case(*args, **kwargs)
            except inventory_errors.HoldsLapsed as lapsed:
                if attempt == LAPSED_HOLD_ROUNDS:
                    raise
                for reference in lapsed.references:
                    expire_order(order_id=reference)
        raise AssertionError("unreachable")

    return wrapper


@_after_expiring_lapsed_orders
@_retry_on_deadlock
def place_order(
    *,
    user,
    shipping_method: str,
    address_id: int | None = None,
    shipping_address: Mapping[str, Any] | None = None,
    checkout_key: str = "",
) -> Order:
    """Turn the user's cart into an order awaiting payment, holding its stock until ``expires_at``.

    ``checkout_key`` (the request's Idempotency-Key) is written on the order in its transaction: a checkout
    with a key the buyer checked out with (within IDEMPOTENCY_KEY_HOURS) returns that order and changes
    nothing. The idempotency record of shop.api.idempotency is stored after the work commits, so it alone
    would miss a retry sent after a server died between the two (nginx passes such a retry to another node).

    All or nothing: raises cart.errors.EmptyCart / ItemsUnavailable, inventory.errors.OutOfStock
    (naming every short line), UnknownShippingMethod, UnknownAddress or InvalidShippingAddress, a
    fair-hold refusal (CheckoutBackoff, CheckoutRateLimited, TooManyOpenOrders, HoldLimitExceeded: see
    orders.services.fairness), and then neither stock, cart nor orders changed. The cart loses its
    checked-out lines only with the order created. Units under another order's lapsed hold are bought
    after expiring that order.
    """
    option = shipping_option(code=shipping_method)
    address = _address_snapshot(user=user, address_id=address_id, shipping_address=shipping_address)
    with transaction.atomic(durable=True):
        if checkout_key and (done := order_checked_out_with(user=user, key=checkout_key)):
            return done
        lines = cart_services.checkout_lines(user=user)  # locks the cart row
        order_id = new_order_id()
        quantities: dict[int, int] = {}
        for line in lines:
            quantities[line.variant_id] = quantities.get(line.variant_id, 0) + line.quantity
        now = timezone.now()
        # Under the cart lock, which serializes this buyer's checkouts (see fairness); the units cap is checked
        # by the hold, under the stock locks, against the units on hand.
        units_cap = check_fair_holds(user=user, quantities=quantities, lines=lines, now=now)
        expires_at = now + timedelta(seconds=settings.ORDER_HOLD_SECONDS)
        inventory_services.hold_stock(
            reference=order_id, quantities=quantities, expires_at=expires_at, actor=user, check_caps=units_cap
        )
        totals = order_totals(
            subtotal=sum((line.unit_price * line.quantity for line in lines), Decimal(0)), shipping=option.price
        )
        rates = _commission_rates(lines)
        order = Order(
            id=order_id,
            buyer=user,
            status=Status.PENDING_PAYMENT,
            shipping_address=address,
            shipping_method=option.code,
            subtotal=totals.subtotal,
            shipping=totals.shipping,
            tax=totals.tax,
            total=totals.total,
            currency=settings.STORE_CURRENCY,
            placed_at=now,
            expires_at=expires_at,
            checkout_key=checkout_key,
        )
        order_lines = []
        for line in lines:
            line_total = quantize(line.unit_price * line.quantity)
            rate = rates[line.item_id]
            order_lines.append(
                OrderLine(
                    order=order,
                    variant_id=line.variant_id,
                    product_id=line.product_id,
                    seller_id=line.seller_id,
                    product_name=line.product_name,
                    sku=line.sku,
                    options=dict(line.options or {}),
                    unit_price=quantize(line.unit_price),
                    quantity=line.quantity,
                    line_total=line_total,
                    commission_rate=rate,
                    commission=money.commission(line_total, rate),
                )
            )
        _insert_placed_order(
            order, order_lines, history_row(order, Kind.PLACED, from_status="", actor=user, data={"lines": len(lines)})
        )
        _keep_lines(order, order_lines)
        cart_services.remove_checked_out(user=user, item_ids=[line.item_id for line in lines])
        publish("order.placed", order_id=order.id, buyer_id=user.pk)
    return order


def _insert_placed_order(order: Order, lines: list[OrderLine], placed: OrderEvent) -> None:
    """Insert the new order, its lines (setting their ids) and its "placed" history row.

    On PostgreSQL in one statement: the order's and the history row's INSERTs as data-modifying CTEs in front of
    the lines' (the foreign keys to the order are checked at commit, Django declaring them deferred), returning
    the lines' ids, which the sequence gives in the order the rows are inserted. Elsewhere (SQLite in
    development) in three.
    """
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        order.save(force_insert=True)
        OrderLine.objects.bulk_create(lines)
        placed.save(force_insert=True)
        return
    order_sql, order_params = shop_sql.insert(connection, [order])
    placed_sql, placed_params = shop_sql.insert(connection, [placed])
    lines_sql, lines_params = shop_sql.insert(connection, lines, returning=OrderLine._meta.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH placed_order AS ({order_sql}), placed_event AS ({placed_sql}) {lines_sql}",
            (*order_params, *placed_params, *lines_params),
        )
        ids = sorted(row[0] for row in cursor.fetchall())
    for line, line_id in zip(lines, ids, strict=True):
        line.pk = line_id
        line._state.adding = False
    order._state.adding = False


def _save_with_history(order: Order, fields: list[str], event: OrderEvent) -> None:
    """Save ``fields`` of the order (the caller holds its row lock) and insert its history row ``event``.

    On PostgreSQL in one statement: the order's UPDATE as a data-modifying CTE in front of the history row's
    INSERT. Elsewhere (SQLite in development) in two.
    """
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        order.save(update_fields=fields)
        event.save(force_insert=True)
        return
    update_sql, update_params = shop_sql.update(
        connection,
        Order.objects.filter(pk=order.pk),
        {name: getattr(order, Order._meta.get_field(name).attname) for name in fields},
    )
    insert_sql, insert_params = shop_sql.insert(connection, [event])
    with connection.cursor() as cursor:
        cursor.execute(f"WITH saved_order AS ({update_sql}) {insert_sql}", (*update_params, *insert_params))


def _commission_rates(lines: Sequence[CheckoutLine]) -> dict[int, Decimal]:
    """The commission rate of each cart line (by item id), from its seller and its product's category as they are
    now: a line keeps it for good. One query for any number of lines (the rules)."""
    pair_of = {line.item_id: (line.seller_id, line.category_id) for line in lines}
    rates = ledger_selectors.commission_rates(pairs=pair_of.values())
    return {item_id: rates[pair] for item_id, pair in pair_of.items()}


# --- Paying -------------------------------------------------------------------------------------


def pay_order(*, user, order_id: str, payment_token: str) -> PayResult:
    """Charge the buyer's card for an order awaiting payment.

    Returns the order ``paid`` (an order paid before is returned as it is, without a second charge),
    or ``pending`` while an asynchronous payment settles. Raises OrderNotFound for anyone else's
    order, OrderExpired once its hold has run out (expiring it first if the sweep has not yet),
    OrderNotPayable for a cancelled one, PaymentDeclined (the order stays payable until it expires),
    and OrderTotalChanged when the amount charged is not the order's total (that payment is refunded).
    """
    step = _begin_payment(user=user, order_id=order_id)
    if isinstance(step, PayResult):
        return step
    order, attempt_key, amount, settled_payment, earlier = step
    payment = settled_payment or payment_services.charge(
        order_id=order.id,
        amount=amount,
        currency=order.currency,
        payment_token=payment_token,
        attempt_key=attempt_key,
    )
    if payment.status == PAYMENT_PENDING:
        # Its webhook may have overtaken the answer (the test gateway delivers in-process when eager).
        payment = payment_selectors.payment(payment_id=payment.id)
    if payment.status == PAYMENT_FAILED:
        record_payment_failed(order_id=order.id, payment_id=payment.id, decline_code=payment.decline_code or "")
        raise PaymentDeclined(order_id=order.id, payment_id=payment.id, decline_code=payment.decline_code or "")
    if payment.status == PAYMENT_PENDING:
        return PayResult(order=order, payment=payment, outcome="pending")
    order = settle_payment(order_id=order.id, payment_id=payment.id, amount=payment.amount, actor=user)
    if order.payment_id != payment.id:
        raise _not_paid(order)
    known = settled_payment is None and all(p.status == PAYMENT_FAILED for p in earlier)
    return PayResult(order=order, payment=payment, outcome="paid", payments=[*earlier, payment] if known else None)


def _begin_payment(*, user, order_id: str):
    """Check the order can be paid, under its lock: a PayResult when there is nothing to charge, else
    (order, attempt key, the amount to charge, a succeeded payment still to settle or None, the order's
    payments read then).

    Attempt keys are ``<order id>:<n>`` where n counts the order's payments: a new one only after the
    last payment failed, so two pay requests racing each other share one key, and the payments app
    charges a key once. The attempt is written on the order, so a cancel waits for its outcome instead
    of changing the total being charged (``settle_captured_payments``).
    """
    claims: list[OrderRefund] = []
    expired = False
    with transaction.atomic(durable=True):
        order = lock_order(order_id=order_id, buyer=user)
        if order.status == Status.PAID:
            return PayResult(order=order, payment=_payment(order, order.payment_id), outcome="paid")
        if order.status == Status.EXPIRED:
            raise OrderExpired(order_id=order.id)
        if order.status != Status.PENDING_PAYMENT:
            raise OrderNotPayable(order_id=order.id, order_status=order.status)
        if order.is_overdue:
            claims = _expire(order, actor=user)
            expired = True
        else:
            payments = payment_selectors.payments_for_order(order_id=order.id)  # oldest first
            latest = payments[-1] if payments else None
            if latest is not None and latest.status == PAYMENT_PENDING:
                return PayResult(order=order, payment=latest, outcome="pending")
            if latest is not None and latest.status == PAYMENT_SUCCEEDED:
                if latest.amount == order.total:
                    return order, latest.attempt_key, latest.amount, latest, payments
                # Charged for another total: it can never pay this order, so it goes back first.
                claims = _claims(
                    claim_unapplied_payment_refund(
                        order=order, payment_id=latest.pk, amount=latest.refundable_amount, why="amount_mismatch"
                    )
                )
            elif latest is not None and latest.status != PAYMENT_FAILED:
                raise AssertionError(f"unknown payment status {latest.status!r}")
            attempt_key = f"{order.id}:{len(payments) + 1}"
            if order.payment_attempt_key != attempt_key:
                order.payment_attempt_key = attempt_key
                order.save(update_fields=["payment_attempt_key"])
    _pay_claims(claims)
    if expired:
        raise OrderExpired(order_id=order.id)  # after the expiry committed
    return order, attempt_key, order.total, None, payments


def _payment(order: Order, payment_id: str):
    if not payment_id:
        return None
    return next((p for p in payment_selectors.payments_for_order(order_id=order.id) if p.pk == payment_id), None)


def _not_paid(order: Order) -> DomainError:
    """Why a captured payment did not pay ``order`` (it is being refunded)."""
    if order.status == Status.EXPIRED:
        return OrderExpired(order_id=order.id)
    if order.status == Status.PENDING_PAYMENT:
        return OrderTotalChanged(order_id=order.id)
    return OrderNotPayable(order_id=order.id, order_status=order.status)


def settle_payment(*, order_id: str, payment_id: str, amount: Decimal, actor=None) -> Order | None:
    """Apply a succeeded payment: an order awaiting payment (not overdue, and charged its total) becomes
    paid, its held stock sold, exactly once. A payment for an order that expired, was cancelled or was
    paid by another payment, or for another amount, is refunded in full, once. Returns the order (None
    for an unknown one)."""
    order, claims = _settle(order_id=order_id, payment_id=payment_id, amount=Decimal(amount), actor=actor)
    _pay_claims(claims)
    return order


@_retry_on_deadlock
def _settle(*, order_id: str, payment_id: str, amount: Decimal, actor) -> tuple[Order | None, list[OrderRefund]]:
    with transaction.atomic(durable=True):
        order = lock_order_if_any(order_id=order_id)
        if order is None:
            logger.error("orders.payment_for_unknown_order", order_id=order_id, payment_id=payment_id)
            return None, []
        claims = _expire(order, actor=None) if order.is_overdue else []
        claims += _claims(_apply_captured(order, payment_id=payment_id, amount=amount, actor=actor))
        return order, claims


def _apply_captured(order: Order, *, payment_id: str, amount: Decimal, actor) -> OrderRefund | None:
    """The writing core of settling one captured payment (the caller holds the order's row lock): it
    pays the order if the order awaits payment, is not overdue and the amount is its total; otherwise,
    unless it already paid the order, it is claimed back in full (once). Returns that claim, if new."""
    if order.payment_id == payment_id:
        return None
    if order.status == Status.PENDING_PAYMENT and not order.is_overdue and amount == order.total:
        inventory_services.sell_held(reference=order.id, actor=actor)
        before = order.status
        order.transition(Status.PAID)
        order.paid_at = timezone.now()
        order.payment_id = payment_id
        _save_with_history(
            order,
            ["status", "paid_at", "payment_id"],
            history_row(
                order,
                Kind.PAID,
                from_status=before,
                actor=actor,
                data={"payment_id": payment_id, "amount": to_str(amount)},
            ),
        )
        _publish_paid(order)
        return None
    closed = {Status.EXPIRED: "order_expired", Status.CANCELLED: "order_cancelled"}
    if order.status != Status.PENDING_PAYMENT:
        why = closed.get(order.status, "paid_by_another")
    elif order.is_overdue:
        why = "order_overdue"
    else:
        why = "amount_mismatch"
        logger.error("orders.payment_amount_mismatch", order_id=order.id, payment_id=payment_id, amount=to_str(amount))
    return claim_unapplied_payment_refund(order=order, payment_id=payment_id, amount=amount, why=why)


def settle_captured_payments(order: Order, *, actor) -> list[OrderRefund]:
    """Before an unpaid order is changed by its buyer (an item cancelled), settle what its payments
    did: a succeeded one pays the order now (or is claimed back, see ``_apply_captured``); a payment
    in flight (begun, not answered, or pending its webhook) raises PaymentInProgress, so the total
    being charged never changes under it. The caller holds the order's row lock; pay the claims
    returned after commit."""
    payments = payment_selectors.payments_for_order(order_id=order.id)
    begun = order.payment_attempt_key and order.payment_attempt_key not in {p.attempt_key for p in payments}
    if begun or any(p.status == PAYMENT_PENDING for p in payments):
        raise PaymentInProgress(order_id=order.id)
    claims: list[OrderRefund] = []
    for payment in payments:
        if payment.status == PAYMENT_SUCCEEDED and payment.refundable_amount > 0:
            claims += _claims(
                _apply_captured(order, payment_id=payment.pk, amount=payment.refundable_amount, actor=actor)
            )
    return claims


def record_payment_failed(*, order_id: str, payment_id: str, decline_code: str = "") -> None:
    """Note a failed payment in the order's history (once per payment); the order stays as it is."""
    with transaction.atomic(durable=True):
        order = lock_order_if_any(order_id=order_id)
        if order is None:
            return
        if OrderEvent.objects.filter(order=order, kind=Kind.PAYMENT_FAILED, data__payment_id=payment_id).exists():
            return
        record(order, Kind.PAYMENT_FAILED, data={"payment_id": payment_id, "decline_code": decline_code})


# --- Expiry -------------------------------------------------------------------------------------


def expire_order(*, order_id: str) -> bool:
    """Expire an unpaid order whose hold has run out, returning its stock, and refund any payment
    captured for it (once). False when it is not (or no longer) overdue: paid orders never expire."""
    expired, claims = _expire_if_overdue(order_id=order_id)
    _pay_claims(claims)
    return expired


@_retry_on_deadlock
def _expire_if_overdue(*, order_id: str) -> tuple[bool, list[OrderRefund]]:
    with transaction.atomic(durable=True):
        order = lock_order_if_any(order_id=order_id)
        if order is None or not order.is_overdue:
            return False, []
        return True, _expire(order, actor=None)


def expire_overdue_orders(*, batch: int = 500) -> int:
    """Expire every overdue unpaid order (each in its own transaction); returns how many expired."""
    expired = 0
    while True:
        ids = overdue_order_ids(limit=batch)
        done = sum(expire_order(order_id=order_id) for order_id in ids)
        expired += done
        if len(ids) < batch or not done:
            return expired


def _expire(order: Order, *, actor) -> list[OrderRefund]:
    """The writing core of expiry: the caller holds the order's row lock and checked it is overdue.

    First every payment captured for the order and never applied (its settling step failed or has not
    run yet) is claimed back: the order can no longer be fulfilled. Returns those claims, to be paid
    after commit (``_pay_claims``; the refund sweep pays any a crash leaves)."""
    claims = [
        claim
        for payment in payment_selectors.payments_for_order(order_id=order.id)
        if payment.status == PAYMENT_SUCCEEDED and payment.refundable_amount > 0
        for claim in _claims(
            claim_unapplied_payment_refund(
                order=order, payment_id=payment.pk, amount=payment.refundable_amount, why="order_expired"
            )
        )
    ]
    released = inventory_services.release_holds(reference=order.id, actor=actor)
    before = order.status
    order.transition(Status.EXPIRED)
    order.closed_at = timezone.now()
    order.save(update_fields=["status", "closed_at"])
    record(
        order,
        Kind.EXPIRED,
        from_status=before,
        actor=actor,
        data={"released": {str(variant_id): units for variant_id, units in released.items()}},
    )
    publish("order.expired", order_id=order.id, buyer_id=order.buyer_id)
    return claims


def _publish_paid(order: Order) -> None:
    """Announce the payment with what shipping needs (the lines, their sellers and quantities) and what the ledger
    books: the order's money and each line's total and commission.

    The order's lines are read whole, with their sellers, and kept on the order: the answer to the payment shows
    them without reading them again."""
    lines = list(order.lines.select_related("seller").order_by("id"))
    _keep_lines(order, lines)
    publish(
        "order.paid",
        order_id=order.id,
        buyer_id=order.buyer_id,
        shipping_method=order.shipping_method,
        shipping_address=order.shipping_address,
        paid_at=order.paid_at.isoformat(),
        payment_id=order.payment_id,
        currency=order.currency,
        subtotal=to_str(order.subtotal),
        tax=to_str(order.tax),
        shipping=to_str(order.shipping),
        total=to_str(order.total),
        lines=[
            {
                "line_id": line.pk,
                "seller_id": line.seller_id,
                "product_id": line.product_id,
                "product_name": line.product_name,
                "sku": line.sku,
                "quantity": line.quantity,
                "line_total": to_str(line.line_total),
                "commission": to_str(line.commission),
                "commission_rate": str(line.commission_rate),
            }
            for line in lines
            if line.status == OrderLine.Status.OPEN
        ],
    )


def _keep_lines(order: Order, lines: list[OrderLine]) -> None:
    """Keep ``lines`` (all of the order's, by id) on the order, as ``prefetch_related("lines")`` would: what
    ``order.lines.all()`` then gives without a query. Only for lines just written or read in this transaction."""
    kept = order.lines.all()  # not evaluated: it becomes the cache
    kept._result_cache = lines
    kept._prefetch_done = True
    order._prefetched_objects_cache = {**getattr(order, "_prefetched_objects_cache", {}), "lines": kept}


def restore_to_cart(*, user, order_id: str, cart_id: int) -> list[str] | None:
    """Put the items of the buyer's expired (or cancelled) order back in their cart, once per order,
    as far as they are still for sale and in stock: returns the names of the lines that could not go
    back. None when the order is still payable or was paid (nothing is restored then)."""
    claims: list[OrderRefund] = []
    with transaction.atomic(durable=True):
        order = lock_order(order_id=order_id, buyer=user)
        if order.is_overdue:
            claims = _expire(order, actor=user)
        if order.status not in (Status.EXPIRED, Status.CANCELLED):
            return None
        if OrderEvent.objects.filter(order=order, kind=Kind.RESTORED_TO_CART).exists():
            lines = None  # a second press (or a resubmitted form) adds nothing twice
        else:
            record(order, Kind.RESTORED_TO_CART, actor=user)
            lines = list(order.lines.values_list("product_id", "sku", "quantity", "product_name"))
    _pay_claims(claims)
    if lines is None:
        return []
    # Each line goes back in the cart's own use case, after the claim above has committed.
    missed = []
    for product_id, sku, quantity, name in lines:
        try:
            cart_services.add_to_cart(cart_id=cart_id, product_id=product_id, quantity=quantity, sku=sku)
        except DomainError:
            missed.append(name)
    return missed


# --- Shared -------------------------------------------------------------------------------------


def _claims(claim: OrderRefund | None) -> list[OrderRefund]:
    return [] if claim is None else [claim]


def _pay_claims(claims: list[OrderRefund]) -> None:
    """Pay refund claims after their transaction committed; one the gateway cannot take now stays
    pending for the refund sweep (``pay_pending_refunds``)."""
    for claim in claims:
        pay_refund(order_refund_id=claim.id)
