"""URLs of the inventory app: storefront pages (included at the site root) and API routes (under /api/v1/)."""

from django.urls import path

from inventory import api, views

app_name = "inventory"

urlpatterns = [
    path("seller/alerts/", views.seller_alerts, name="seller-alerts"),
    path("seller/stock/", views.seller_stock, name="seller-stock"),
    path("seller/stock/<int:variant_id>/", views.seller_stock_variant, name="seller-stock-variant"),
]

api_urlpatterns = [
    path("seller/alerts", api.SellerAlertListView.as_view(), name="seller-alerts"),
]
