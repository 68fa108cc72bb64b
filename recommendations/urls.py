"""URLs of the recommendations app: the home page, the product and cart panels; API routes (under /api/v1/)."""

from django.urls import path

from recommendations import api, views

app_name = "recommendations"

urlpatterns = [
    path("", views.home, name="home"),
    path("recommendations/products/<int:product_id>/panels", views.product_panels, name="product-panels"),
    path("recommendations/cart/complements", views.cart_complements, name="cart-complements"),
    path("accounts/history/clear/", views.clear_history, name="clear-history"),
]

api_urlpatterns = [
    path("recommendations", api.RecommendationsView.as_view(), name="recommendations"),
    path("recommendations/history/clear", api.ClearHistoryView.as_view(), name="history-clear"),
    path("products/<int:product_id>/also-bought", api.AlsoBoughtView.as_view(), name="also-bought"),
]
