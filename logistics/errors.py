"""Errors raised by the logistics services and selectors."""

from rest_framework import status

from shop.errors import DomainError, FieldConflict, NotFound


class ShipmentNotFound(NotFound):
    default_message = "No such shipment."


class AlreadyShipped(DomainError):
    """The item's parcel has left the seller: it can no longer be cancelled, only returned."""

    code = "item_shipped"
    default_message = "This item has already shipped; request a return once it is delivered."


class ShipmentNotPending(DomainError):
    """Only a shipment still waiting for the seller can be marked shipped."""

    code = "shipment_not_pending"
    default_message = "This shipment is not waiting to be shipped."


class CarrierNotAvailable(FieldConflict):
    """The simulated carrier runs only while DEBUG or with SIMULATED_CARRIER_ENABLED: in production it would
    mark parcels delivered without any carrier's evidence."""

    field = "carrier"
    default_message = "The simulated carrier is not available in this store; choose the carrier you use."


class IllegalShipmentTransition(DomainError):
    """A tracking update that would move the parcel backwards, or one for a parcel not shipped yet."""

    code = "illegal_transition"
    default_message = "The shipment cannot move to that status."


class InvalidCarrierWebhook(DomainError):
    """A carrier webhook whose signature is missing, wrong, stale or already used; or an unreadable body."""

    code = "invalid_webhook"
    status = status.HTTP_400_BAD_REQUEST
    title = "Bad Request"
    default_message = "The webhook's signature is invalid."
