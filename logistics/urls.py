"""URLs of the logistics app: storefront pages (included at the site root) and API routes (under /api/v1/)."""

from django.urls import path

from logistics import api, views

app_name = "logistics"

# Storefront pages: the seller's shipments, "Mark shipped" and packing slips (/seller/orders/ is where the
# orders app first put the list).
urlpatterns: list = [
    path("seller/orders/", views.seller_shipments, name="seller-shipments"),
    path("seller/shipments/<str:shipment_id>/ship/", views.ship, name="seller-ship"),
    path("seller/shipments/<str:shipment_id>/packing-slip/", views.packing_slip, name="seller-packing-slip"),
]

api_urlpatterns = [
    path("seller/shipments", api.SellerShipmentListView.as_view(), name="seller-shipments"),
    path("seller/shipments/ship", api.ShipManyView.as_view(), name="ship-many"),
    path("seller/shipments/<str:shipment_id>/ship", api.ShipView.as_view(), name="ship"),
    path("logistics/webhooks/<slug:carrier>", api.CarrierWebhookView.as_view(), name="webhook"),
]
