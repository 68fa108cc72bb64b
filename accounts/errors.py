"""Errors raised by the accounts services."""

from shop.errors import FieldConflict, NotFound


class EmailAlreadyRegistered(FieldConflict):
    field = "email"
    default_message = "An account with this e-mail address already exists."


class AddressNotFound(NotFound):
    default_message = "No such address in your address book."
