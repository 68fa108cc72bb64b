"""Errors raised by the cart services and selectors.

Asking for more than is available is inventory's ``OutOfStock`` (409 ``out_of_stock``), raised here too.
"""

from rest_framework import status

from shop.errors import DomainError, FieldConflict, NotFound


class CartItemNotFound(NotFound):
    """The line is not in this cart (someone else's, or already removed)."""

    default_message = "No such item in your cart."


class UnknownOptions(FieldConflict):
    """``otherDetails`` names no variant of the product (or several: a choice is missing)."""

    field = "otherDetails"
    default_message = "This product is not offered with these options."


class InvalidQuantity(FieldConflict):
    field = "quantity"
    default_message = "Quantity must be at least 1."


class EmptyCart(DomainError):
    code = "empty_cart"
    status = status.HTTP_400_BAD_REQUEST
    title = "Bad Request"
    default_message = "Your cart is empty."


class ItemsUnavailable(DomainError):
    """Lines whose product is no longer sold; ``lines`` names each one."""

    code = "items_unavailable"
    default_message = "Some items in your cart are no longer for sale."

    def __init__(self, message: str | None = None, *, lines: list[dict]) -> None:
        super().__init__(message, lines=lines)

    @property
    def lines(self) -> list[dict]:
        """``[{"item_id", "variant_id", "product_id", "name"}]``."""
        return self.extra["lines"]
