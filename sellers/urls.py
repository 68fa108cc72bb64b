from django.urls import path

from sellers import api, views

app_name = "sellers"

urlpatterns = [
    path("sell/", views.sell, name="sell"),
]

api_urlpatterns = [
    path("sellers", api.SellerCreateView.as_view(), name="seller-create"),
]
