"""Domain errors of the notifications app."""

from shop.api.errors import NotFound


class NotificationNotFound(NotFound):
    code = "not_found"
    default_message = "No such notification."
