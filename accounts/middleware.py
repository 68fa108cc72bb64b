"""Staff who enrolled a TOTP device open the Django admin only after giving a code this session."""

from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts import selectors


class AdminOtpMiddleware:
    """After django_otp's OTPMiddleware: an unverified session of an enrolled user is sent to the code step.

    The admin's own sign-in page asks for the password only; the code step at ``accounts:login-otp``
    then verifies the session (``request.user.is_verified()``) and returns to the admin.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request: HttpRequest):
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        user = request.user
        if (
            request.path.startswith(self.admin_prefix)
            and user.is_authenticated
            and user.is_staff
            and not user.is_verified()
            and selectors.has_two_factor(user=user)
        ):
            return redirect(f"{reverse('accounts:login-otp')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
