from django.urls import path
from django.views.generic import TemplateView

from accounts import api, views

app_name = "accounts"

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/login/code/", views.login_otp, name="login-otp"),
    path("accounts/logout/", views.SignOutView.as_view(), name="logout"),
    path("accounts/sign-out-everywhere/", views.sign_out_everywhere, name="sign-out-everywhere"),
    path("accounts/password/reset/", views.password_reset, name="password-reset"),
    path(
        "accounts/password/reset/sent/",
        TemplateView.as_view(template_name="accounts/password_reset_sent.html"),
        name="password-reset-sent",
    ),
    path(
        "accounts/password/reset/done/",
        TemplateView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password-reset-complete",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("accounts/password/change/", views.change_password, name="change-password"),
    path("accounts/email/verify/resend/", views.verify_email_resend, name="verify-email-resend"),
    path("accounts/email/verify/<str:token>/", views.verify_email, name="verify-email"),
    path("accounts/email/change/", views.change_email, name="change-email"),
    path("accounts/email/change/<str:token>/", views.change_email_confirm, name="change-email-confirm"),
    path("accounts/two-factor/", views.two_factor, name="two-factor"),
    path("accounts/", views.account, name="account"),
    path("accounts/addresses/new/", views.address_new, name="address-new"),
    path("accounts/addresses/<int:address_id>/edit/", views.address_edit, name="address-edit"),
    path("accounts/addresses/<int:address_id>/delete/", views.address_delete, name="address-delete"),
]

api_urlpatterns = [
    path("auth/register", api.RegisterView.as_view(), name="register"),
    path("auth/token", api.TokenView.as_view(), name="token"),
    path("auth/token/refresh", api.TokenRefresh.as_view(), name="token-refresh"),
    path("auth/logout", api.LogoutView.as_view(), name="logout"),
    path("auth/logout/all", api.LogoutAllView.as_view(), name="logout-all"),
    path("auth/password/reset", api.PasswordResetView.as_view(), name="password-reset"),
    path("auth/password/reset/confirm", api.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path("me", api.MeView.as_view(), name="me"),
    path("me/addresses", api.AddressListView.as_view(), name="addresses"),
    path("me/addresses/<int:address_id>", api.AddressDetailView.as_view(), name="address"),
]
