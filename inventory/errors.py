"""Errors raised by the inventory services."""

from shop.api.errors import DomainError, FieldConflict


class InvalidQuantity(FieldConflict):
    field = "quantity"
    default_message = "Quantity must be zero or more."


class StockBelowHeld(DomainError):
    """Stock on hand cannot drop below what checkouts already hold."""

    code = "stock_below_held"
    default_message = "Stock on hand cannot be set below the units held for pending orders."

    def __init__(self, message: str | None = None, *, variant_id: int, held: int) -> None:
        super().__init__(message, variant_id=variant_id, held=held)
