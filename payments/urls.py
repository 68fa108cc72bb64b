"""URLs of the payments app: storefront pages (included at the site root) and API routes (under /api/v1/)."""

from django.urls import path

from payments import api

app_name = "payments"

urlpatterns: list = []

api_urlpatterns = [
    path("payments/webhooks/<slug:gateway>", api.WebhookView.as_view(), name="webhook"),
]
