"""Errors raised by the orders services and selectors."""

from rest_framework import status

from shop.api.errors import DomainError, FieldConflict, NotFound


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


class PaymentDeclined(DomainError):
    code = "payment_declined"
    status = status.HTTP_402_PAYMENT_REQUIRED
    title = "Payment Required"
    default_message = "The payment was declined. Try another card; the order stays reserved until it expires."

    def __init__(self, message: str | None = None, *, order_id: str, payment_id: str, decline_code: str) -> None:
        super().__init__(message, order_id=order_id, payment_id=payment_id, decline_code=decline_code)
