"""Storefront-wide request handling."""

from shop.errors import NotFound, PermissionDenied
from shop.views import page_not_found, permission_denied


class DomainErrorPageMiddleware:
    """On the storefront a selector's NotFound (someone else's or a missing object) is the 404 page,
    and a PermissionDenied (e.g. sellers.errors.NotASeller) the 403 page.

    The API turns the same errors into problem details in its own exception handler.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            return page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return permission_denied(request, exception)
        return None
