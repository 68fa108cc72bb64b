"""Read functions of the orders app: a buyer's orders and returns, a seller's sold lines and returns,
shipping options, the checkout quote and what a buyer holds unpaid (fair holds). Lists run a fixed
number of queries whatever their length."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Q, QuerySet, Sum, prefetch_related_objects
from django.utils import timezone

from cart import selectors as cart_selectors
from logistics import selectors as logistics_selectors
from orders.errors import OrderNotFound, ReturnNotFound, UnknownShippingMethod
from orders.models import Order, OrderLine, ReturnRequest
from sellers import selectors as seller_selectors
from shop.dates import add_business_days
from shop.money import quantize


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
    handling_days: int  # the longest handling time of the cart's sellers, in shipping_option's dates
    subtotal: Decimal
    shipping: Decimal
    tax: Decimal
    total: Decimal
    currency: str


def shipping_options(*, today: date | None = None, handling_days: int = 0) -> list[ShippingOption]:
    """The shipping methods offered, with price and delivery window (weekends do not count); the days
    include ``handling_days``, the longest handling time of the order's sellers (checkout_handling_days)."""
    today = today or timezone.localdate()
    options = []
    for code, method in settings.SHIPPING_METHODS.items():
        min_days, max_days = handling_days + int(method["min_days"]), handling_days + int(method["max_days"])
        options.append(
            ShippingOption(
                code=code,
                label=method["label"],
                price=quantize(Decimal(str(method["price"]))),
                min_days=min_days,
                max_days=max_days,
                earliest=add_business_days(today, days=min_days),
                latest=add_business_days(today, days=max_days),
            )
        )
    return options


def checkout_handling_days(*, lines) -> int:
    """The longest handling time of the sellers of these cart lines (one query): the order arrives when
    its last seller's parcel does."""
    return max(seller_selectors.handling_days_of(seller_ids={line.seller_id for line in lines}).values(), default=0)


def shipping_option(*, code: str, today: date | None = None, handling_days: int = 0) -> ShippingOption:
    """One shipping method by its code (raises UnknownShippingMethod)."""
    for option in shipping_options(today=today, handling_days=handling_days):
        if option.code == code:
            return option
    raise UnknownShippingMethod()


def order_totals(*, subtotal: Decimal, shipping: Decimal) -> Totals:
    """Tax is TAX_RATE of the goods (not of shipping); every amount rounded as shop.money does."""
    subtotal = quantize(subtotal)
    shipping = quantize(shipping)
    tax = quantize(subtotal * Decimal(str(settings.TAX_RATE)))
    return Totals(subtotal=subtotal, shipping=shipping, tax=tax, total=subtotal + shipping + tax)


