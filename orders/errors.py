"""Errors raised by the orders services and selectors."""

from decimal import Decimal

from rest_framework import status

from shop.errors import DomainError, FieldConflict, NotFound
from shop.money import to_str


class OrderNotFound(NotFound):
    default_message = "No such order."


class UnknownShippingMethod(FieldConflict):
    field = "shipping_method"
    default_message = "Choose one of the shipping methods offered."


class UnknownAddress(FieldConflict):
    field = "address_id"
    default_message = "No such address in your address book."


class InvalidShippingAddress(DomainError):
    """The address given at checkout lacks what a parcel needs."""

    code = "validation_error"
    status = status.HTTP_400_BAD_REQUEST
    title = "Invalid input"
    default_message = "The shipping address is incomplete."

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(self.default_message, errors=errors)


class OrderExpired(DomainError):
    code = "order_expired"
    default_message = "This order was not paid in time and has expired; its items went back on sale."

    def __init__(self, message: str | None = None, *, order_id: str) -> None:
        super().__init__(message, order_id=order_id)


class OrderNotPayable(DomainError):
    code = "order_not_payable"
    default_message = "This order can no longer be paid."

    def __init__(self, message: str | None = None, *, order_id: str, order_status: str) -> None:
        super().__init__(message, order_id=order_id, order_status=order_status)


class PaymentInProgress(DomainError):
    """The order's payment is under way (begun, or waiting for the gateway): its total must not change."""

    code = "payment_in_progress"
    default_message = (
        "This order is being paid right now. Wait until the payment completes, then cancel the item "
        "(it will be refunded)."
    )

    def __init__(self, message: str | None = None, *, order_id: str) -> None:
        super().__init__(message, order_id=order_id)


class OrderTotalChanged(DomainError):
    """A payment captured another amount than the order's total: it is refunded, the order stays payable."""

    code = "order_total_changed"
    default_message = "The order's total changed while it was being paid; that payment is refunded. Please pay again."

    def __init__(self, message: str | None = None, *, order_id: str) -> None:
        super().__init__(message, order_id=order_id)


class PaymentDeclined(DomainError):
    code = "payment_declined"
    status = status.HTTP_402_PAYMENT_REQUIRED
    title = "Payment Required"
    default_message = "The payment was declined. Try another card; the order stays reserved until it expires."

    def __init__(self, message: str | None = None, *, order_id: str, payment_id: str, decline_code: str) -> None:
        super().__init__(message, order_id=order_id, payment_id=payment_id, decline_code=decline_code)


class IllegalTransition(DomainError):
    code = "illegal_transition"
    default_message = "That change is not possible in the current state."

    def __init__(self, message: str | None = None, *, kind: str, from_status: str, to_status: str) -> None:
        message = message or f"A {kind} that is {from_status} cannot become {to_status}."
        super().__init__(message, from_status=str(from_status), to_status=str(to_status))


class ItemNotInOrder(NotFound):
    default_message = "This order has no such product."


class ItemShipped(DomainError):
    code = "item_shipped"
    default_message = "This item has already shipped and can no longer be cancelled; request a return once it arrives."

    def __init__(self, message: str | None = None, *, order_id: str, product_id: int) -> None:
        super().__init__(message, order_id=order_id, product_id=product_id, returns="/api/v1/returns")


class ItemNotCancellable(DomainError):
    code = "illegal_transition"
    default_message = "This order is closed (expired or cancelled): it has no items left to cancel."

    def __init__(self, message: str | None = None, *, order_id: str, order_status: str) -> None:
        super().__init__(message, order_id=order_id, order_status=order_status)


class ItemNotDelivered(DomainError):
    code = "item_not_delivered"
    default_message = "Only delivered items can be returned."


class ReturnWindowClosed(DomainError):
    code = "return_window_closed"
    default_message = "The return window for this item has closed."

    def __init__(self, message: str | None = None, *, closed_at: str) -> None:
        super().__init__(message, closed_at=closed_at)


