"""Storefront pages: sign up, sign in (with a code for two-factor accounts), sign out, the account page with
the address book, and recovering and securing an account: password reset, e-mail verification and change,
password change, signing out everywhere, two-factor set-up."""

import time

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from accounts import links, selectors, services
from accounts.errors import TwoFactorNotAllowed
from accounts.forms import AddressForm, ChangeEmailForm, CodeForm, EmailForm, SignInForm, SignUpForm
from sellers import selectors as seller_selectors
from shop.errors import DomainError
from shop.throttles import throttled

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
# The session key of a sign-in whose password was right and whose code is still to come.
PENDING_SIGN_IN = "accounts_pending_sign_in"
PENDING_SIGN_IN_SECONDS = 300


def _next_url(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return default


@throttled("signup")
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:account")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.register_user(**form.cleaned_data)
        login(request, user, backend=MODEL_BACKEND)
        services.send_verification(user=user, site_url=links.site_root(request))
        messages.success(
            request,
            f"Welcome, {user.get_short_name()}! Your account is ready. "
            f"We sent a link to {user.email}: open it to confirm your address.",
        )
        return redirect(_next_url(request, "/accounts/"))
    return render(request, "accounts/signup.html", {"form": form, "next": _next_url(request, "")})


@method_decorator(throttled("login"), name="post")
class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        """Accounts with two-factor sign-in are signed in by the code step, not here."""
        user = form.get_user()
        if not selectors.has_two_factor(user=user):
            return super().form_valid(form)
        self.request.session[PENDING_SIGN_IN] = {"user": user.pk, "next": self.get_success_url(), "at": time.time()}
        return redirect("accounts:login-otp")


@never_cache
@throttled("login")
@require_http_methods(["GET", "POST"])
def login_otp(request: HttpRequest) -> HttpResponse:
    """The code step of a two-factor sign-in: after the password on the sign-in page, or for a staff
    session opened on the admin's own sign-in page (accounts/middleware.py sends it here)."""
    pending = request.session.get(PENDING_SIGN_IN) or {}
    if request.user.is_authenticated:
        user, next_url = request.user, _next_url(request, "/accounts/")
        if request.user.is_verified() or not selectors.has_two_factor(user=user):
            return redirect(next_url)
    elif pending and time.time() - pending["at"] < PENDING_SIGN_IN_SECONDS:
        user, next_url = selectors.active_user(user_id=pending["user"]), pending["next"]
    else:
        user = None
    if user is None:
        messages.info(request, "Please sign in again.")
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            device = services.check_two_factor(user=user, code=form.cleaned_data["code"])
        except DomainError as exc:
            form.add_error("code", exc.message)
            status = exc.status
        else:
            if not request.user.is_authenticated:
                login(request, user, backend=MODEL_BACKEND)
            if device is not None:  # None: two-factor sign-in was switched off meanwhile
                otp_login(request, device)
            request.session.pop(PENDING_SIGN_IN, None)
            return redirect(next_url)
    return render(request, "accounts/login_otp.html", {"form": form, "next": next_url}, status=status)


class SignOutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You are signed out.")
        return response


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/account.html",
        {
            "addresses": selectors.addresses_for(user=request.user),
            "seller": seller_selectors.seller_for_user(user=request.user),
            "two_factor_offered": selectors.can_use_two_factor(user=request.user),
            "two_factor_on": selectors.has_two_factor(user=request.user),
        },
    )


@login_required
def address_new(request: HttpRequest) -> HttpResponse:
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_address(user=request.user, **form.cleaned_data)
        messages.success(request, "Address added.")
        return redirect("accounts:account")
    return render(request, "accounts/address_form.html", {"form": form, "heading": "Add an address"})


@login_required
def address_edit(request: HttpRequest, address_id: int) -> HttpResponse:
    address = selectors.address_for_owner(user=request.user, address_id=address_id)
    form = AddressForm(request.POST or None, instance=address)
    if request.method == "POST" and form.is_valid():
        services.update_address(user=request.user, address_id=address.pk, **form.cleaned_data)
        messages.success(request, "Address saved.")
        return redirect("accounts:account")
    return render(request, "accounts/address_form.html", {"form": form, "heading": "Edit address"})


