"""Storefront-wide request handling: domain errors as pages, and the simulated carrier's clock in development."""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.shortcuts import render

from logistics import services as logistics_services
from sellers.errors import NotASeller
from shop.errors import NotFound, PermissionDenied
from shop.views import page_not_found, permission_denied


class DomainErrorPageMiddleware:
    """On the storefront a selector's NotFound (someone else's or a missing object) is the 404 page,
    and a PermissionDenied the 403 page; a buyer opening a seller page (sellers.errors.NotASeller) is
    told they have no store yet and shown the way to open one, still with 403.

    The API turns the same errors into problem details in its own exception handler.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            return page_not_found(request, exception)
        if isinstance(exception, NotASeller) and not request.path.startswith("/api/"):
            return render(request, "errors/not_a_seller.html", status=403)
        if isinstance(exception, PermissionDenied):
            return permission_denied(request, exception)
        return None


class SimulatedCarrierMiddleware:
    """Development without a worker (SIMULATED_CARRIER_CATCH_UP): before a request is served, the simulated
    carrier takes the steps that fell due, so a shipped parcel moves on its timer instead of all at once.

    At most once every CATCH_UP_SECONDS across processes (a cache key); not installed otherwise.
    """

    CATCH_UP_SECONDS = 5
    KEY = "logistics:simulated-carrier-caught-up"

    def __init__(self, get_response):
        if not settings.SIMULATED_CARRIER_CATCH_UP:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        if cache.add(self.KEY, True, timeout=self.CATCH_UP_SECONDS):
            logistics_services.advance_due_simulated()
        return self.get_response(request)
