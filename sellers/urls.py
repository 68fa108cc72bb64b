from django.urls import path

from sellers import api, views

app_name = "sellers"

urlpatterns = [
    path("sell/", views.sell, name="sell"),
    path("seller/settings/", views.seller_settings, name="seller-settings"),
]

api_urlpatterns = [
    path("sellers", api.SellerCreateView.as_view(), name="seller-create"),
    path("seller/profile", api.SellerProfileView.as_view(), name="seller-profile"),
]
