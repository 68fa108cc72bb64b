"""Errors raised by the sellers services and selectors; other apps raise NotASeller through ``seller_of``."""

from shop.errors import DomainError, FieldConflict, NotFound, PermissionDenied


class AlreadySeller(DomainError):
    code = "already_seller"
    default_message = "You already sell on the store."


class StoreNameTaken(FieldConflict):
    field = "store_name"
    default_message = "Another seller already uses this store name."


class NotASeller(PermissionDenied):
    """A buyer (or an anonymous visitor) asked for something only a seller has: 403 in the API and on pages."""

    default_message = "Only sellers can do this. Open your store first."


class EmailNotVerified(PermissionDenied):
    """Only a user who confirmed their e-mail address may open a store."""

    code = "email_not_verified"
    default_message = "Confirm your e-mail address first: open the link we mailed you, or ask for a new one."


class StoreNotFound(NotFound):
    default_message = "No such store."


class InvalidPolicy(DomainError):
    """A store setting out of its range (handling time, return window, low-stock threshold): nothing changed."""

    code = "validation_error"
    status = 400
    title = "Invalid input"
    default_message = "Some store settings are out of range."

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(self.default_message, errors=errors)
