"""Storefront pages of the purchase flow: checkout, the payment page and the order confirmation.

Views parse the form, call orders' selectors and services, and render; what the services refuse
becomes a message or a form error here.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
import secrets
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors as account_selectors
from accounts import services as account_services
from cart import services as cart_services
from cart.errors import EmptyCart, ItemsUnavailable
from inventory.errors import OutOfStock
from logistics import selectors as logistics_selectors
from logistics import services as logistics_services
from orders import selectors, services
from orders.errors import OrderExpired, OrderNotPayable, PaymentDeclined, UnknownAddress
from orders.forms import (
    CARRIERS,
    TEST_CARDS,
    CancelItemForm,
    CheckoutForm,
    OrderFilterForm,
    PayForm,
    ReceiveReturnForm,
    RejectReturnForm,
    ReturnItemForm,
    ShipForm,
)
from payments import selectors as payment_selectors
from sellers import selectors as seller_selectors
from shop.errors import DomainError
from shop.currency import currency_symbol

CART_URL = "cart:page"
# A double-clicked "Place order" must not place two orders: each checkout form carries a token, and a
# second request with the same token waits for the first and follows it to its order (_place_once).
SUBMIT_WAIT_SECONDS = 10
SUBMIT_MEMORY_SECONDS = 60 * 60


def _line_name(line) -> str:
    """ "Blue Mug (M / Red)": a cart line as a buyer recognises it."""
    return f"{line.product_name} ({line.label})" if getattr(line, "label", "") else line.product_name


# --- Checkout ----------------------------------------------------------------------------------------


def _short_message(short: list[str]) -> str:
    return (
        f"Some items in your cart cannot be bought as they are: {'; '.join(short)}. "
        "Nothing was ordered or charged; please update your cart and check out again."
    )


def _out_of_stock_message(exc: OutOfStock, cart_lines) -> str:
    """Names every short line of the error, with what is left of it."""
    by_variant = {line.variant_id: line for line in cart_lines}
    short = []
    for entry in exc.lines:
        line = by_variant.get(entry["variant_id"])
        name = _line_name(line) if line else "an item"
        available = max(int(entry.get("available") or 0), 0)
        if available:
            short.append(f"{name}: only {available} left (you asked for {entry['requested']})")
        else:
            short.append(f"{name}: sold out")
    return _short_message(short)


def _unavailable_message(exc: ItemsUnavailable) -> str:
    return _short_message([f"{entry['name']}: no longer for sale" for entry in exc.lines])


def _problem_lines_message(lines) -> str:
    short = []
    for line in lines:
        if line.discontinued:
            short.append(f"{_line_name(line)}: no longer for sale")
        elif line.available:
            short.append(f"{_line_name(line)}: only {line.available} left (you asked for {line.quantity})")
        else:
            short.append(f"{_line_name(line)}: sold out")
    return _short_message(short)


def _submit_key(request: HttpRequest, token: str) -> str:
    return f"orders:checkout-submit:{request.user.pk}:{token}"


def _place_once(request: HttpRequest, form: CheckoutForm, token: str):
    """Place the order, unless this very form was already sent (double click, resubmit): then the
    order that first request placed, waiting for it if it is still at work."""
    key = _submit_key(request, token) if token else None
    if key and not cache.add(key, "", timeout=SUBMIT_MEMORY_SECONDS):
        deadline = time.monotonic() + SUBMIT_WAIT_SECONDS
        while time.monotonic() < deadline:
            placed = cache.get(key)
            if placed is None:  # the first attempt failed and let go: try for real
                break
            if placed:
                return selectors.order_for_buyer(user=request.user, order_id=placed)
            time.sleep(0.05)
        key = None
    try:
        order = services.place_order(
            user=request.user,
            shipping_method=form.cleaned_data["shipping_method"],
            address_id=form.address_id,
            shipping_address=form.new_address,
        )
    except BaseException:
        if key:
            cache.delete(key)
        raise
    if key:
        cache.set(key, order.id, timeout=SUBMIT_MEMORY_SECONDS)
    if form.new_address and form.cleaned_data["save_address"]:
        account_services.add_address(user=request.user, **form.new_address)
    return order


def _form_errors_from(form: CheckoutForm, exc: DomainError) -> None:
    """A refused address or method shown on the fields it concerns."""
    errors = exc.extra.get("errors") or {}
    for field, texts in errors.items():
        name = field.rsplit(".", 1)[-1]
        form.add_error(name if name in form.fields else None, texts)
    if not errors:
        form.add_error(None, exc.message)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    addresses = list(account_selectors.addresses_for(user=request.user))
    options = selectors.shipping_options()
    codes = [option.code for option in options]
    form = CheckoutForm(request.POST or None, addresses=addresses, shipping_codes=codes)

    if request.method == "POST" and form.is_valid():
        try:
            order = _place_once(request, form, str(request.POST.get("submit_token", ""))[:64])
        except EmptyCart:
            messages.info(request, "Your cart is empty. Add something to it before checking out.")
            return redirect(CART_URL)
        except OutOfStock as exc:
            method = form.cleaned_data["shipping_method"]
            lines = selectors.checkout_quote(user=request.user, shipping_method=method).lines
            messages.error(request, _out_of_stock_message(exc, lines))
            return redirect(CART_URL)
        except ItemsUnavailable as exc:
            messages.error(request, _unavailable_message(exc))
            return redirect(CART_URL)
        except UnknownAddress:
            form.add_error("address", "That address is no longer in your address book. Choose another one.")
        except DomainError as exc:
            if exc.status != 400:
                raise
            _form_errors_from(form, exc)
        else:
            return redirect("orders:pay", order_id=order.id)

    method = form.value_of("shipping_method")
    quote = selectors.checkout_quote(user=request.user, shipping_method=method if method in codes else codes[0])
    if not quote.lines:
        messages.info(request, "Your cart is empty. Add something to it before checking out.")
        return redirect(CART_URL)
    problems = [line for line in quote.lines if line.short or line.discontinued]
    if problems:
        messages.error(request, _problem_lines_message(problems))
        return redirect(CART_URL)
    return render(
        request,
        "orders/checkout.html",
        {
            "form": form,
            "addresses": addresses,
            "chosen_address": form.value_of("address"),
            "shipping_options": options,
            "chosen_method": quote.shipping_option.code,
            "quote": quote,
            "item_count": sum(line.quantity for line in quote.lines),
            "goods_total": quote.subtotal + quote.tax,  # tax is on goods only, so the total is this + shipping
            "submit_token": request.POST.get("submit_token") or secrets.token_urlsafe(16),
            "hold_minutes": max(1, settings.ORDER_HOLD_SECONDS // 60),
            "currency_symbol": currency_symbol(quote.currency),
        },
    )


# --- Payment and confirmation ------------------------------------------------------------------------


def _time_left_text(seconds: int) -> str:
    """ "4 min 05 s", as checkout.js counts it down."""
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min {seconds:02d} s"


def _order_context(order, now: datetime) -> dict:
    lines = list(order.lines.all())  # prefetched with their sellers by order_for_buyer
    seconds_left = max(0, int((order.expires_at - now).total_seconds()))
    return {
        "order": order,
        "lines": lines,
        "item_count": sum(line.quantity for line in lines),
        # Unpaid past its hold: expired, even if the sweep has not run yet.
        "past_hold": order.status == "pending_payment" and order.expires_at <= now,
        "seconds_left": seconds_left,
        "time_left": _time_left_text(seconds_left),
        "currency_symbol": currency_symbol(order.currency),
        "shipping_label": settings.SHIPPING_METHODS.get(order.shipping_method, {}).get("label", order.shipping_method),
    }


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, order_id: str) -> HttpResponse:
    order = selectors.order_for_buyer(user=request.user, order_id=order_id)
    if order.status == "paid":
        return redirect("orders:detail", order_id=order.id)
    form = PayForm(request.POST or None)
    declined = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = services.pay_order(
                user=request.user, order_id=order.id, payment_token=form.cleaned_data["payment_token"]
            )
        except (OrderExpired, OrderNotPayable):
            order = selectors.order_for_buyer(user=request.user, order_id=order.id)
            status = 409
        except PaymentDeclined as exc:
            declined = exc.message
            status = 402
        else:
            # Paid, or pending while the bank confirms: the order page says which, and follows along.
            return redirect("orders:detail", order_id=result.order.id)
    elif request.method == "POST":
        status = 400
    context = _order_context(order, timezone.now())
    context.update(
        {
            "form": form,
            "test_cards": TEST_CARDS,
            "chosen_card": form["payment_token"].value() or "tok_visa",
            "declined": declined,
        }
    )
    return render(request, "orders/pay.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET"])
def order_detail(request: HttpRequest, order_id: str) -> HttpResponse:
    order = selectors.order_for_buyer(user=request.user, order_id=order_id)
    context = _order_context(order, timezone.now())
    if order.status == "pending_payment" and not context["past_hold"]:
        payments = payment_selectors.payments_for_order(order_id=order.id)
        context["payment_pending"] = any(payment.status == "pending" for payment in payments)
    if order.status in PAST_PAYMENT or (order.status == "cancelled" and order.paid_at):
        context.update(_after_purchase_context(order, context["lines"], timezone.now(), user=request.user))
    return render(request, "orders/order.html", context)


@login_required
@require_POST
def back_to_cart(request: HttpRequest, order_id: str) -> HttpResponse:
    """An order that ran out of time (or was cancelled) puts its items back in the cart, as far as
    they are still for sale and in stock, so that the buyer can check out again."""
    order = selectors.order_for_buyer(user=request.user, order_id=order_id)
    cart_id = cart_services.cart_id_for(request=request, create=True)
    missed = services.restore_to_cart(user=request.user, order_id=order.id, cart_id=cart_id)
    if missed is None:
        order = selectors.order_for_buyer(user=request.user, order_id=order.id)
        return redirect("orders:pay" if order.status == "pending_payment" else "orders:detail", order_id=order.id)
    if missed:
        messages.warning(
            request,
            f"Not back in your cart, as no longer for sale or not in stock in that quantity: {', '.join(missed)}.",
        )
    else:
        messages.success(request, "Your items are back in your cart.")
    return redirect(CART_URL)


# --- After the purchase: your orders, tracking, cancelling and returning an item ---------------------

ORDERS_PAGE_SIZE = 20
RETURNS_PAGE_SIZE = 30
SELLER_PAGE_SIZE = 30
# The steps of a shipment, in order; a shipment's timeline shows each as done, current or to come.
SHIPMENT_STEPS = (
    ("pending", "Preparing"),
    ("shipped", "Shipped"),
    ("in_transit", "In transit"),
    ("out_for_delivery", "Out for delivery"),
    ("delivered", "Delivered"),
)
STEP_INDEX = {code: index for index, (code, _) in enumerate(SHIPMENT_STEPS)}
CARRIER_LABELS = {code: label.split(" (", 1)[0] for code, label in CARRIERS}
# Orders past payment: the ones that may have shipments, cancellable and returnable lines.
PAST_PAYMENT = ("paid", "partially_shipped", "shipped", "delivered")


def _timeline(shipment) -> list[dict]:
    """The shipment's steps, each done, current or still to come, with the tracking event that reached it."""
    reached = STEP_INDEX.get(shipment.status, -1)
    if shipment.status == "delivered":  # the journey's end is done, not under way
        reached = len(SHIPMENT_STEPS)
    first_event = {}
    for event in shipment.events.all():
        first_event.setdefault(event.status, event)
    return [
        {
            "code": code,
            "label": label,
            "state": "done" if index < reached else "current" if index == reached else "todo",
            "event": first_event.get(code),
        }
        for index, (code, label) in enumerate(SHIPMENT_STEPS)
    ]


