"""Errors raised by the payments services, selectors and gateways."""

from rest_framework import status

from shop.errors import DomainError, FieldConflict, NotFound


class PaymentNotFound(NotFound):
    default_message = "No such payment."


class UnknownGateway(NotFound):
    default_message = "No such payment gateway."


class InvalidAmount(FieldConflict):
    field = "amount"
    default_message = "The amount must be more than zero."


class AttemptKeyReused(DomainError):
    """The caller used one attempt key for two different charges."""

    code = "attempt_key_reused"
    default_message = "This attempt key was already used for a different charge."


class PaymentNotCaptured(DomainError):
    code = "payment_not_captured"
    default_message = "Only a captured payment can be refunded."


class RefundExceedsCaptured(DomainError):
    code = "refund_exceeds_captured"
    default_message = "Refunds cannot exceed the amount captured."

    def __init__(self, message: str | None = None, *, refundable: str, requested: str) -> None:
        super().__init__(message, refundable=refundable, requested=requested)


class InvalidWebhook(DomainError):
    """A webhook whose signature is missing, wrong, stale or already used; or whose body is unreadable."""

    code = "invalid_webhook"
    status = status.HTTP_400_BAD_REQUEST
    title = "Bad Request"
    default_message = "The webhook's signature is invalid."


class GatewayUnavailable(DomainError):
    """The gateway could not be reached or did not answer; whether it acted is unknown."""

    code = "payment_gateway_unavailable"
    status = status.HTTP_503_SERVICE_UNAVAILABLE
    title = "Service Unavailable"
    default_message = "The payment provider did not answer. Please try again in a moment."


class IllegalPaymentTransition(DomainError):
    """A payment or refund asked to move where its lifecycle does not go (it settles once)."""

    code = "illegal_transition"
    default_message = "That change is not possible in the current state."

    def __init__(self, message: str | None = None, *, kind: str, from_status: str, to_status: str) -> None:
        message = message or f"A {kind} that is {from_status} cannot become {to_status}."
        super().__init__(message, from_status=str(from_status), to_status=str(to_status))
