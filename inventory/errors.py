"""Errors raised by the inventory services."""

from shop.errors import DomainError, FieldConflict, NotFound


class InvalidQuantity(FieldConflict):
    field = "quantity"
    default_message = "Quantity must be zero or more."


class StockNotFound(NotFound):
    """No such variant among the seller's stock (another seller's variant looks the same: missing)."""

    default_message = "No such variant in your stock."


class StockBelowHeld(DomainError):
    """Stock on hand cannot drop below what checkouts already hold."""

    code = "stock_below_held"
    default_message = "Stock on hand cannot be set below the units held for pending orders."

    def __init__(self, message: str | None = None, *, variant_id: int, held: int) -> None:
        super().__init__(message, variant_id=variant_id, held=held)


class OutOfStock(DomainError):
    """Some lines ask for more than is available; ``lines`` names every one of them."""

    code = "out_of_stock"
    default_message = "Not enough stock for some items."

    def __init__(self, message: str | None = None, *, lines: list[dict]) -> None:
        if message is None:
            message = "Not enough stock for 1 item." if len(lines) == 1 else f"Not enough stock for {len(lines)} items."
        super().__init__(message, lines=lines)

    @property
    def lines(self) -> list[dict]:
        """``[{"variant_id", "requested", "available"}]``, by variant id."""
        return self.extra["lines"]


class HoldsLapsed(OutOfStock):
    """The units are there, but lapsed holds (past their expires_at, not yet released) still cover them.

    ``references`` names the orders to expire first (their own expiry releases the holds), after which
    the same hold succeeds. Shown to a client it is an ``out_of_stock`` like any other, naming the lines
    with what is free right now; the references (other buyers' orders) never leave the process.
    """

    def __init__(self, message: str | None = None, *, lines: list[dict], references: list[str]) -> None:
        super().__init__(message, lines=lines)
        self.references = references


class HoldExists(DomainError):
    """A reference (order) already holds stock of this variant: holds are taken once per order."""

    code = "hold_exists"
    default_message = "Stock for this order is already held."

    def __init__(self, message: str | None = None, *, reference: str, variant_ids: list[int]) -> None:
        super().__init__(message, reference=reference, variant_ids=variant_ids)
