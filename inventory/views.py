"""Storefront pages of the inventory app: a seller's low-stock alerts and stock (levels, changes, ledger).

Views parse the form, call inventory's selectors and services, and render; what a service refuses is
shown on the form, and nothing changes.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from inventory import selectors, services
from inventory.forms import LedgerFilterForm, StockChangeForm
from sellers import selectors as seller_selectors
from shop.errors import DomainError

PAGE_SIZE = 50


@login_required
def seller_alerts(request: HttpRequest) -> HttpResponse:
    seller = seller_selectors.seller_of(user=request.user)
    open_only = request.GET.get("open") == "1"
    alerts = selectors.alerts_for_seller(seller_id=seller.pk, open_only=open_only)
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inventory/seller_alerts.html",
        {
            "seller": seller,
            "page": page,
            "open_only": open_only,
            "open_count": selectors.alerts_for_seller(seller_id=seller.pk, open_only=True).count(),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET"])
def seller_stock(request: HttpRequest) -> HttpResponse:
    """The seller's variants with on hand, held, available and a low-stock mark; search and "low only"."""
    seller = seller_selectors.seller_of(user=request.user)
    q = request.GET.get("q", "").strip()[:100]
    low_only = request.GET.get("low") == "1"
    levels = selectors.stock_for_seller(seller_id=seller.pk, q=q, low_only=low_only)
    page = Paginator(levels, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({name: value for name, value in (("q", q), ("low", "1" if low_only else "")) if value})
    return render(
        request,
        "inventory/seller_stock.html",
        {
            "seller": seller,
            "page": page,
            "levels": list(page.object_list),
            "q": q,
            "low_only": low_only,
            "query": query,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def seller_stock_variant(request: HttpRequest, variant_id: int) -> HttpResponse:
    """One of the seller's variants: set or adjust its stock on hand with a reason, and its ledger."""
    seller = seller_selectors.seller_of(user=request.user)
    level = selectors.seller_stock_level(seller_id=seller.pk, variant_id=variant_id)
    status = 200
    if request.method == "POST":
        form = StockChangeForm(request.POST)
        if form.is_valid():
            try:
                _change_stock(level=level, data=form.cleaned_data, actor=request.user)
            except DomainError as exc:
                form.add_error("quantity", exc.message)
                status = exc.status
            else:
                messages.success(request, f"Stock of {level.variant.sku} saved.")
                return redirect("inventory:seller-stock-variant", variant_id=level.variant_id)
        else:
            status = 400
    else:
        form = StockChangeForm()
    # Its own ids: the change form above has a "reason" field too.
    filters = LedgerFilterForm(request.GET or None, auto_id="ledger-%s")
    chosen = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    movements = selectors.movements_for(
        variant_id=level.variant_id,
        reasons=[chosen["kind"]] if chosen.get("kind") else (),
        since=chosen.get("since"),
        until=chosen.get("until"),
    )
    page = Paginator(movements, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({name: value for name, value in request.GET.items() if name != "page" and value})
    return render(
        request,
        "inventory/seller_stock_variant.html",
        {
            "seller": seller,
            "level": level,
            "variant": level.variant,
            "form": form,
            "filters": filters,
            "page": page,
            "movements": list(page.object_list),
            "query": query,
        },
        status=status,
    )


def _change_stock(*, level, data: dict, actor) -> None:
    """Call the use case the form asked for (the service re-checks everything under the stock lock)."""
    if data["change"] == StockChangeForm.SET:
        services.set_on_hand(variant_id=level.variant_id, quantity=data["quantity"], actor=actor, note=data["reason"])
    else:
        services.adjust_on_hand(variant_id=level.variant_id, delta=data["quantity"], note=data["reason"], actor=actor)
