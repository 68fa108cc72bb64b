from django.urls import path

from accounts import api, views

app_name = "accounts"

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", views.SignOutView.as_view(), name="logout"),
    path("accounts/", views.account, name="account"),
    path("accounts/addresses/new/", views.address_new, name="address-new"),
    path("accounts/addresses/<int:address_id>/edit/", views.address_edit, name="address-edit"),
    path("accounts/addresses/<int:address_id>/delete/", views.address_delete, name="address-delete"),
]

api_urlpatterns = [
    path("auth/register", api.RegisterView.as_view(), name="register"),
    path("auth/token", api.TokenView.as_view(), name="token"),
    path("auth/token/refresh", api.TokenRefresh.as_view(), name="token-refresh"),
    path("me", api.MeView.as_view(), name="me"),
    path("me/addresses", api.AddressListView.as_view(), name="addresses"),
    path("me/addresses/<int:address_id>", api.AddressDetailView.as_view(), name="address"),
]
