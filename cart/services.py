"""Write use cases of the cart app: find or start a visitor's cart, add to it, change its lines, merge a
guest's cart at sign-in, and hand the lines to checkout.

Every use case that changes lines first locks its cart row (an UPDATE of ``updated_at``), so two
devices changing one cart at the same moment take turns and never lose an item or a quantity.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from cart.errors import CartItemNotFound, EmptyCart, InvalidQuantity, ItemsUnavailable, UnknownOptions
from cart.locks import lock_cart, lock_carts, lock_user_cart
from cart.models import Cart, CartItem
from cart.selectors import SESSION_CART_KEY, CheckoutLine, cart_id_in_session, ordered_options, variants_on_sale
from inventory import selectors as inventory_selectors
from inventory.errors import OutOfStock

# One line never holds more than this many units (a typo guard, far above any real order).
MAX_LINE_QUANTITY = 999


# --- Which cart -------------------------------------------------------------------------------------


def _user_cart_id(*, user, create: bool) -> int | None:
    cart_id = Cart.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()
    if cart_id is None and create:
        # Two devices may start the cart at once: INSERT ... ON CONFLICT DO NOTHING, then read the winner.
        Cart.objects.bulk_create([Cart(user_id=user.pk)], ignore_conflicts=True)
        cart_id = Cart.objects.filter(user_id=user.pk).values_list("pk", flat=True).get()
    return cart_id


def user_cart_id(*, user) -> int:
    """The user's one cart, started if they have none: for callers without a request (seed_demo)."""
    return _user_cart_id(user=user, create=True)