def _shipment_views(shipments, lines_by_id: dict) -> list[dict]:
    views = []
    for shipment in shipments:
        shipment_lines = [
            lines_by_id[item.order_line_id]
            for item in shipment.lines.all()
            if item.order_line_id in lines_by_id and not item.cancelled
        ]
        every_line = [
            lines_by_id[item.order_line_id] for item in shipment.lines.all() if item.order_line_id in lines_by_id
        ]
        views.append(
            {
                "shipment": shipment,
                "seller_name": every_line[0].seller.store_name if every_line else "",
                "lines": shipment_lines,
                "cancelled": shipment.status == "cancelled" or not shipment_lines,
                "timeline": _timeline(shipment),
                "events": list(reversed(shipment.events.all())),  # loaded oldest first (time, then id)
                "carrier_label": CARRIER_LABELS.get(shipment.carrier, shipment.carrier.upper()),
            }
        )
    return views


RETURNABLE_LINE_STATUSES = ("delivered", "returned")


def _return_window_open(line, now: datetime) -> bool:
    closes = services.return_window_closes(line)
    return closes is not None and now < closes


def _returnable_quantity(line, returns: list) -> int:
    """Delivered units not yet asked back (a rejected request gives its units back)."""
    asked = sum(r.quantity for r in returns if r.line_id == line.pk and r.status != "rejected")
    return max(0, line.quantity - asked)


