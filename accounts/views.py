"""Storefront pages: sign up, sign in, sign out and the account page with the address book."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.forms import AddressForm, SignInForm, SignUpForm
from sellers import selectors as seller_selectors


def _next_url(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return default


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:account")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.register_user(**form.cleaned_data)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.get_short_name()}! Your account is ready.")
        return redirect(_next_url(request, "/accounts/"))
    return render(request, "accounts/signup.html", {"form": form, "next": _next_url(request, "")})


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


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