def cart_id_for(*, request: HttpRequest, create: bool) -> int | None:
    """The visitor's cart: the signed-in user's one cart (started race-free when ``create``), else the
    guest's from the session (a new one, remembered in the session, when ``create``); None when there is
    none and ``create`` is false. Never touches the session unless it creates a guest cart."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return _user_cart_id(user=user, create=create)
    cart_id = cart_id_in_session(request=request)
    if cart_id is not None and not Cart.objects.filter(pk=cart_id, user__isnull=True).exists():
        cart_id = None  # merged at a sign-in since, or purged
    if cart_id is None and create:
        cart_id = Cart.objects.create().pk
        request.session[SESSION_CART_KEY] = cart_id
    return cart_id


# --- Choosing the variant ---------------------------------------------------------------------------


def _matches(variant_options: Mapping, wanted: Mapping[str, str]) -> bool:
    have = {str(k).strip().lower(): str(v).strip().lower() for k, v in (variant_options or {}).items()}
    return all(have.get(key) == value for key, value in wanted.items())


def _describe(wanted: Mapping[str, str]) -> str:
    return ", ".join(f"{key} {value}" for key, value in wanted.items())


def _choose_variant(*, product_id: int, options: Mapping[str, str] | None, sku: str | None):
    """The listed product's variant that the options (or the SKU) pick, with its product.

    Raises ProductNotFound for a missing or unlisted product, UnknownOptions (400, ``otherDetails``)
    when the options name no variant or leave a choice open.
    """
    variants = variants_on_sale(product_id=product_id)
    if sku:
        chosen = [v for v in variants if v.sku == sku]
        if not chosen:
            raise UnknownOptions("This product has no such option.")
        return chosen[0]
    given = {
        str(key).strip().lower(): str(value).strip()
        for key, value in (options or {}).items()
        if value is not None and str(value).strip()
    }
    wanted = {key: value.lower() for key, value in given.items()}
    chosen = [v for v in variants if _matches(v.options, wanted)]
    if len(chosen) == 1:
        return chosen[0]
    if not chosen:
        raise UnknownOptions(f"This product is not offered with {_describe(given)}.")
    names = sorted({str(k) for v in chosen for k in (v.options or {}) if str(k).lower() not in wanted})
    raise UnknownOptions(
        f"This product comes in several options: choose {' and '.join(names) or 'one'} in otherDetails."
    )


# --- Changing the cart ------------------------------------------------------------------------------


def _out_of_stock(*, variant_id: int, requested: int, available: int) -> OutOfStock:
    if available <= 0:
        message = "Sorry, this item is sold out."
    else:
        message = f"Only {available} of this item can be bought now; you asked for {requested} in all."
    return OutOfStock(message, lines=[{"variant_id": variant_id, "requested": requested, "available": available}])


def add_to_cart(
    *,
    cart_id: int,
    product_id: int,
    quantity: int,
    options: Mapping[str, str] | None = None,
    sku: str | None = None,
) -> CartItem:
    """Add units of the variant that ``options`` (``otherDetails``) or ``sku`` picks to the cart, on the
    variant's existing line if there is one (a saved-for-later line moves back into the cart).

    Raises ProductNotFound (missing or unlisted product), UnknownOptions, InvalidQuantity, and
    OutOfStock when the line would then hold more than is available.
    """
    if quantity < 1 or quantity > MAX_LINE_QUANTITY:
        raise InvalidQuantity(f"Quantity must be between 1 and {MAX_LINE_QUANTITY}.")
    with transaction.atomic(durable=True):
        variant = _choose_variant(product_id=product_id, options=options, sku=sku)
        if not lock_cart(cart_id=cart_id):
            raise CartItemNotFound("Your cart is gone; please reload the page.")
        item = CartItem.objects.filter(cart_id=cart_id, variant_id=variant.pk).first()
        wanted = quantity + (item.quantity if item else 0)
        available = max(variant.available, 0)
        if wanted > available:
            raise _out_of_stock(variant_id=variant.pk, requested=wanted, available=available)
        if wanted > MAX_LINE_QUANTITY:
            raise InvalidQuantity(f"A line holds at most {MAX_LINE_QUANTITY} units.")
        if item is None:
            item = CartItem.objects.create(
                cart_id=cart_id, variant=variant, quantity=quantity, unit_price_at_add=variant.price
            )
        else:
            # The cart lock makes the read above current; the F() keeps the write exact regardless.
            CartItem.objects.filter(pk=item.pk).update(
                quantity=F("quantity") + quantity, saved_for_later=False, updated_at=timezone.now()
            )
            item.quantity, item.saved_for_later = wanted, False
        item.variant = variant  # with its product, for the caller's message
    return item


def _locked_item(*, cart_id: int | None, item_id: int) -> CartItem:
    """The cart's line, its cart row locked; CartItemNotFound for another cart's line or a missing one."""
    if cart_id is None or not lock_cart(cart_id=cart_id):
        raise CartItemNotFound()
    item = CartItem.objects.filter(pk=item_id, cart_id=cart_id).first()
    if item is None:
        raise CartItemNotFound()
    return item


def set_quantity(*, cart_id: int | None, item_id: int, quantity: int) -> None:
    """Change a line's quantity; 0 removes it. Raises CartItemNotFound, InvalidQuantity, and OutOfStock
    when raising a line in the cart above what is available (lowering is always allowed)."""
    if quantity < 0 or quantity > MAX_LINE_QUANTITY:
        raise InvalidQuantity(f"Quantity must be between 0 and {MAX_LINE_QUANTITY}.")
    with transaction.atomic(durable=True):
        item = _locked_item(cart_id=cart_id, item_id=item_id)
        if quantity == 0:
            item.delete()
            return
        if quantity > item.quantity and not item.saved_for_later:
            available = inventory_selectors.available_by_variant(variant_ids=[item.variant_id])[item.variant_id]
            if quantity > available:
                raise _out_of_stock(variant_id=item.variant_id, requested=quantity, available=available)
        CartItem.objects.filter(pk=item.pk).update(quantity=quantity, updated_at=timezone.now())


def set_saved_for_later(*, cart_id: int | None, item_id: int, saved: bool) -> None:
    """Move a line out of the cart (saved for later) or back into it. Raises CartItemNotFound."""
    with transaction.atomic(durable=True):
        item = _locked_item(cart_id=cart_id, item_id=item_id)
        if item.saved_for_later != saved:
            CartItem.objects.filter(pk=item.pk).update(saved_for_later=saved, updated_at=timezone.now())


def remove_item(*, cart_id: int | None, item_id: int) -> None:
    """Remove a line from the cart. Raises CartItemNotFound."""
    with transaction.atomic(durable=True):
        _locked_item(cart_id=cart_id, item_id=item_id).delete()


# --- Sign-in ----------------------------------------------------------------------------------------


def merge_guest_cart(*, user, guest_cart_id: int) -> int:
    """Move a guest's lines into the user's cart and delete the guest cart; returns the lines merged.

    Quantities of the same variant add up, capped at what is available (never below what the user's
    own line already had). A line with nothing available is kept, saved for later, rather than lost.
    """
    with transaction.atomic(durable=True):
        user_cart_id = _user_cart_id(user=user, create=True)
        if user_cart_id == guest_cart_id:
            return 0
        locked = lock_carts(cart_ids=[user_cart_id, guest_cart_id])
        if (guest_cart_id, None) not in locked:
            return 0  # already merged (two sign-ins at once), or not a guest's cart
        guest_items = list(CartItem.objects.filter(cart_id=guest_cart_id))
        variant_ids = [item.variant_id for item in guest_items]
        own = {
            item.variant_id: item for item in CartItem.objects.filter(cart_id=user_cart_id, variant_id__in=variant_ids)
        }
        available = inventory_selectors.available_by_variant(variant_ids=variant_ids)
        moved, changed = [], []
        for item in guest_items:
            mine = own.get(item.variant_id)
            if item.saved_for_later:
                if mine is None:
                    moved.append(item)
                continue
            have = 0 if mine is None or mine.saved_for_later else mine.quantity
            total = max(have, min(have + item.quantity, available[item.variant_id], MAX_LINE_QUANTITY))
            if mine is not None:
                if total > 0 and (total != mine.quantity or mine.saved_for_later):
                    mine.quantity, mine.saved_for_later = total, False
                    changed.append(mine)
            elif total > 0:
                item.quantity = total
                moved.append(item)
            else:
                item.saved_for_later = True  # nothing available now: keep it where the buyer will see it
                moved.append(item)
        now = timezone.now()
        for item in moved:
            item.cart_id, item.updated_at = user_cart_id, now
        CartItem.objects.bulk_update(moved, ["cart", "quantity", "saved_for_later", "updated_at"])
        for item in changed:
            item.updated_at = now
        CartItem.objects.bulk_update(changed, ["quantity", "saved_for_later", "updated_at"])
        Cart.objects.filter(pk=guest_cart_id).delete()
        Cart.objects.filter(pk=user_cart_id).update(updated_at=now)
    return len(guest_items)


def merge_session_cart(*, request: HttpRequest, user) -> int:
    """At sign-in: merge the guest cart the session names into the user's cart, then forget it."""
    session = getattr(request, "session", None)
    guest_cart_id = cart_id_in_session(request=request)
    if session is None or guest_cart_id is None:
        return 0
    merged = merge_guest_cart(user=user, guest_cart_id=guest_cart_id)
    session.pop(SESSION_CART_KEY, None)
    return merged


