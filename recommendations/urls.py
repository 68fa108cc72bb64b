"""URLs of the recommendations app: no storefront pages; API routes (under /api/v1/)."""

from django.urls import path

from recommendations import api

app_name = "recommendations"

urlpatterns: list = []

api_urlpatterns = [
    path("products/<int:product_id>/also-bought", api.AlsoBoughtView.as_view(), name="also-bought"),
]
