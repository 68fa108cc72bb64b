"""Storefront pages of the cart: the cart page, adding from the product page (htmx, without a reload),
changing lines, and the CSRF token the cacheable product page fetches before its first add.

With htmx a change answers with the fragment to swap in plus the header badge out of band; without
JavaScript every form posts and redirects back (POST, redirect, GET).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cart import selectors, services
from cart.errors import InvalidQuantity
from cart.forms import AddToCartForm, QuantityForm, first_error
from catalog import selectors as catalog_selectors
from shop import activity
from shop.errors import DomainError, FieldConflict
from shop.throttles import throttled

# --- The cart page ----------------------------------------------------------------------------------


def _cart_context(view: selectors.CartView, **extra) -> dict:
    # cart_item_count overrides the context processor's: the header badge needs no query of its own.
    return {"cart": view, "cart_item_count": view.count, **extra}


@never_cache
@require_GET
def cart_page(request: HttpRequest) -> HttpResponse:
    view = selectors.cart_view(cart_id=services.cart_id_for(request=request, create=False))
    return render(request, "cart/cart.html", _cart_context(view))


ITEM_ACTIONS = {
    "update": "Quantity updated.",
    "save": "Saved for later.",
    "move": "Moved to your cart.",
    "remove": "Removed from your cart.",
}


def _change_item(request: HttpRequest, *, cart_id: int | None, item_id: int, action: str) -> str:
    """Apply one cart-page button; returns what to tell the buyer (DomainError when refused)."""
    if action == "update":
        form = QuantityForm(request.POST)
        if not form.is_valid():
            raise InvalidQuantity(first_error(form))
        quantity = form.cleaned_data["quantity"]
        services.set_quantity(cart_id=cart_id, item_id=item_id, quantity=quantity)
        return ITEM_ACTIONS["remove"] if quantity == 0 else ITEM_ACTIONS["update"]
    if action in ("save", "move"):
        services.set_saved_for_later(cart_id=cart_id, item_id=item_id, saved=action == "save")
    elif action == "remove":
        services.remove_item(cart_id=cart_id, item_id=item_id)
    else:
        raise FieldConflict("Unknown action.")
    return ITEM_ACTIONS[action]


@never_cache
@require_POST
def item(request: HttpRequest, item_id: int) -> HttpResponse:
    """A cart-page button on one line: update its quantity, save it for later, move it back, remove it."""
    cart_id = services.cart_id_for(request=request, create=False)
    notice, error, status = "", "", 200
    try:
        notice = _change_item(request, cart_id=cart_id, item_id=item_id, action=request.POST.get("action", ""))
    except DomainError as exc:
        error, status = exc.message, exc.status
    if request.htmx:
        view = selectors.cart_view(cart_id=cart_id)
        return render(request, "cart/_cart_swap.html", _cart_context(view, notice=notice, error=error), status=status)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    return redirect("cart:page")


# --- Adding from the product page -------------------------------------------------------------------


def _confirm_page(request: HttpRequest, product_id: int, form: AddToCartForm, *, error: str = "", status: int = 200):
    """Without JavaScript the product page's form asks here (GET) first: this page carries the CSRF token
    the cookie-free product page cannot."""
    variants = selectors.variants_on_sale(product_id=product_id)
    product = variants[0].product
    chosen = form.data.get("sku") or next((v.sku for v in variants if v.available > 0), variants[0].sku)
    choices = [
        {
            "sku": v.sku,
            "label": selectors.option_label(v.options or {}) or v.sku,
            "price": v.price,
            "available": max(v.available, 0),
            "chosen": v.sku == chosen,
        }
        for v in variants
    ]
    context = {
        "product": product,
        "product_url": catalog_selectors.product_url(product),
        "choices": choices,
        "quantity": form.data.get("quantity") or 1,
        "error": error,
    }
    return render(request, "cart/add.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@throttled("cart_add", per="visitor")
def add(request: HttpRequest, product_id: int) -> HttpResponse:
    """Add to cart. htmx (the product page) gets a status fragment and the badge out of band; a plain
    POST redirects to the cart; a plain GET is the confirmation page."""
    if request.method == "GET":
        return _confirm_page(request, product_id, AddToCartForm(request.GET))
    form = AddToCartForm(request.POST)
    item, error, status = None, "", 200
    if not form.is_valid():
        error, status = first_error(form), 400
    else:
        try:
            item = services.add_to_cart(
                cart_id=services.cart_id_for(request=request, create=True),
                product_id=product_id,
                quantity=form.cleaned_data["quantity"],
                sku=form.cleaned_data["sku"] or None,
            )
        except DomainError as exc:
            error, status = exc.message, exc.status
    quantity = form.cleaned_data.get("quantity", 0) if item else 0
    if item is not None:
        activity.record(request=request, kind="cart_add", value=item.variant.product_id)
    name = ""
    if item is not None:
        label = selectors.option_label(item.variant.options or {})
        name = f"{item.variant.product.name} ({label})" if label else item.variant.product.name
    if request.htmx:
        context = {
            "error": error,
            "name": name,
            "quantity": quantity,
            "cart_item_count": selectors.item_count_for(request=request),
        }
        return render(request, "cart/_add_result.html", context, status=status)
    if error:
        return _confirm_page(request, product_id, form, error=error, status=status)
    messages.success(request, f"Added to your cart: {name}, quantity {quantity}.")
    return redirect("cart:page")


@never_cache
@ensure_csrf_cookie
@require_GET
def csrf_token(request: HttpRequest) -> HttpResponse:
    """204 with the CSRF cookie: the product page is cached for everyone, so it carries no token, and
    its script asks here once before the first add."""
    return HttpResponse(status=204)