# --- Checkout (inside the orders app's own transaction) ----------------------------------------------


def checkout_lines(*, user) -> list[CheckoutLine]:
    """Lock the user's cart (FOR UPDATE) and return the lines in it at the variants' current prices.

    Must run inside the caller's transaction. Raises EmptyCart when nothing is in the cart, and
    ItemsUnavailable naming every line whose product is no longer sold.
    """
    cart_id = lock_user_cart(user_id=getattr(user, "pk", None))
    if cart_id is None:
        raise EmptyCart()
    items = list(
        CartItem.objects.filter(cart_id=cart_id, saved_for_later=False)
        .select_related("variant__product")
        .defer("variant__product__search_vector", "variant__product__description")
        .order_by("added_at", "id")
    )
    if not items:
        raise EmptyCart()
    unavailable = [item for item in items if not item.variant.product.is_listed]
    if unavailable:
        raise ItemsUnavailable(
            lines=[
                {
                    "item_id": item.pk,
                    "variant_id": item.variant_id,
                    "product_id": item.variant.product_id,
                    "name": item.variant.product.name,
                }
                for item in unavailable
            ]
        )
    return [
        CheckoutLine(
            item_id=item.pk,
            variant_id=item.variant_id,
            product_id=item.variant.product_id,
            seller_id=item.variant.product.seller_id,
            product_name=item.variant.product.name,
            sku=item.variant.sku,
            options=ordered_options(item.variant.options),
            unit_price=item.variant.price,
            quantity=item.quantity,
            category_id=item.variant.product.category_id,
        )
        for item in items
    ]


def remove_checked_out(*, user, item_ids: Iterable[int]) -> None:
    """Remove the lines an order was just placed for, inside the caller's transaction."""
    CartItem.objects.filter(cart__user_id=getattr(user, "pk", None), pk__in=list(item_ids)).delete()
