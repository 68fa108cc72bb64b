"""URLs of the cart app: storefront pages (included at the site root) and API routes (under /api/v1/)."""

from django.urls import path

from cart import api, views

app_name = "cart"

urlpatterns = [
    path("cart/", views.cart_page, name="page"),
    path("cart/add/<int:product_id>/", views.add, name="add"),
    path("cart/items/<int:item_id>/", views.item, name="item"),
    path("cart/token", views.csrf_token, name="token"),
]

api_urlpatterns = [
    path("cart", api.CartView.as_view(), name="cart"),
    path("cart/<int:product_id>", api.CartAddView.as_view(), name="add"),
    path("cart/items/<int:item_id>", api.CartItemView.as_view(), name="item"),
]
