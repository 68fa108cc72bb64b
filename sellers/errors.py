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


class StoreNotFound(NotFound):
    default_message = "No such store."
