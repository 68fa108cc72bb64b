"""Storefront pages of the purchase flow: checkout, the payment page and the order confirmation.

Views parse the form, call orders' selectors and services, and render; what the services refuse
becomes a message or a form error here.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors as account_selectors
from accounts import services as account_services
from cart import selectors as cart_selectors
from cart import services as cart_services
from cart.errors import EmptyCart, ItemsUnavailable
from inventory.errors import OutOfStock
from logistics import selectors as logistics_selectors
from orders import selectors, services
from orders.errors import (
    CheckoutTooSoon,
    HoldLimitExceeded,
    OrderExpired,
    OrderNotPayable,
    PaymentDeclined,
    TooManyOpenOrders,
    UnknownAddress,
)
from orders.forms import (
    TEST_CARDS,
    CancelItemForm,
    CheckoutForm,
    OrderFilterForm,
    PayForm,
    ReceiveReturnForm,
    RejectReturnForm,
    ReturnItemForm,
    SellerReturnFilterForm,
)
from payments import selectors as payment_selectors
from sellers import selectors as seller_selectors
from shop.api import idempotency
from shop.currency import currency_symbol
from shop.db_router import reads_from_replica
from shop.errors import DomainError
from shop.money import format_money
from shop.throttles import throttled

CART_URL = "cart:page"


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


def _place_once(request: HttpRequest, form: CheckoutForm, token: str) -> str:
    """Place the order and return its id, unless this very form was already sent (double click, resubmit):
    then the id of the order that first request placed, waiting for it if it is still at work.

    A double-clicked "Place order" must not place two orders: the form's hidden submit token is an
    Idempotency-Key of shop.api.idempotency, the API's own mechanism (records in the database, a lock
    per user and key). A refused attempt keeps nothing, so the corrected form runs for real.
    """

    def place() -> str:
        order = services.place_order(
            user=request.user,
            shipping_method=form.cleaned_data["shipping_method"],
            address_id=form.address_id,
            shipping_address=form.new_address,
        )
        if form.new_address and form.cleaned_data["save_address"]:
            account_services.add_address(user=request.user, **form.new_address)
        return order.id

    if not token:
        return place()
    return idempotency.run_once(
        user_id=request.user.pk,
        key=token,
        fingerprint=idempotency.form_fingerprint(request),
        run=place,
        answer_of=lambda order_id: idempotency.Answer(
            status_code=302,
            body={"order": order_id},
            headers={"Location": reverse("orders:pay", kwargs={"order_id": order_id})},
        ),
        replay=lambda answer: answer.body["order"],
    )


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
@throttled("checkout", per="visitor")
def checkout(request: HttpRequest) -> HttpResponse:
    addresses = list(account_selectors.addresses_for(user=request.user))
    options = selectors.shipping_options()
    codes = [option.code for option in options]
    form = CheckoutForm(request.POST or None, addresses=addresses, shipping_codes=codes)
    status, retry_after = 200, None

    if request.method == "POST" and form.is_valid():
        try:
            order_id = _place_once(request, form, str(request.POST.get("submit_token", ""))[:64])
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
        except (TooManyOpenOrders, HoldLimitExceeded, CheckoutTooSoon) as exc:  # fair holds: the form says why
            form.add_error(None, exc.message)
            status, retry_after = exc.status, getattr(exc, "retry_after", None)
        except DomainError as exc:
            if exc.status != 400:
                raise
            _form_errors_from(form, exc)
        else:
            return redirect("orders:pay", order_id=order_id)

    method = form.value_of("shipping_method")
    quote = selectors.checkout_quote(user=request.user, shipping_method=method if method in codes else codes[0])
    if not quote.lines:
        messages.info(request, "Your cart is empty. Add something to it before checking out.")
        return redirect(CART_URL)
    problems = [line for line in quote.lines if line.short or line.discontinued]
    if problems:
        messages.error(request, _problem_lines_message(problems))
        return redirect(CART_URL)
    response = render(
        request,
        "orders/checkout.html",
        {
            "form": form,
            "addresses": addresses,
            "chosen_address": form.value_of("address"),
            "shipping_options": selectors.shipping_options(handling_days=quote.handling_days),
            "chosen_method": quote.shipping_option.code,
            "quote": quote,
            "item_count": sum(line.quantity for line in quote.lines),
            "goods_total": quote.subtotal + quote.tax,  # tax is on goods only, so the total is this + shipping
            "submit_token": request.POST.get("submit_token") or secrets.token_urlsafe(16),
            "hold_minutes": max(1, settings.ORDER_HOLD_SECONDS // 60),
            "currency_symbol": currency_symbol(quote.currency),
        },
        status=status,
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


# --- Payment and confirmation ------------------------------------------------------------------------


def _time_left_text(seconds: int) -> str:
    """ "4 min 05 s", as checkout.js counts it down."""
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min {seconds:02d} s"


def _with_options(line):
    """``line`` with its options in the order the cart showed them: ``option_items`` and ``label``."""
    line.option_items = cart_selectors.option_items(line.options or {})
    line.label = cart_selectors.option_label(line.options or {})
    return line


def _order_context(order, now: datetime) -> dict:
    lines = list(order.lines.all())  # prefetched with their sellers by order_for_buyer
    seconds_left = max(0, int((order.expires_at - now).total_seconds()))
    for line in lines:
        _with_options(line)
    cancelled_items = sum(line.quantity for line in lines if line.status == "cancelled")
    return {
        "order": order,
        "lines": lines,
        "item_count": sum(line.quantity for line in lines),
        # What changed since the purchase, for the page's heading and its totals (refunded, net total).
        "cancelled_items": cancelled_items,
        "changed_since_purchase": bool(cancelled_items or order.refunded_amount),
        "net_total": order.total - order.refunded_amount,
        # Unpaid past its hold: expired, even if the sweep has not run yet.
        "past_hold": order.status == "pending_payment" and order.expires_at <= now,
        "seconds_left": seconds_left,
        "time_left": _time_left_text(seconds_left),
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
    now = timezone.now()
    view = selectors.order_view_for_buyer(user=request.user, order_id=order_id, now=now)
    order = view.order
    context = _order_context(order, now)
    if order.status == "pending_payment" and not context["past_hold"]:
        payments = payment_selectors.payments_for_order(order_id=order.id)
        context["payment_pending"] = any(payment.status == "pending" for payment in payments)
    if order.status in PAST_PAYMENT or (order.status == "cancelled" and order.paid_at):
        context.update(_after_purchase_context(view))
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
                "carrier_label": logistics_selectors.carrier_name(code=shipment.carrier),
            }
        )
    return views


def _after_purchase_context(view: selectors.BuyerOrderView) -> dict:
    """Shipments with their timelines, ETA, returns and what each line allows (cancel, return), as the
    selector reads them: the page and the API apply the services' rules, never their own."""
    for rules in view.lines:
        line = rules.line  # the instances _order_context lists (the order's prefetched lines)
        line.shipment = rules.shipment
        line.return_requests = rules.return_requests
        line.can_cancel = rules.can_cancel
        line.returnable = rules.returnable
        line.can_return = rules.can_return
        line.return_deadline = rules.return_deadline
    return {
        "after_purchase": True,
        "shipments": _shipment_views(view.shipments, {rules.line.pk: rules.line for rules in view.lines}),
        "eta": view.eta,
        "returns": view.returns,
    }


