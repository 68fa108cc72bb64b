"""Storefront pages of the logistics app: the seller's shipments ("Your orders") with their filters, "Mark
shipped" (one shipment, or the selected ones at once) and the printable packing slip.

Views parse the form, call logistics' selectors and services, and render; what the services refuse becomes
a message here.
"""

from __future__ import annotations

from http import HTTPStatus
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from catalog import selectors as catalog_selectors
from logistics import selectors, services
from logistics.errors import ShipmentNotPending
from logistics.forms import ShipForm, ShipmentFilterForm
from logistics.models import Shipment
from sellers import selectors as seller_selectors
from shop.errors import DomainError

SELLER_PAGE_SIZE = 30
# The checkbox that selects a waiting shipment for "Mark selected shipped".
SELECTED = "shipment"


def _back_to_orders(request: HttpRequest) -> HttpResponse:
    """Back to the orders page, with the filters it was posted from."""
    url = reverse("logistics:seller-shipments")
    return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)


def _filter_query(form: ShipmentFilterForm) -> str:
    """The filters as given, as a query string kept by the pager's links and the bulk form's action."""
    return urlencode({name: form.data[name] for name in form.fields if form.data.get(name)})


def _orders_page(
    request: HttpRequest,
    *,
    seller,
    ship_forms: dict[str, ShipForm] | None = None,
    problems: dict[str, str] | None = None,
    error: str = "",
    status: int = HTTPStatus.OK,
) -> HttpResponse:
    """The orders page as filtered by the query string; after a refused "Mark selected shipped", the posted
    rows (``ship_forms``, by shipment id) keep their input and say what is wrong (``problems``)."""
    ship_forms, problems = ship_forms or {}, problems or {}
    form = ShipmentFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        # A malformed filter: the form says why, and no list pretends to answer it.
        return render(
            request,
            "logistics/seller_shipments.html",
            {"seller": seller, "form": form, "page": None, "rows": []},
            status=HTTPStatus.BAD_REQUEST,
        )
    filters = form.cleaned_data if form.is_bound else {}
    shipments = selectors.shipments_for_seller(
        seller=seller,
        status=filters.get("status") or None,
        start_date=filters.get("start"),
        end_date=filters.get("end"),
        search=filters.get("q") or "",
    )
    page = Paginator(shipments, SELLER_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "shipment": shipment,
            "selected": shipment.pk in ship_forms,
            "form": ship_forms.get(shipment.pk) or ShipForm(prefix=shipment.pk),
            "problem": problems.get(shipment.pk, ""),
        }
        for shipment in page.object_list
    ]
    return render(
        request,
        "logistics/seller_shipments.html",
        {
            "seller": seller,
            "form": form,
            "page": page,
            "rows": rows,
            "filtered": any(filters.get(name) for name in ("status", "start", "end", "q")),
            "filter_query": _filter_query(form),
            "waiting_on_page": any(row["shipment"].status == Shipment.Status.PENDING for row in rows),
            "error": error,
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def seller_shipments(request: HttpRequest) -> HttpResponse:
    """The seller's shipments (their part of each order), newest first, filtered by status, paid date and
    order id or buyer; a POST is "Mark selected shipped" (_ship_selected)."""
    seller = seller_selectors.seller_of(user=request.user)
    if request.method == "POST":
        return _ship_selected(request, seller=seller)
    return _orders_page(request, seller=seller)


def _ship_selected(request: HttpRequest, *, seller) -> HttpResponse:
    """Ship every selected shipment with its row's carrier and tracking number, or none of them.

    Another seller's shipment among them is a 404; a row with bad input a 400, and a shipment no longer
    waiting a 409, each shown on its row.
    """
    selected = list(dict.fromkeys(request.POST.getlist(SELECTED)))
    if len(selectors.shipments_by_id(seller=seller, shipment_ids=selected)) != len(selected):
        raise Http404("No such shipment.")
    if not selected:
        return _orders_page(
            request,
            seller=seller,
            error="Select the shipments to mark shipped.",
            status=HTTPStatus.BAD_REQUEST,
        )
    forms = {shipment_id: ShipForm(request.POST, prefix=shipment_id) for shipment_id in selected}
    invalid = {
        shipment_id: "This row needs correcting: see its fields."
        for shipment_id, form in forms.items()
        if not form.is_valid()
    }
    if invalid:
        return _orders_page(
            request,
            seller=seller,
            ship_forms=forms,
            problems=invalid,
            error="Nothing was shipped: correct the rows marked below.",
            status=HTTPStatus.BAD_REQUEST,
        )
    parcels = [
        services.Parcel(
            shipment_id=shipment_id,
            carrier=form.cleaned_data["carrier"],
            tracking_number=form.cleaned_data["tracking_number"],
        )
        for shipment_id, form in forms.items()
    ]
    try:
        shipped = services.ship_many(seller=seller, parcels=parcels)
    except ShipmentNotPending as exc:
        problems = {
            selected[int(key.split(".")[1])]: " ".join(messages_) for key, messages_ in exc.extra["errors"].items()
        }
        return _orders_page(
            request, seller=seller, ship_forms=forms, problems=problems, error=exc.message, status=exc.status
        )
    except DomainError as exc:
        if exc.status == HTTPStatus.NOT_FOUND:
            raise Http404(exc.message) from exc
        raise
    count = len(shipped)
    messages.success(request, f"{count} shipment{'s' if count != 1 else ''} marked shipped.")
    return _back_to_orders(request)


@login_required
@require_POST
def ship(request: HttpRequest, shipment_id: str) -> HttpResponse:
    """ "Mark shipped": the seller's parcel leaves with a carrier (logistics.services.ship).

    On the orders page the row's fields carry the shipment's id as prefix; a lone form sends them bare.
    """
    seller = seller_selectors.seller_of(user=request.user)
    prefix = shipment_id if f"{shipment_id}-carrier" in request.POST else None
    form = ShipForm(request.POST, prefix=prefix)
    if not form.is_valid():
        errors = "; ".join(str(error) for errors in form.errors.values() for error in errors)
        messages.error(request, f"Shipment {shipment_id} was not marked shipped: {errors}")
        return _back_to_orders(request)
    try:
        shipment = services.ship(
            seller=seller,
            shipment_id=shipment_id,
            carrier=form.cleaned_data["carrier"],
            tracking_number=form.cleaned_data["tracking_number"],
        )
    except DomainError as exc:
        if exc.status == HTTPStatus.NOT_FOUND:
            raise Http404(exc.message) from exc
        messages.error(request, f"Shipment {shipment_id} was not marked shipped: {exc.message}")
    else:
        messages.success(
            request, f"Shipment {shipment_id} is marked shipped (tracking number {shipment.tracking_number})."
        )
    return _back_to_orders(request)


@never_cache
@login_required
@require_http_methods(["GET"])
def packing_slip(request: HttpRequest, shipment_id: str) -> HttpResponse:
    """The printable packing slip of one of the seller's shipments: where it goes and what is in it."""
    seller = seller_selectors.seller_of(user=request.user)
    try:
        shipment = selectors.shipment_for_seller(seller=seller, shipment_id=shipment_id)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    lines = [line for line in shipment.lines.all() if not line.cancelled]
    options = catalog_selectors.options_by_sku(skus=[line.sku for line in lines])
    return render(
        request,
        "logistics/packing_slip.html",
        {
            "seller": seller,
            "shipment": shipment,
            "lines": [{"line": line, "options": _options_text(options.get(line.sku, {}))} for line in lines],
        },
    )


def _options_text(options: dict) -> str:
    """ "size: M, color: red" (empty for a product without options)."""
    return ", ".join(f"{name}: {value}" for name, value in options.items())
