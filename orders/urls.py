"""URLs of the orders app: storefront pages (included at the site root) and API routes (under /api/v1/)."""

from django.urls import path

from orders import api, views

app_name = "orders"

# Storefront pages (checkout, payment, confirmation): a plain list the pages extend.
urlpatterns: list = [
    path("checkout/", views.checkout, name="checkout"),
    path("orders/<str:order_id>/", views.order_detail, name="detail"),
    path("orders/<str:order_id>/pay/", views.pay, name="pay"),
    path("orders/<str:order_id>/back-to-cart/", views.back_to_cart, name="back-to-cart"),
]

api_urlpatterns = [
    path("checkout", api.CheckoutView.as_view(), name="checkout"),
    path("orders/<str:order_id>", api.OrderDetailView.as_view(), name="order"),
    path("orders/<str:order_id>/pay", api.OrderPayView.as_view(), name="order-pay"),
]
