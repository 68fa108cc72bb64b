"""Storefront page: "Sell on the store" turns a signed-in user into a seller."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from sellers import selectors, services
from sellers.forms import BecomeSellerForm


@login_required
def sell(request: HttpRequest) -> HttpResponse:
    seller = selectors.seller_for_user(user=request.user)
    if seller is not None:
        return render(request, "sellers/store.html", {"seller": seller})
    form = BecomeSellerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        seller = services.become_seller(user=request.user, **form.cleaned_data)
        messages.success(request, f"{seller.store_name} is open. You can now list products.")
        return redirect("sellers:sell")
    return render(request, "sellers/become_seller.html", {"form": form})