def _after_purchase_context(order, lines: list, now: datetime, *, user) -> dict:
    """Shipments with their timelines, ETA, returns and what each line allows (cancel, return)."""
    shipments = logistics_selectors.shipments_for_order(order_id=order.id)
    returns = list(selectors.returns_for_buyer(user=user).filter(order_id=order.id))
    lines_by_id = {line.pk: line for line in lines}
    shipment_of_line = {item.order_line_id: shipment for shipment in shipments for item in shipment.lines.all()}
    for line in lines:
        shipment = shipment_of_line.get(line.pk)
        line.shipment = shipment
        line.return_requests = [r for r in returns if r.line_id == line.pk]
        line.can_cancel = line.status == "open" and (shipment is None or shipment.status == "pending")
        line.returnable = _returnable_quantity(line, returns) if line.status in RETURNABLE_LINE_STATUSES else 0
        line.can_return = line.returnable > 0 and _return_window_open(line, now)
        line.return_deadline = services.return_window_closes(line)
    live = [s for s in shipments if s.status != "cancelled" and s.eta]
    return {
        "after_purchase": True,
        "shipments": _shipment_views(shipments, lines_by_id),
        "eta": max((s.eta for s in live), default=None),
        "returns": returns,
    }


@never_cache
@login_required
@require_http_methods(["GET"])
def order_list(request: HttpRequest) -> HttpResponse:
    """ "Your orders": the buyer's orders, newest first, optionally between two dates (both inclusive)."""
    form = OrderFilterForm(request.GET or None)
    start = end = None
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    orders = selectors.orders_for_buyer(user=request.user, start_date=start, end_date=end)
    page = Paginator(orders, ORDERS_PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = bool(start or end)
    query = {key: value for key, value in (("start", start), ("end", end)) if value}
    return render(
        request,
        "orders/order_list.html",
        {
            "form": form,
            "page": page,
            "orders": list(page.object_list),
            "filtered": filtered,
            "filter_query": urlencode(query),
            "currency_symbol": currency_symbol(settings.STORE_CURRENCY),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _order_line(request: HttpRequest, order_id: str, line_id: int):
    order = selectors.order_for_buyer(user=request.user, order_id=order_id)
    for line in order.lines.all():
        if line.pk == line_id:
            return order, line
    raise Http404("No such item in this order.")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def cancel_item(request: HttpRequest, order_id: str, line_id: int) -> HttpResponse:
    """ "Cancel this item": a reason, then the line is cancelled and, when paid, its share refunded."""
    order, line = _order_line(request, order_id, line_id)
    form = CancelItemForm(request.POST if request.method == "POST" else None)
    status = 200
    if line.status != "open":
        messages.info(
            request, f"{line.product_name} is {line.get_status_display().lower()}: it can no longer be cancelled."
        )
        return redirect("orders:detail", order_id=order.id)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.cancel_item(
                user=request.user, order_id=order.id, product_id=line.product_id, reason=form.reason_text
            )
        except DomainError as exc:
            if exc.code != "item_shipped":
                if exc.status == 404:
                    raise Http404(exc.message) from exc
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.warning(
                    request,
                    f"{line.product_name} has already shipped, so it can no longer be cancelled. "
                    "Once it is delivered you can return it from this page.",
                )
                return redirect("orders:detail", order_id=order.id)
        else:
            messages.success(request, _cancelled_message(line, result, order.currency))
            return redirect("orders:detail", order_id=order.id)
    elif request.method == "POST":
        status = 400
    context = _order_context(order, timezone.now())
    others_left = any(other.pk != line.pk and other.status != "cancelled" for other in context["lines"])
    context.update({"line": line, "form": form, "last_item": not others_left})
    return render(request, "orders/cancel_item.html", context, status=status)


def _cancelled_message(line, result, currency: str) -> str:
    amount, status = result.refund_amount, result.refund_status
    text = f"{line.product_name} is cancelled."
    if amount is not None:
        money = f"{currency_symbol(currency)}{Decimal(str(amount)):,.2f}"
        if status == "succeeded":
            text += f" {money} has been refunded to your card."
        else:
            text += f" A refund of {money} is on its way to your card."
    return text


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def return_item(request: HttpRequest, order_id: str, line_id: int) -> HttpResponse:
    """ "Return this item": how many and why; the seller then approves and gives a return code."""
    order, line = _order_line(request, order_id, line_id)
    now = timezone.now()
    returns = list(selectors.returns_for_buyer(user=request.user).filter(order_id=order.id))
    returnable = _returnable_quantity(line, returns) if line.status in RETURNABLE_LINE_STATUSES else 0
    if not returnable or not _return_window_open(line, now):
        messages.info(request, f"{line.product_name} cannot be returned: {_why_not_returnable(line, returnable)}")
        return redirect("orders:detail", order_id=order.id)
    form = ReturnItemForm(request.POST if request.method == "POST" else None, returnable=returnable)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.request_return(
                user=request.user,
                order_id=order.id,
                product_id=line.product_id,
                quantity=form.cleaned_data["quantity"],
                reason=form.reason_text,
            )
        except DomainError as exc:
            if exc.status == 404:
                raise Http404(exc.message) from exc
            form.add_error("quantity" if exc.code == "return_quantity_exceeded" else None, exc.message)
            status = exc.status
        else:
            messages.success(
                request,
                f"Return requested: {line.product_name}, quantity {form.cleaned_data['quantity']}. "
                "The seller will answer soon; you will then get a return code.",
            )
            return redirect("orders:returns")
    elif request.method == "POST":
        status = 400
    context = _order_context(order, now)
    context.update(
        {
            "line": line,
            "form": form,
            "returnable": returnable,
            "return_deadline": services.return_window_closes(line),
        }
    )
    return render(request, "orders/return_item.html", context, status=status)


def _why_not_returnable(line, returnable: int) -> str:
    if line.status not in RETURNABLE_LINE_STATUSES:
        return "it has not been delivered yet."
    if not returnable:
        return "all of it is already being returned."
    return f"the {settings.RETURN_WINDOW_DAYS}-day return window has closed."


@never_cache
@login_required
@require_http_methods(["GET"])
def return_list(request: HttpRequest) -> HttpResponse:
    """The buyer's return requests, newest first, with their status, return code and refund."""
    page = Paginator(selectors.returns_for_buyer(user=request.user), RETURNS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "orders/return_list.html",
        {
            "page": page,
            "returns": list(page.object_list),
            "currency_symbol": currency_symbol(settings.STORE_CURRENCY),
        },
    )


# --- Seller side: shipping orders, deciding returns --------------------------------------------------


def _seller_of(request: HttpRequest):
    seller = seller_selectors.seller_for_user(user=request.user)
    if seller is None:
        raise PermissionDenied("Only sellers have this page. Open your store first.")
    return seller


@never_cache
@login_required
@require_http_methods(["GET"])
def seller_orders(request: HttpRequest) -> HttpResponse:
    """The seller's shipments (their part of each order), newest first, each pending one with "Mark shipped"."""
    seller = _seller_of(request)
    waiting = request.GET.get("show") == "pending"
    shipments = logistics_selectors.shipments_for_seller(seller=seller, status="pending" if waiting else None)
    page = Paginator(shipments, SELLER_PAGE_SIZE).get_page(request.GET.get("page"))
    shipments = list(page.object_list)
    # Where each parcel goes: the orders' addresses, read with the seller's lines of these orders.
    order_ids = {shipment.order_id for shipment in shipments}
    orders = (
        {line.order_id: line.order for line in selectors.lines_for_seller(seller=seller).filter(order_id__in=order_ids)}
        if order_ids
        else {}
    )
    for shipment in shipments:
        order = orders.get(shipment.order_id)
        shipment.address = order.shipping_address if order else None
    return render(
        request,
        "orders/seller_orders.html",
        {"seller": seller, "page": page, "shipments": shipments, "waiting": waiting, "form": ShipForm()},
    )


@login_required
@require_POST
def seller_ship(request: HttpRequest, shipment_id: str) -> HttpResponse:
    seller = _seller_of(request)
    form = ShipForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(str(error) for errors in form.errors.values() for error in errors)
        messages.error(request, f"Shipment {shipment_id} was not marked shipped: {errors}")
        return redirect("orders:seller-orders")
    try:
        shipment = logistics_services.ship(
            seller=seller,
            shipment_id=shipment_id,
            carrier=form.cleaned_data["carrier"],
            tracking_number=form.cleaned_data["tracking_number"],
        )
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        messages.error(request, f"Shipment {shipment_id} was not marked shipped: {exc.message}")
    else:
        messages.success(
            request, f"Shipment {shipment_id} is marked shipped (tracking number {shipment.tracking_number})."
        )
    return redirect("orders:seller-orders")


@never_cache
@login_required
@require_http_methods(["GET"])
def seller_returns(request: HttpRequest) -> HttpResponse:
    """Return requests for the seller's items, newest first: approve, reject (with a reason), receive."""
    seller = _seller_of(request)
    page = Paginator(selectors.returns_for_seller(seller=seller), SELLER_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/seller_returns.html",
        {
            "seller": seller,
            "page": page,
            "returns": list(page.object_list),
            "reject_form": RejectReturnForm(),
            "receive_form": ReceiveReturnForm(),
            "currency_symbol": currency_symbol(settings.STORE_CURRENCY),
        },
    )


@login_required
@require_POST
def seller_return_decision(request: HttpRequest, return_id: str, action: str) -> HttpResponse:
    """Approve, reject or receive one return request; only the seller of the returned item may."""
    _seller_of(request)
    try:
        if action == "approve":
            done = services.approve_return(user=request.user, return_id=return_id)
            text = f"Return {return_id} approved: the buyer gets return code {done.return_code}."
        elif action == "reject":
            form = RejectReturnForm(request.POST)
            if not form.is_valid():
                messages.error(request, f"Return {return_id} was not rejected: {form.errors['reason'][0]}")
                return redirect("orders:seller-returns")
            services.reject_return(user=request.user, return_id=return_id, reason=form.cleaned_data["reason"])
            text = f"Return {return_id} rejected; the buyer is told why."
        elif action == "receive":
            form = ReceiveReturnForm(request.POST)
            if not form.is_valid():
                messages.error(request, f"Return {return_id} was not received: {form.errors['resellable'][0]}")
                return redirect("orders:seller-returns")
            done = services.receive_return(
                user=request.user, return_id=return_id, resellable=form.cleaned_data["resellable"]
            )
            refund = done.return_request.refund_amount or Decimal(0)
            text = (
                f"Return {return_id} received; the buyer is refunded "
                f"{currency_symbol(settings.STORE_CURRENCY)}{refund:,.2f}."
            )
        else:
            raise Http404("No such action.")
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        messages.error(request, f"Return {return_id}: {exc.message}")
    else:
        messages.success(request, text)
    return redirect("orders:seller-returns")
