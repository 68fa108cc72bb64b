"""Storefront page: a seller's low-stock alerts."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from inventory import selectors
from sellers import selectors as seller_selectors

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
