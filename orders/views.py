"""Storefront pages of the purchase flow: checkout, the payment page and the order confirmation.

Views parse the form, call orders' selectors and services, and render; what the services refuse
becomes a message or a form error here.
"""

from __future__ import annotations

from datetime import datetime
import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors as account_selectors
from accounts import services as account_services
from cart import services as cart_services
from cart.errors import EmptyCart, ItemsUnavailable
from inventory.errors import OutOfStock
from orders import selectors, services
from orders.errors import OrderExpired, OrderNotPayable, PaymentDeclined, UnknownAddress
from orders.forms import TEST_CARDS, CheckoutForm, PayForm
from payments import selectors as payment_selectors
from shop.api.errors import DomainError

CART_URL = "cart:page"
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "CAD": "CA$", "AUD": "A$"}
# A double-clicked "Place order" must not place two orders: each checkout form carries a token, and a
# second request with the same token waits for the first and follows it to its order (_place_once).
SUBMIT_WAIT_SECONDS = 10
SUBMIT_MEMORY_SECONDS = 60 * 60


def _currency_symbol(code: str) -> str:
    return CURRENCY_SYMBOLS.get(code, f"{code} ")


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
            "currency_symbol": _currency_symbol(quote.currency),
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
        "currency_symbol": _currency_symbol(order.currency),
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