@login_required
@require_POST
def address_delete(request: HttpRequest, address_id: int) -> HttpResponse:
    services.delete_address(user=request.user, address_id=address_id)
    messages.success(request, "Address removed.")
    return redirect("accounts:account")


# --- Forgotten passwords --------------------------------------------------------------------------


@never_cache
@throttled("account_email")
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """ "Forgot your password?": the same answer whether an account has the address or not."""
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.request_password_reset(email=form.cleaned_data["email"], site_url=links.site_root(request))
        return redirect("accounts:password-reset-sent")
    return render(request, "accounts/password_reset.html", {"form": form})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The mailed link: choose a new password (Django checks the token), then sign in with it."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        services.set_password(user=form.user, password=form.cleaned_data["new_password1"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


# --- E-mail address -------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET"])
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link mailed at sign-up (or on request) confirms the address."""
    try:
        services.verify_email(token=token)
    except DomainError as exc:
        return render(request, "accounts/link_invalid.html", {"message": exc.message}, status=exc.status)
    messages.success(request, "Thank you: your e-mail address is confirmed.")
    return redirect("accounts:account" if request.user.is_authenticated else "accounts:login")


@login_required
@throttled("account_email", per="visitor")
@require_POST
def verify_email_resend(request: HttpRequest) -> HttpResponse:
    if request.user.email_verified:
        messages.info(request, "Your e-mail address is already confirmed.")
    else:
        services.send_verification(user=request.user, site_url=links.site_root(request))
        messages.success(request, f"We sent a new link to {request.user.email}.")
    return redirect(_next_url(request, "/accounts/"))


@never_cache
@login_required
@throttled("account_email", per="visitor")
@require_http_methods(["GET", "POST"])
def change_email(request: HttpRequest) -> HttpResponse:
    """A new sign-in address takes effect when the link mailed to it is opened."""
    form = ChangeEmailForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        new_email = form.cleaned_data["email"]
        try:
            services.request_email_change(user=request.user, new_email=new_email, site_url=links.site_root(request))
        except DomainError as exc:
            form.add_error("email", exc.message)
            status = exc.status
        else:
            messages.success(request, f"We sent a link to {new_email}. Open it to start using that address.")
            return redirect("accounts:account")
    return render(request, "accounts/change_email.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET"])
def change_email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = services.confirm_email_change(token=token)
    except DomainError as exc:
        return render(request, "accounts/link_invalid.html", {"message": exc.message}, status=exc.status)
    messages.success(request, f"Your account now uses {user.email}.")
    return redirect("accounts:account" if request.user.is_authenticated else "accounts:login")


# --- Password and sessions ------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def change_password(request: HttpRequest) -> HttpResponse:
    """A new password (the current one required): every other session and app sign-in ends."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.set_password(user=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, "Your password is changed. Other devices are signed out.")
        return redirect("accounts:account")
    return render(request, "accounts/change_password.html", {"form": form})


@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of the user, this one included, and every app sign-in."""
    services.sign_out_everywhere(user=request.user)
    logout(request)
    messages.info(request, "You are signed out on every device.")
    return redirect("accounts:login")


# --- Two-factor sign-in ---------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up (secret, then a code), or switch off (a code), sign-in codes from an authenticator app."""
    user = request.user
    enabled = selectors.has_two_factor(user=user)
    if not enabled and not selectors.can_use_two_factor(user=user):
        raise TwoFactorNotAllowed()
    action = request.POST.get("action")
    if action == "start" and not enabled:
        services.start_two_factor(user=user)
        return redirect("accounts:two-factor")
    form = CodeForm(request.POST if action in ("confirm", "disable") else None)
    status = 200
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["code"]
        try:
            if action == "confirm":
                otp_login(request, services.confirm_two_factor(user=user, code=code))
                messages.success(request, "Two-factor sign-in is on: signing in now asks for a code.")
            else:
                services.disable_two_factor(user=user, code=code)
                messages.success(request, "Two-factor sign-in is off.")
        except DomainError as exc:
            form.add_error("code", exc.message)
            status = exc.status
        else:
            return redirect("accounts:account")
    device = None if enabled else selectors.pending_two_factor_device(user=user)
    context = {
        "form": form,
        "enabled": enabled,
        "device": device,
        "secret": selectors.totp_secret(device) if device else "",
    }
    return render(request, "accounts/two_factor.html", context, status=status)
