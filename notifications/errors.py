"""Domain errors of the notifications app."""

from shop.errors import NotFound


class NotificationNotFound(NotFound):
    code = "not_found"
    default_message = "No such notification."