class ReturnQuantityExceeded(DomainError):
    code = "return_quantity_exceeded"
    default_message = "That is more units than were delivered and not yet returned."

    def __init__(self, message: str | None = None, *, returnable: int, requested: int) -> None:
        super().__init__(message, returnable=returnable, requested=requested)


class ReturnNotFound(NotFound):
    default_message = "No such return request."


# --- Fair holds (orders/services/fairness.py) ------------------------------------------------------


class TooManyOpenOrders(DomainError):
    """The buyer already has HOLD_MAX_OPEN_ORDERS orders awaiting payment."""

    code = "too_many_open_orders"
    default_message = "You have too many orders waiting for payment; pay or cancel one first."

    def __init__(self, *, limit: int, open_orders: list[dict]) -> None:
        message = f"You have {len(open_orders)} orders waiting for payment; pay or cancel one first."
        super().__init__(message, limit=limit, open_orders=open_orders)


class HoldLimitExceeded(DomainError):
    """Lines asking for more units of a variant than one buyer may hold unpaid (``lines`` name them)."""

    code = "hold_limit_exceeded"
    default_message = "You cannot hold that many units at once."

    def __init__(self, *, lines: list[dict]) -> None:
        message = "; ".join(
            f"You may hold at most {line['limit']} of {line['name']} at once (you hold {line['held']} "
            f"in unpaid orders): take at most {line['max_now']} now"
            for line in lines
        )
        super().__init__(message + ".", lines=lines)


class CheckoutTooSoon(DomainError):
    """A checkout refused for now: ``retry_after`` seconds (also sent as the Retry-After header)."""

    status = status.HTTP_429_TOO_MANY_REQUESTS
    title = "Too Many Requests"

    def __init__(self, message: str, *, retry_after: int, **extra) -> None:
        self.retry_after = retry_after
        super().__init__(message, retry_after=retry_after, **extra)


class CheckoutRateLimited(CheckoutTooSoon):
    code = "checkout_rate_limited"
    default_message = "Too many checkouts in the last minute."

    def __init__(self, *, limit: int, retry_after: int) -> None:
        message = f"You checked out {limit} times in the last minute; try again in {_wait_text(retry_after)}."
        super().__init__(message, retry_after=retry_after, limit=limit)


class CheckoutBackoff(CheckoutTooSoon):
    code = "checkout_backoff"
    default_message = "Checkout is paused for you after orders left unpaid."

    def __init__(self, *, abandoned: int, retry_after: int) -> None:
        message = (
            f"You left {abandoned} orders unpaid until they expired in the last 24 hours, which held stock "
            f"others wanted; you can check out again in {_wait_text(retry_after)}."
        )
        super().__init__(message, retry_after=retry_after, abandoned_orders=abandoned)


def _wait_text(seconds: int) -> str:
    """ "45 s", "2 min 05 s"."""
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


# --- Staff changes to an order (orders.services.staff) -------------------------------------------------


class ReasonRequired(DomainError):
    code = "reason_required"
    status = 400
    title = "Invalid input"
    default_message = "Say why: staff changes to an order need a reason."


class InvalidRefundAmount(DomainError):
    code = "invalid_refund_amount"
    status = 400
    title = "Invalid input"
    default_message = "A refund is a positive amount."


class RefundExceedsRemaining(DomainError):
    code = "refund_exceeds_remaining"
    status = 409
    default_message = "That is more than the order has left to refund."

    def __init__(self, message: str | None = None, *, remaining: Decimal, requested: Decimal) -> None:
        message = message or f"At most {to_str(remaining)} can still be refunded; {to_str(requested)} was asked."
        super().__init__(message, remaining=to_str(remaining), requested=to_str(requested))


class OrderNotRefundable(DomainError):
    code = "order_not_refundable"
    status = 409
    default_message = "This order was never paid: there is nothing to refund."


class RefundNotFound(NotFound):
    default_message = "No such refund."


class RefundNotRetryable(DomainError):
    code = "refund_not_retryable"
    status = 409
    default_message = "Only a refund the gateway refused, and not retried yet, can be retried."