@never_cache
@login_required
@require_http_methods(["GET"])
@reads_from_replica
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
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _order_line(request: HttpRequest, order_id: str, line_id: int, now: datetime):
    """The buyer's order, one of its lines and what that line allows now (selectors.order_view_for_buyer)."""
    view = selectors.order_view_for_buyer(user=request.user, order_id=order_id, now=now)
    rules = view.line(line_id)
    if rules is None:
        raise Http404("No such item in this order.")
    return view.order, rules.line, rules


SHIPPED_TEXT = (
    "{name} has already shipped, so it can no longer be cancelled. "
    "Once it is delivered you can return it from this page."
)


def _why_not_cancellable(order, line) -> str:
    if line.status != "open":
        return f"{line.product_name} is {line.get_status_display().lower()}: it can no longer be cancelled."
    if order.status in selectors.CLOSED_ORDER_STATUSES:
        return f"{line.product_name} can no longer be cancelled: the order is {order.get_status_display().lower()}."
    return SHIPPED_TEXT.format(name=line.product_name)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def cancel_item(request: HttpRequest, order_id: str, line_id: int) -> HttpResponse:
    """ "Cancel this item": a reason, then the line is cancelled and, when paid, its share refunded."""
    order, line, rules = _order_line(request, order_id, line_id, timezone.now())
    form = CancelItemForm(request.POST if request.method == "POST" else None)
    status = 200
    if not rules.can_cancel:
        messages.info(request, _why_not_cancellable(order, line))
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
                messages.warning(request, SHIPPED_TEXT.format(name=line.product_name))
                return redirect("orders:detail", order_id=order.id)
        else:
            messages.success(request, _cancelled_message(line, result, order.currency))
            return redirect("orders:detail", order_id=order.id)
    elif request.method == "POST":
        status = 400
    context = _order_context(order, timezone.now())
    others_left = any(other.pk != line.pk and other.status != "cancelled" for other in context["lines"])
    context.update({"line": _with_options(line), "form": form, "last_item": not others_left})
    return render(request, "orders/cancel_item.html", context, status=status)


