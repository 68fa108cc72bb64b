"""Row locks of the cart app, in one place. The cart row is the first lock of every purchase path
(cart → order → stock → payment); carts locked together are locked by primary key. Callers hold the
transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from cart.models import Cart


def lock_cart(*, cart_id: int) -> bool:
    """Lock one cart row for the rest of the transaction, marking it changed (an UPDATE of
    ``updated_at``); False when the cart is gone."""
    return Cart.objects.filter(pk=cart_id).update(updated_at=timezone.now()) == 1


def lock_carts(*, cart_ids: Iterable[int]) -> list[tuple[int, int | None]]:
    """Lock the cart rows (FOR UPDATE, by primary key); returns (cart id, user id) of those that exist."""
    carts = Cart.objects.select_for_update().filter(pk__in=sorted(set(cart_ids))).order_by("pk")
    return list(carts.values_list("pk", "user_id"))


def lock_user_cart(*, user_id: int | None) -> int | None:
    """Lock the user's cart row (FOR UPDATE) and return its id; None when the user has no cart."""
    if user_id is None:
        return None
    return Cart.objects.select_for_update().filter(user_id=user_id).values_list("pk", flat=True).first()
