"""URLs of the notifications app: storefront pages (included at the site root) and API routes (under /api/v1/)."""

from django.urls import path  # noqa: F401

app_name = "notifications"

urlpatterns: list = []

api_urlpatterns: list = []
