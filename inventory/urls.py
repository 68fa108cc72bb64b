"""URLs of the inventory app: storefront pages (included at the site root) and API routes (under /api/v1/)."""

from django.urls import path

from inventory import api, views

app_name = "inventory"

urlpatterns = [
    path("seller/alerts/", views.seller_alerts, name="seller-alerts"),
]

api_urlpatterns = [
    path("seller/alerts", api.SellerAlertListView.as_view(), name="seller-alerts"),
]
