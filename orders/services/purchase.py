"""Purchase use cases of the orders app: place an order from the cart, pay it, settle late payments, expire it.

Each use case a view or task calls opens the one durable transaction of its step. Locks: the order
row is the entry lock of everything that changes an existing order (pay, settle, expire); stock rows
are locked after it, inside inventory.services, ordered by variant id. Nothing locks stock and then
an existing order, so the two never deadlock. Placing an order locks the buyer's cart row, then the
stock rows (inventory), and creates the order last.

Charging the card happens outside any transaction (payments.services.charge opens its own short
ones); the order is then settled under its lock. A payment that succeeds for an order that expired
meanwhile is refunded, after the settling transaction has committed.
"""

from __future__ import annotations

from collections.abc import Mapping
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
from inventory import services as inventory_services
from orders.errors import (
    InvalidShippingAddress,
    OrderExpired,
    OrderNotFound,
    OrderNotPayable,
    PaymentDeclined,
    UnknownAddress,
)
from orders.models import Order, OrderEvent, OrderLine, new_order_id
from orders.selectors import order_totals, overdue_order_ids, shipping_option, to_money
from payments import errors as payment_errors
from payments import selectors as payment_selectors
from payments import services as payment_services
from shop.errors import DomainError
from shop.events import publish

logger = structlog.get_logger(__name__)

Status = Order.Status
Kind = OrderEvent.Kind

ADDRESS_FIELDS = ("name", "line1", "line2", "city", "region", "postal_code", "country", "phone")
REQUIRED_ADDRESS_FIELDS = ("name", "line1", "city", "postal_code", "country")
PAYMENT_SUCCEEDED = "succeeded"
PAYMENT_PENDING = "pending"
PAYMENT_FAILED = "failed"
DEADLOCK_RETRIES = 3


@dataclass(frozen=True)
class PayResult:
    """The outcome of a pay request: ``paid``, or ``pending`` while the payment settles (202)."""

    order: Order
    payment: Any  # payments.models.Payment, or None for an order paid before this request
    outcome: str

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


@_retry_on_deadlock
def place_order(
    *,
    user,
    shipping_method: str,
    address_id: int | None = None,
    shipping_address: Mapping[str, Any] | None = None,
) -> Order:
    """Turn the user's cart into an order awaiting payment, holding its stock until ``expires_at``.

    All or nothing: raises cart.errors.EmptyCart / ItemsUnavailable, inventory.errors.OutOfStock
    (naming every short line), UnknownShippingMethod, UnknownAddress or InvalidShippingAddress, and
    then neither stock, cart nor orders changed. The cart loses its checked-out lines only with the
    order created.
    """
    option = shipping_option(code=shipping_method)
    address = _address_snapshot(user=user, address_id=address_id, shipping_address=shipping_address)
    with transaction.atomic(durable=True):
        lines = cart_services.checkout_lines(user=user)  # locks the cart row
        order_id = new_order_id()
        quantities: dict[int, int] = {}
        for line in lines:
            quantities[line.variant_id] = quantities.get(line.variant_id, 0) + line.quantity
        inventory_services.hold_stock(reference=order_id, quantities=quantities, actor=user)
        totals = order_totals(
            subtotal=sum((line.unit_price * line.quantity for line in lines), Decimal(0)), shipping=option.price
        )
        now = timezone.now()
        order = Order.objects.create(
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
            expires_at=now + timedelta(seconds=settings.ORDER_HOLD_SECONDS),
        )
        OrderLine.objects.bulk_create(
            [
                OrderLine(
                    order=order,
                    variant_id=line.variant_id,
                    product_id=line.product_id,
                    seller_id=line.seller_id,
                    product_name=line.product_name,
                    sku=line.sku,
                    options=dict(line.options or {}),
                    unit_price=to_money(line.unit_price),
                    quantity=line.quantity,
                    line_total=to_money(line.unit_price * line.quantity),
                )
                for line in lines
            ]
        )
        _record(order, Kind.PLACED, from_status="", actor=user, data={"lines": len(lines)})
        cart_services.remove_checked_out(user=user, item_ids=[line.item_id for line in lines])
        publish("order.placed", order_id=order.id, buyer_id=user.pk)
    return order


# --- Paying -------------------------------------------------------------------------------------


