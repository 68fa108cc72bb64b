"""Errors of marketplace money, with stable codes (shop.errors.DomainError)."""

from shop.errors import DomainError, NotFound


class UnbalancedTransaction(DomainError):
    code = "unbalanced_transaction"
    status = 500
    title = "Internal error"
    default_message = "A ledger transaction must balance."


class InvalidPeriod(DomainError):
    code = "invalid_period"
    status = 400
    title = "Invalid input"
    default_message = "A payout period is an ISO week such as 2026-W49."


class InvalidAdjustment(DomainError):
    code = "invalid_adjustment"
    status = 400
    title = "Invalid input"
    default_message = "An adjustment needs a non-zero amount and a reason."


class OrderNotBookedYet(DomainError):
    """An event about an order's lines came before the order's own booking (its delivery is being retried): the
    handler fails, and the outbox tries it again later, by which time the order is booked."""

    code = "order_not_booked_yet"
    status = 409
    default_message = "The order's payment is not in the ledger yet."


class PayoutNotFound(NotFound):
    default_message = "No such payout."
