"""Storefront pages of the sellers app: "Sell on the store" turns a signed-in user into a seller, and the
seller's store settings (policies included). Views parse the form, call the services, and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sellers import selectors, services
from sellers.forms import BecomeSellerForm, StoreSettingsForm
from shop.errors import DomainError


@login_required
def sell(request: HttpRequest) -> HttpResponse:
    seller = selectors.seller_for_user(user=request.user)
    if seller is not None:
        return render(request, "sellers/store.html", {"seller": seller})
    if not request.user.email_verified:  # the page says why and offers the link again
        return render(request, "sellers/become_seller.html", {"form": None})
    form = BecomeSellerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        seller = services.become_seller(user=request.user, **form.cleaned_data)
        messages.success(request, f"{seller.store_name} is open. You can now list products.")
        return redirect("sellers:sell")
    return render(request, "sellers/become_seller.html", {"form": form})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def seller_settings(request: HttpRequest) -> HttpResponse:
    """The seller's store settings: name, description, contact, low-stock level, handling time, returns."""
    seller = selectors.seller_of(user=request.user)
    status = 200
    if request.method == "POST":
        form = StoreSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.update_store(seller=seller, **form.cleaned_data)
            except DomainError as exc:
                _show_on_form(form, exc)
                status = exc.status
            else:
                messages.success(request, "Store settings saved.")
                return redirect("sellers:seller-settings")
        else:
            status = 400
    else:
        form = StoreSettingsForm(initial={field: getattr(seller, field) for field in services.STORE_FIELDS})
    return render(request, "sellers/settings.html", {"seller": seller, "form": form}, status=status)


def _show_on_form(form: StoreSettingsForm, exc: DomainError) -> None:
    """A refused change shown on the fields it names (or above the form)."""
    errors = exc.extra.get("errors") or {}
    for field, texts in errors.items():
        form.add_error(field if field in form.fields else None, texts)
    if not errors:
        form.add_error(None, exc.message)
