"""Storefront pages of the logistics app: the seller's shipments ("Orders to ship") and "Mark shipped".

Views parse the form, call logistics' selectors and services, and render; what the services refuse becomes
a message here.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from logistics import selectors, services
from logistics.forms import ShipForm
from sellers import selectors as seller_selectors
from shop.errors import DomainError

SELLER_PAGE_SIZE = 30


@never_cache
@login_required
@require_http_methods(["GET"])
def seller_shipments(request: HttpRequest) -> HttpResponse:
    """The seller's shipments (their part of each order), newest first, each pending one with "Mark shipped"."""
    seller = seller_selectors.seller_of(user=request.user)
    waiting = request.GET.get("show") == "pending"
    shipments = selectors.shipments_for_seller(seller=seller, status="pending" if waiting else None)
    page = Paginator(shipments, SELLER_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "logistics/seller_shipments.html",
        {"seller": seller, "page": page, "shipments": list(page.object_list), "waiting": waiting, "form": ShipForm()},
    )


@login_required
@require_POST
def ship(request: HttpRequest, shipment_id: str) -> HttpResponse:
    """ "Mark shipped": the seller's parcel leaves with a carrier (logistics.services.ship)."""
    seller = seller_selectors.seller_of(user=request.user)
    form = ShipForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(str(error) for errors in form.errors.values() for error in errors)
        messages.error(request, f"Shipment {shipment_id} was not marked shipped: {errors}")
        return redirect("logistics:seller-shipments")
    try:
        shipment = services.ship(
            seller=seller,
            shipment_id=shipment_id,
            carrier=form.cleaned_data["carrier"],
            tracking_number=form.cleaned_data["tracking_number"],
        )
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        messages.error(request, f"Shipment {shipment_id} was not marked shipped: {exc.message}")
    else:
        messages.success(
            request, f"Shipment {shipment_id} is marked shipped (tracking number {shipment.tracking_number})."
        )
    return redirect("logistics:seller-shipments")