def checkout_quote(*, user, shipping_method: str) -> Quote:
    """The order the user's cart would become with this shipping method, its delivery dates counting the
    sellers' handling time (raises UnknownShippingMethod)."""
    view = cart_selectors.cart_view(cart_id=cart_selectors.cart_id_of(user=user))
    lines = list(view.lines)
    handling_days = checkout_handling_days(lines=lines)
    option = shipping_option(code=shipping_method, handling_days=handling_days)
    totals = order_totals(subtotal=sum((line.line_total for line in lines), Decimal(0)), shipping=option.price)
    return Quote(
        lines=lines,
        shipping_option=option,
        handling_days=handling_days,
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


def load_lines_with_sellers(order: Order) -> None:
    """Make ``order.lines.all()`` give the order's lines by id with their sellers: one query for the lines (with
    their sellers) when none are loaded, one for the sellers when the lines are but their sellers are not (lines a
    use case just wrote), none when both are."""
    prefetch_related_objects(
        [order], Prefetch("lines", queryset=OrderLine.objects.select_related("seller").order_by("id"))
    )
    prefetch_related_objects(list(order.lines.all()), "seller")


def order_checked_out_with(*, user, key: str) -> Order | None:
    """The order a checkout with this Idempotency-Key placed, within the keys' retention (a key reused after it
    is a new checkout, as shop.api.idempotency treats it)."""
    since = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    return Order.objects.filter(buyer=user, checkout_key=key, placed_at__gte=since).order_by("-placed_at").first()


def overdue_order_ids(*, limit: int = 500) -> list[str]:
    """Unpaid orders whose hold has run out, oldest first: what the expiry sweep expires."""
    return list(
        Order.objects.filter(status=Order.Status.PENDING_PAYMENT, expires_at__lte=timezone.now())
        .order_by("expires_at")
        .values_list("pk", flat=True)[:limit]
    )


def paid_purchases():
    """``(buyer_id, product_id, paid_at, order_id)`` of every paid order line not cancelled, oldest first:
    the purchase history recommendations learn from and are evaluated on (an iterator: any length)."""
    return (
        OrderLine.objects.filter(order__paid_at__isnull=False)
        .exclude(status=OrderLine.Status.CANCELLED)
        .order_by("order__paid_at", "id")
        .values_list("order__buyer_id", "product_id", "order__paid_at", "order_id")
        .iterator(chunk_size=5000)
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
    """The user's return requests, newest first, with their lines and sellers (where approved ones go)."""
    return ReturnRequest.objects.filter(buyer=user).select_related("line", "seller").order_by("-created_at", "-id")


def returns_for_seller(
    *, seller, status: str | None = None, start_date: date | None = None, end_date: date | None = None
) -> QuerySet[ReturnRequest]:
    """Return requests for the seller's lines, newest first, optionally of one status and requested between
    two dates (both inclusive, in the store's time zone, each optional)."""
    returns = ReturnRequest.objects.filter(seller=seller)
    if status:
        returns = returns.filter(status=status)
    if start_date is not None:
        returns = returns.filter(created_at__gte=_start_of(start_date))
    if end_date is not None:
        returns = returns.filter(created_at__lt=_start_of(end_date + timedelta(days=1)))
    return returns.select_related("line", "seller").order_by("-created_at", "-id")


# Returns that wait for the seller: a decision, or the parcel to be received.
RETURNS_AWAITING_SELLER = (ReturnRequest.Status.REQUESTED, ReturnRequest.Status.APPROVED)


def returns_awaiting_seller(*, seller) -> QuerySet[ReturnRequest]:
    """The seller's return requests still waiting for them: to decide, or to receive the parcel."""
    return returns_for_seller(seller=seller).filter(status__in=RETURNS_AWAITING_SELLER)


def return_for_seller(*, seller, return_id: str) -> ReturnRequest:
    """One of the seller's return requests; anyone else's is a ReturnNotFound."""
    ret = returns_for_seller(seller=seller).filter(pk=return_id).first() if isinstance(return_id, str) else None
    if ret is None:
        raise ReturnNotFound()
    return ret


def lines_for_seller(
    *, seller, status: str | None = None, start_date: date | None = None, end_date: date | None = None
) -> QuerySet[OrderLine]:
    """The seller's sold lines (orders paid or further, not unpaid or expired), newest order first; optionally
    of one line status and of orders placed between two dates (both inclusive, store time, each optional)."""
    lines = OrderLine.objects.filter(seller=seller).exclude(
        order__status__in=[Order.Status.PENDING_PAYMENT, Order.Status.EXPIRED]
    )
    if status:
        lines = lines.filter(status=status)
    if start_date is not None:
        lines = lines.filter(order__placed_at__gte=_start_of(start_date))
    if end_date is not None:
        lines = lines.filter(order__placed_at__lt=_start_of(end_date + timedelta(days=1)))
    return lines.select_related("order").order_by("-order__placed_at", "-order_id", "id")


def returnable_quantity(*, line: OrderLine) -> int:
    """Units of a delivered line the buyer may still ask to return (ignores the window)."""
    return units_returnable(line=line, requests=line.returns.all())


# --- What a buyer's order allows: the rules the services enforce, read once for pages and API ----------
# Pure predicates: the order services check the same ones under their locks (cancel_item, request_return).

CLOSED_ORDER_STATUSES = frozenset({Order.Status.EXPIRED, Order.Status.CANCELLED})
RETURNABLE_LINE_STATUSES = frozenset({OrderLine.Status.DELIVERED, OrderLine.Status.RETURNED})
# A shipment still at the seller's: its lines can be taken out of it (logistics.services.remove_line).
UNSHIPPED_SHIPMENT_STATUSES = frozenset({None, "pending"})


def line_cancellable(*, order_status: str, line_status: str, shipment_status: str | None) -> bool:
    """Whether the buyer may cancel the line: an open line of an open order whose parcel has not left."""
    return (
        order_status not in CLOSED_ORDER_STATUSES
        and line_status == OrderLine.Status.OPEN
        and shipment_status in UNSHIPPED_SHIPMENT_STATUSES
    )


def return_deadline(*, line: OrderLine) -> datetime | None:
    """When the buyer can no longer ask to return the line: the seller's return window after delivery
    (RETURN_WINDOW_DAYS unless the seller set one; 0 days: at delivery). None before delivery. Reads
    ``line.seller``: load it with the line."""
    if line.delivered_at is None:
        return None
    return line.delivered_at + timedelta(days=line.seller.return_window)


def return_window_open(*, line: OrderLine, now: datetime) -> bool:
    """Whether ``now`` is inside the line's return window (never before delivery)."""
    deadline = return_deadline(line=line)
    return deadline is not None and now < deadline


def units_returnable(*, line: OrderLine, requests) -> int:
    """Delivered units not yet asked back, given the line's return requests (a rejected one gives its units
    back); 0 for a line not delivered. Ignores the window."""
    if line.status not in RETURNABLE_LINE_STATUSES:
        return 0
    taken = sum(
        ret.quantity for ret in requests if ret.line_id == line.pk and ret.status != ReturnRequest.Status.REJECTED
    )
    return max(line.quantity - taken, 0)


def delivery_eta(*, shipments) -> date | None:
    """The order's estimated delivery: the latest ETA of its parcels not cancelled (None without any)."""
    return max((s.eta for s in shipments if s.status != "cancelled" and s.eta), default=None)


@dataclass(frozen=True)
class LineView:
    """What one line of a buyer's order allows now."""

    line: OrderLine
    shipment: object | None  # the logistics shipment carrying it, None before one is made
    return_requests: list[ReturnRequest]
    can_cancel: bool
    returnable: int  # units that may still be asked back (0 outside the window's statuses)
    return_deadline: datetime | None
    can_return: bool  # some units returnable and the window open


@dataclass(frozen=True)
class BuyerOrderView:
    """A buyer's order with its shipments, returns, ETA and each line's rules (``lines``, in line order)."""

    order: Order
    lines: list[LineView]
    shipments: list
    returns: list[ReturnRequest]
    eta: date | None

    def line(self, line_id: int) -> LineView | None:
        """The rules of one line of the order, None when it has no such line."""
        return next((view for view in self.lines if view.line.pk == line_id), None)


def order_view_for_buyer(*, user, order_id: str, now: datetime | None = None) -> BuyerOrderView:
    """One of the user's orders with, per line, whether it can be cancelled, how many units can be returned
    until when, and the order's ETA: the rules its services enforce. Anyone else's is OrderNotFound.

    Shipments and returns are read for a paid order only (an unpaid one has none): a fixed number of queries.
    """
    order = order_for_buyer(user=user, order_id=order_id)
    now = now or timezone.now()
    shipments: list = []
    returns: list[ReturnRequest] = []
    if order.paid_at is not None:
        shipments = logistics_selectors.shipments_for_order(order_id=order.pk)
        returns = list(
            ReturnRequest.objects.filter(order_id=order.pk, buyer=user)
            .select_related("line")
            .order_by("-created_at", "-id")
        )
    shipment_of_line = {item.order_line_id: shipment for shipment in shipments for item in shipment.lines.all()}
    lines = []
    for line in order.lines.all():
        shipment = shipment_of_line.get(line.pk)
        returnable = units_returnable(line=line, requests=returns)
        lines.append(
            LineView(
                line=line,
                shipment=shipment,
                return_requests=[ret for ret in returns if ret.line_id == line.pk],
                can_cancel=line_cancellable(
                    order_status=order.status,
                    line_status=line.status,
                    shipment_status=shipment.status if shipment is not None else None,
                ),
                returnable=returnable,
                return_deadline=return_deadline(line=line),
                can_return=returnable > 0 and return_window_open(line=line, now=now),
            )
        )
    return BuyerOrderView(
        order=order, lines=lines, shipments=shipments, returns=returns, eta=delivery_eta(shipments=shipments)
    )


# --- Fair holds: what a buyer holds unpaid, and the checkouts they left to expire ----------------


CHECKOUT_RATE_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class CheckoutRecord:
    """A buyer's recent orders as the fair-hold caps count them."""

    open_orders: int  # awaiting payment, hold still running
    placed_last_minute: int
    abandoned_last_day: int  # left unpaid until their hold ran out, in the last 24 h
    last_abandoned_at: datetime | None
    units_held: dict[int, int] = field(default_factory=dict)  # variant id -> units held in open orders (those asked)


@dataclass(frozen=True)
class AbandonedCheckouts:
    """One buyer's orders left unpaid until they expired: in the last 24 h and 7 days, and the latest."""

    buyer_id: int
    email: str
    last_day: int
    last_week: int
    last_abandoned_at: datetime


def _abandoned(now: datetime) -> Q:
    """Orders left unpaid until their hold ran out: expired, or overdue and awaiting the sweep."""
    return Q(status=Order.Status.EXPIRED, paid_at__isnull=True) | Q(
        status=Order.Status.PENDING_PAYMENT, expires_at__lte=now
    )


def open_orders_of(*, user, now: datetime) -> list[Order]:
    """The buyer's orders awaiting payment whose hold still runs, the soonest to expire first."""
    return list(
        Order.objects.filter(buyer=user, status=Order.Status.PENDING_PAYMENT, expires_at__gt=now)
        .order_by("expires_at", "id")
        .only("id", "expires_at", "total", "currency")
    )


def checkout_times(*, user, since: datetime) -> list[datetime]:
    """When the buyer placed orders from ``since`` on, oldest first."""
    return list(
        Order.objects.filter(buyer=user, placed_at__gte=since).order_by("placed_at").values_list("placed_at", flat=True)
    )


def checkout_record_of(*, user, now: datetime, variant_ids: Iterable[int] = ()) -> CheckoutRecord:
    """What the buyer's recent orders say at checkout (see CheckoutRecord), with the units of ``variant_ids`` the
    buyer holds in open lines of orders awaiting payment (holds not lapsed). One query, on the buyer's recent
    orders and their lines (an order awaiting payment whose hold still runs is recent)."""
    minute_ago, day_ago = now - CHECKOUT_RATE_WINDOW, now - timedelta(days=1)
    abandoned = _abandoned(now) & Q(expires_at__gt=day_ago)
    holding = Q(status=Order.Status.PENDING_PAYMENT, expires_at__gt=now, lines__status=OrderLine.Status.OPEN)
    variant_ids = sorted(set(variant_ids))
    # Joined to their lines when units are asked for: the counts are then of distinct orders.
    found = (
        Order.objects.filter(buyer=user)
        .filter(Q(placed_at__gte=minute_ago) | Q(expires_at__gt=day_ago))
        .aggregate(
            open_orders=Count("pk", distinct=True, filter=Q(status=Order.Status.PENDING_PAYMENT, expires_at__gt=now)),
            placed_last_minute=Count("pk", distinct=True, filter=Q(placed_at__gte=minute_ago)),
            abandoned_last_day=Count("pk", distinct=True, filter=abandoned),
            last_abandoned_at=Max("expires_at", filter=abandoned),
            **{
                f"held_{variant_id}": Sum("lines__quantity", filter=holding & Q(lines__variant_id=variant_id))
                for variant_id in variant_ids
            },
        )
    )
    held = {variant_id: found.pop(f"held_{variant_id}") or 0 for variant_id in variant_ids}
    return CheckoutRecord(**found, units_held={variant_id: units for variant_id, units in held.items() if units})


def buyers_with_abandoned_checkouts(*, now: datetime, limit: int = 200) -> list[AbandonedCheckouts]:
    """The buyers who left orders unpaid until they expired in the last 7 days, most in 24 h first. One query."""
    rows = (
        Order.objects.filter(expires_at__gt=now - timedelta(days=7))
        .filter(_abandoned(now))
        .order_by()
        .values("buyer_id", "buyer__email")
        .annotate(
            last_day=Count("pk", filter=Q(expires_at__gt=now - timedelta(days=1))),
            last_week=Count("pk"),
            last_abandoned_at=Max("expires_at"),
        )
        .order_by("-last_day", "-last_week", "buyer_id")[:limit]
    )
    return [
        AbandonedCheckouts(
            buyer_id=row["buyer_id"],
            email=row["buyer__email"],
            last_day=row["last_day"],
            last_week=row["last_week"],
            last_abandoned_at=row["last_abandoned_at"],
        )
        for row in rows
    ]
