"""Read functions of the orders app: a buyer's orders and returns, a seller's sold lines and returns,
shipping options and the checkout quote. Lists run a fixed number of queries whatever their length."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from cart import selectors as cart_selectors
from orders.errors import OrderNotFound, ReturnNotFound, UnknownShippingMethod
from orders.models import Order, OrderLine, ReturnRequest

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


def _lines_with_sellers():
    return Prefetch("lines", queryset=OrderLine.objects.select_related("seller").order_by("id"))


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def orders_for_buyer(*, user, start_date: date | None = None, end_date: date | None = None) -> QuerySet[Order]:
    """The user's orders placed between the two dates (both inclusive, in the store's time zone, each
    optional), newest first, with their lines and sellers prefetched."""
    orders = Order.objects.filter(buyer=user)
    if start_date is not None:
        orders = orders.filter(placed_at__gte=_start_of(start_date))
    if end_date is not None:
        orders = orders.filter(placed_at__lt=_start_of(end_date + timedelta(days=1)))
    return orders.order_by("-placed_at", "-id").prefetch_related(_lines_with_sellers())


def returns_for_buyer(*, user) -> QuerySet[ReturnRequest]:
    """The user's return requests, newest first, with their lines."""
    return ReturnRequest.objects.filter(buyer=user).select_related("line").order_by("-created_at", "-id")


def returns_for_seller(*, seller) -> QuerySet[ReturnRequest]:
    """Return requests for the seller's lines, newest first."""
    return ReturnRequest.objects.filter(seller=seller).select_related("line").order_by("-created_at", "-id")


def return_for_seller(*, seller, return_id: str) -> ReturnRequest:
    """One of the seller's return requests; anyone else's is a ReturnNotFound."""
    ret = returns_for_seller(seller=seller).filter(pk=return_id).first() if isinstance(return_id, str) else None
    if ret is None:
        raise ReturnNotFound()
    return ret


def lines_for_seller(*, seller) -> QuerySet[OrderLine]:
    """The seller's sold lines (orders paid or further, not unpaid or expired), newest order first."""
    return (
        OrderLine.objects.filter(seller=seller)
        .exclude(order__status__in=[Order.Status.PENDING_PAYMENT, Order.Status.EXPIRED])
        .select_related("order")
        .order_by("-order__placed_at", "-order_id", "id")
    )


def returnable_quantity(*, line: OrderLine) -> int:
    """Units of a delivered line the buyer may still ask to return (ignores the window)."""
    if line.status not in (OrderLine.Status.DELIVERED, OrderLine.Status.RETURNED):
        return 0
    taken = sum(ret.quantity for ret in line.returns.all() if ret.status != ReturnRequest.Status.REJECTED)
    return max(line.quantity - taken, 0)
