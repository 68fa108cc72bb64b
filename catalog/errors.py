"""Errors raised by the catalog services and selectors."""

from shop.api.errors import NotFound


class CategoryNotFound(NotFound):
    default_message = "No such category."


class ProductNotFound(NotFound):
    default_message = "No such product."