def pay_order(*, user, order_id: str, payment_token: str) -> PayResult:
    """Charge the buyer's card for an order awaiting payment.

    Returns the order ``paid`` (an order paid before is returned as it is, without a second charge),
    or ``pending`` while an asynchronous payment settles. Raises OrderNotFound for anyone else's
    order, OrderExpired once its hold has run out (expiring it first if the sweep has not yet),
    OrderNotPayable for a cancelled one, and PaymentDeclined (the order stays payable until it expires).
    """
    step = _begin_payment(user=user, order_id=order_id)
    if isinstance(step, PayResult):
        return step
    order, attempt_key, settled_payment = step
    payment = settled_payment or payment_services.charge(
        order_id=order.id,
        amount=order.total,
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
    if order.status != Status.PAID or order.payment_id != payment.id:
        raise OrderExpired(order_id=order.id)
    return PayResult(order=order, payment=payment, outcome="paid")


def _begin_payment(*, user, order_id: str):
    """Check the order can be paid, under its lock: a PayResult when there is nothing to charge, else
    (order, attempt key, a succeeded payment still to settle or None).

    Attempt keys are ``<order id>:<n>`` where n counts the order's payments: a new one only after the
    last payment failed, so two pay requests racing each other share one key, and the payments app
    charges a key once.
    """
    expired = False
    with transaction.atomic(durable=True):
        order = _lock_order(order_id=order_id, buyer=user)
        if order.status == Status.PAID:
            return PayResult(order=order, payment=_payment(order, order.payment_id), outcome="paid")
        if order.status == Status.EXPIRED:
            raise OrderExpired(order_id=order.id)
        if order.status != Status.PENDING_PAYMENT:
            raise OrderNotPayable(order_id=order.id, order_status=order.status)
        if order.is_overdue:
            _expire(order, actor=user)
            expired = True
        else:
            payments = payment_selectors.payments_for_order(order_id=order.id)  # oldest first
            latest = payments[-1] if payments else None
            if latest is not None and latest.status == PAYMENT_PENDING:
                return PayResult(order=order, payment=latest, outcome="pending")
            if latest is not None and latest.status == PAYMENT_SUCCEEDED:
                return order, latest.attempt_key, latest
            if latest is not None and latest.status != PAYMENT_FAILED:
                raise AssertionError(f"unknown payment status {latest.status!r}")
            attempt_key = f"{order.id}:{len(payments) + 1}"
    if expired:
        raise OrderExpired(order_id=order.id)  # after the expiry committed
    return order, attempt_key, None


def _payment(order: Order, payment_id: str):
    if not payment_id:
        return None
    return next((p for p in payment_selectors.payments_for_order(order_id=order.id) if p.pk == payment_id), None)


def settle_payment(*, order_id: str, payment_id: str, amount: Decimal, actor=None) -> Order | None:
    """Apply a succeeded payment: an order awaiting payment (and not overdue) becomes paid, its held
    stock sold, exactly once. A payment for an order that expired, was cancelled or was paid by
    another payment is refunded in full, once. Returns the order (None for an unknown one)."""
    order, refund = _settle(order_id=order_id, payment_id=payment_id, amount=Decimal(amount), actor=actor)
    if refund:
        try:
            payment_services.refund(payment_id=payment_id, amount=Decimal(amount), reason="order_not_payable")
        except payment_errors.RefundExceedsCaptured:
            logger.info("orders.late_payment_already_refunded", order_id=order_id, payment_id=payment_id)
    return order


@_retry_on_deadlock
def _settle(*, order_id: str, payment_id: str, amount: Decimal, actor) -> tuple[Order | None, bool]:
    with transaction.atomic(durable=True):
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None:
            logger.error("orders.payment_for_unknown_order", order_id=order_id, payment_id=payment_id)
            return None, False
        if order.is_overdue:
            _expire(order, actor=None)
        if order.status == Status.PENDING_PAYMENT:
            inventory_services.sell_held(reference=order.id, actor=actor)
            order.status = Status.PAID
            order.paid_at = timezone.now()
            order.payment_id = payment_id
            order.save(update_fields=["status", "paid_at", "payment_id"])
            _record(
                order,
                Kind.PAID,
                from_status=Status.PENDING_PAYMENT,
                actor=actor,
                data={"payment_id": payment_id, "amount": f"{amount:.2f}"},
            )
            _publish_paid(order)
            return order, False
        if order.status == Status.PAID and order.payment_id == payment_id:
            return order, False
        already = OrderEvent.objects.filter(
            order=order, kind=Kind.LATE_PAYMENT_REFUNDED, data__payment_id=payment_id
        ).exists()
        if not already:
            _record(
                order,
                Kind.LATE_PAYMENT_REFUNDED,
                from_status=order.status,
                actor=None,
                data={"payment_id": payment_id, "amount": f"{amount:.2f}"},
            )
        return order, not already


def record_payment_failed(*, order_id: str, payment_id: str, decline_code: str = "") -> None:
    """Note a failed payment in the order's history (once per payment); the order stays as it is."""
    with transaction.atomic(durable=True):
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None:
            return
        if OrderEvent.objects.filter(order=order, kind=Kind.PAYMENT_FAILED, data__payment_id=payment_id).exists():
            return
        _record(
            order,
            Kind.PAYMENT_FAILED,
            from_status=order.status,
            actor=None,
            data={"payment_id": payment_id, "decline_code": decline_code},
        )


# --- Expiry -------------------------------------------------------------------------------------


@_retry_on_deadlock
def expire_order(*, order_id: str) -> bool:
    """Expire an unpaid order whose hold has run out, returning its stock. False when it is not
    (or no longer) overdue: paid orders never expire."""
    with transaction.atomic(durable=True):
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None or not order.is_overdue:
            return False
        _expire(order, actor=None)
        return True


def expire_overdue_orders(*, batch: int = 500) -> int:
    """Expire every overdue unpaid order (each in its own transaction); returns how many expired."""
    expired = 0
    while True:
        ids = overdue_order_ids(limit=batch)
        done = sum(expire_order(order_id=order_id) for order_id in ids)
        expired += done
        if len(ids) < batch or not done:
            return expired


def _expire(order: Order, *, actor) -> None:
    """The writing core of expiry: the caller holds the order's row lock and checked it is overdue."""
    released = inventory_services.release_holds(reference=order.id, actor=actor)
    order.status = Status.EXPIRED
    order.closed_at = timezone.now()
    order.save(update_fields=["status", "closed_at"])
    _record(
        order,
        Kind.EXPIRED,
        from_status=Status.PENDING_PAYMENT,
        actor=actor,
        data={"released": {str(variant_id): units for variant_id, units in released.items()}},
    )
    publish("order.expired", order_id=order.id, buyer_id=order.buyer_id)


def _publish_paid(order: Order) -> None:
    """Announce the payment with what shipping needs: the lines, their sellers and quantities."""
    lines = order.lines.order_by("id").values_list(
        "id", "seller_id", "product_id", "product_name", "sku", "quantity", "status"
    )
    publish(
        "order.paid",
        order_id=order.id,
        buyer_id=order.buyer_id,
        shipping_method=order.shipping_method,
        paid_at=order.paid_at.isoformat(),
        lines=[
            {
                "line_id": line_id,
                "seller_id": seller_id,
                "product_id": product_id,
                "product_name": name,
                "sku": sku,
                "quantity": quantity,
            }
            for line_id, seller_id, product_id, name, sku, quantity, status in lines
            if status == OrderLine.Status.OPEN
        ],
    )


def restore_to_cart(*, user, order_id: str, cart_id: int) -> list[str] | None:
    """Put the items of the buyer's expired (or cancelled) order back in their cart, once per order,
    as far as they are still for sale and in stock: returns the names of the lines that could not go
    back. None when the order is still payable or was paid (nothing is restored then)."""
    with transaction.atomic(durable=True):
        order = _lock_order(order_id=order_id, buyer=user)
        if order.is_overdue:
            _expire(order, actor=user)
        if order.status not in (Status.EXPIRED, Status.CANCELLED):
            return None
        if OrderEvent.objects.filter(order=order, kind=Kind.RESTORED_TO_CART).exists():
            return []  # a second press (or a resubmitted form) adds nothing twice
        _record(order, Kind.RESTORED_TO_CART, from_status=order.status, actor=user, data={})
        lines = list(order.lines.values_list("product_id", "sku", "quantity", "product_name"))
    # Each line goes back in the cart's own use case, after the claim above has committed.
    missed = []
    for product_id, sku, quantity, name in lines:
        try:
            cart_services.add_to_cart(cart_id=cart_id, product_id=product_id, quantity=quantity, sku=sku)
        except DomainError:
            missed.append(name)
    return missed


# --- Shared -------------------------------------------------------------------------------------


def _lock_order(*, order_id: str, buyer) -> Order:
    """The buyer's order, locked FOR UPDATE; anyone else's is an OrderNotFound."""
    if not isinstance(order_id, str):
        raise OrderNotFound()
    order = Order.objects.select_for_update().filter(pk=order_id, buyer=buyer).first()
    if order is None:
        raise OrderNotFound()
    return order


def _record(order: Order, kind: str, *, from_status: str, actor, data: dict) -> OrderEvent:
    return OrderEvent.objects.create(
        order=order, kind=kind, from_status=from_status, to_status=order.status, actor=actor, data=data
    )
