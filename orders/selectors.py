"""Read functions of the orders app: a buyer's orders, shipping options and the checkout quote."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from cart import selectors as cart_selectors
from orders.errors import OrderNotFound, UnknownShippingMethod
from orders.models import Order, OrderLine

CENT = Decimal("0.01")


def to_money(value: Decimal) -> Decimal:
    """Money as the store keeps it: quantized to cents, halves rounded up."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ShippingOption:
    code: str
    label: str
    price: Decimal
    min_days: int
    max_days: int
    earliest: date
    latest: date


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    shipping: Decimal
    tax: Decimal
    total: Decimal


@dataclass(frozen=True)
class Quote:
    """What placing the order now would cost: the cart's lines at today's prices, shipping and tax."""

    lines: list
    shipping_option: ShippingOption
    subtotal: Decimal
    shipping: Decimal
    tax: Decimal
    total: Decimal
    currency: str


def add_business_days(start: date, days: int) -> date:
    """The date ``days`` business days (Monday to Friday) after ``start``."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def shipping_options(*, today: date | None = None) -> list[ShippingOption]:
    """The shipping methods offered, with price and delivery window (weekends do not count)."""
    today = today or timezone.localdate()
    return [
        ShippingOption(
            code=code,
            label=method["label"],
            price=to_money(Decimal(str(method["price"]))),
            min_days=int(method["min_days"]),
            max_days=int(method["max_days"]),
            earliest=add_business_days(today, int(method["min_days"])),
            latest=add_business_days(today, int(method["max_days"])),
        )
        for code, method in settings.SHIPPING_METHODS.items()
    ]


def shipping_option(*, code: str, today: date | None = None) -> ShippingOption:
    """One shipping method by its code (raises UnknownShippingMethod)."""
    for option in shipping_options(today=today):
        if option.code == code:
            return option
    raise UnknownShippingMethod()


def order_totals(*, subtotal: Decimal, shipping: Decimal) -> Totals:
    """Tax is TAX_RATE of the goods (not of shipping), rounded to the cent."""
    subtotal = to_money(subtotal)
    shipping = to_money(shipping)
    tax = to_money(subtotal * Decimal(str(settings.TAX_RATE)))
    return Totals(subtotal=subtotal, shipping=shipping, tax=tax, total=subtotal + shipping + tax)


def checkout_quote(*, user, shipping_method: str) -> Quote:
    """The order the user's cart would become with this shipping method (raises UnknownShippingMethod)."""
    option = shipping_option(code=shipping_method)
    view = cart_selectors.cart_view(cart_id=cart_selectors.cart_id_of(user=user))
    lines = list(view.lines)
    totals = order_totals(subtotal=sum((line.line_total for line in lines), Decimal(0)), shipping=option.price)
    return Quote(
        lines=lines,
        shipping_option=option,
        subtotal=totals.subtotal,
        shipping=totals.shipping,
        tax=totals.tax,
        total=totals.total,
        currency=settings.STORE_CURRENCY,
    )


def order_for_buyer(*, user, order_id: str) -> Order:
    """One of the user's own orders with its lines and their sellers; anyone else's is a 404."""
    if not getattr(user, "is_authenticated", False) or not isinstance(order_id, str):
        raise OrderNotFound()
    order = (
        Order.objects.filter(pk=order_id, buyer=user)
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.select_related("seller").order_by("id")))
        .first()
    )
    if order is None:
        raise OrderNotFound()
    return order


def overdue_order_ids(*, limit: int = 500) -> list[str]:
    """Unpaid orders whose hold has run out, oldest first: what the expiry sweep expires."""
    return list(
        Order.objects.filter(status=Order.Status.PENDING_PAYMENT, expires_at__lte=timezone.now())
        .order_by("expires_at")
        .values_list("pk", flat=True)[:limit]
    )