def _cancelled_message(line, result, currency: str) -> str:
    amount, status = result.refund_amount, result.refund_status
    text = f"{line.product_name} is cancelled."
    if amount is not None:
        written = format_money(amount, currency=currency)
        if status == "succeeded":
            text += f" {written} has been refunded to your card."
        else:
            text += f" A refund of {written} is on its way to your card."
    return text


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def return_item(request: HttpRequest, order_id: str, line_id: int) -> HttpResponse:
    """ "Return this item": how many and why; the seller then approves and gives a return code."""
    now = timezone.now()
    order, line, rules = _order_line(request, order_id, line_id, now)
    returnable = rules.returnable
    if not rules.can_return:
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
            "line": _with_options(line),
            "form": form,
            "returnable": returnable,
            "return_deadline": rules.return_deadline,
        }
    )
    return render(request, "orders/return_item.html", context, status=status)


def _why_not_returnable(line, returnable: int) -> str:
    if line.status not in selectors.RETURNABLE_LINE_STATUSES:
        return "it has not been delivered yet."
    if not returnable:
        return "all of it is already being returned."
    window = line.seller.return_window
    if not window:
        return f"{line.seller.store_name} does not accept returns."
    return f"the {window}-day return window has closed."


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
        },
    )


# --- Seller side: deciding returns (shipping is logistics' pages) --------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET"])
def seller_returns(request: HttpRequest) -> HttpResponse:
    """Return requests for the seller's items, newest first, optionally of one status and requested between
    two dates (a malformed filter is a 400 that lists nothing): approve, reject (with a reason), receive."""
    seller = seller_selectors.seller_of(user=request.user)
    form = SellerReturnFilterForm(request.GET or None)
    context = {"seller": seller, "form": form, "reject_form": RejectReturnForm(), "receive_form": ReceiveReturnForm()}
    if form.is_bound and not form.is_valid():
        return render(request, "orders/seller_returns.html", {**context, "page": None}, status=400)
    filters = form.cleaned_data if form.is_bound else {}
    returns = selectors.returns_for_seller(
        seller=seller,
        status=filters.get("status") or None,
        start_date=filters.get("start"),
        end_date=filters.get("end"),
    )
    page = Paginator(returns, SELLER_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/seller_returns.html",
        {
            **context,
            "page": page,
            "returns": list(page.object_list),
            "filtered": any(filters.get(name) for name in ("status", "start", "end")),
            "filter_query": urlencode({name: form.data[name] for name in form.fields if form.data.get(name)}),
        },
    )


@login_required
@require_POST
def seller_return_decision(request: HttpRequest, return_id: str, action: str) -> HttpResponse:
    """Approve, reject or receive one return request; only the seller of the returned item may."""
    seller_selectors.seller_of(user=request.user)
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
            text = f"Return {return_id} received; the buyer is refunded {format_money(refund)}."
        else:
            raise Http404("No such action.")
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        messages.error(request, f"Return {return_id}: {exc.message}")
    else:
        messages.success(request, text)
    return redirect("orders:seller-returns")
