"""Storefront-wide request handling."""

from shop.errors import NotFound
from shop.views import page_not_found


class NotFoundPageMiddleware:
    """A selector's NotFound (someone else's or a missing object) is the 404 page on the storefront.

    The API turns the same error into problem details in its own exception handler.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            return page_not_found(request, exception)
        return None
