"""Root URLs: storefront pages, the versioned API, its schema and docs, and operations."""

from urllib.parse import urlsplit

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.cache import patch_cache_control
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from accounts import urls as accounts_urls
from cart import urls as cart_urls
from catalog import urls as catalog_urls
from inventory import urls as inventory_urls
from ledger import urls as ledger_urls
from logistics import urls as logistics_urls
from notifications import urls as notifications_urls
from orders import urls as orders_urls
from payments import urls as payments_urls
from recommendations import urls as recommendations_urls
from sellers import urls as sellers_urls
from shop import views

api_v1 = [
    path("", include((accounts_urls.api_urlpatterns, "accounts"))),
    path("", include((sellers_urls.api_urlpatterns, "sellers"))),
    path("", include((catalog_urls.api_urlpatterns, "catalog"))),
    path("", include((inventory_urls.api_urlpatterns, "inventory"))),
    path("", include((cart_urls.api_urlpatterns, "cart"))),
    path("", include((orders_urls.api_urlpatterns, "orders"))),
    path("", include((payments_urls.api_urlpatterns, "payments"))),
    path("", include((ledger_urls.api_urlpatterns, "ledger"))),
    path("", include((logistics_urls.api_urlpatterns, "logistics"))),
    path("", include((notifications_urls.api_urlpatterns, "notifications"))),
    path("", include((recommendations_urls.api_urlpatterns, "recommendations"))),
]

# The documentation pages answer GET only: OPTIONS would otherwise render their page template without a page.
DOC_METHODS = ["get"]
# The API docs under the Content Security Policy: their start-up scripts are files too (templates/api_docs/).
# Swagger UI keeps the site's policy; Redoc styles its page with styled-components' <style> elements and
# runs its search in a blob: worker, so its page allows inline styles and blob: workers (never scripts).
api_docs = SpectacularSwaggerSplitView.as_view(
    url_name="schema", template_name="api_docs/swagger_ui.html", http_method_names=DOC_METHODS
)
api_redoc = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]})(
    SpectacularRedocView.as_view(url_name="schema", template_name="api_docs/redoc.html", http_method_names=DOC_METHODS)
)

urlpatterns = [
    path("", include(recommendations_urls)),  # the home page
    path("", include(catalog_urls)),
    path("", include(accounts_urls)),
    path("", include(sellers_urls)),
    path("", include(inventory_urls)),
    path("", include(cart_urls)),
    path("", include(orders_urls)),
    path("", include(payments_urls)),
    path("", include(ledger_urls)),
    path("", include(logistics_urls)),
    path("", include(notifications_urls)),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("api/redoc/", api_redoc, name="api-redoc"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
    path("admin/", admin.site.urls),
]


def serve_media(request, path):
    """An uploaded file from MEDIA_ROOT, cached as immutable like the bucket's copies (names are never reused)."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    if response.status_code in (200, 304):
        patch_cache_control(response, public=True, max_age=settings.MEDIA_CACHE_SECONDS, immutable=True)
    return response


if settings.SERVE_MEDIA:
    # At MEDIA_URL's path, also when MEDIA_URL is a CDN's address (the CDN fetches from here).
    media_prefix = urlsplit(settings.MEDIA_URL).path.lstrip("/")
    urlpatterns += [re_path(rf"^{media_prefix}(?P<path>.*)$", serve_media)]

handler400 = "shop.views.bad_request"
handler403 = "shop.views.permission_denied"
handler404 = "shop.views.page_not_found"
handler500 = "shop.views.server_error"
