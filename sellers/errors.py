"""Errors raised by the sellers services."""

from shop.errors import DomainError, FieldConflict


class AlreadySeller(DomainError):
    code = "already_seller"
    default_message = "You already sell on the store."


class StoreNameTaken(FieldConflict):
    field = "store_name"
    default_message = "Another seller already uses this store name."
