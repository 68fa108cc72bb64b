"""Storefront pages of the recommendations: the home page (one per shopper), and the product page's and the
cart page's panels, fetched by htmx after the page so those pages stay the same for everyone (and cacheable);
clearing one's browsing history.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cart import selectors as cart_selectors
from catalog import selectors as catalog_selectors
from recommendations import landing, services


def _session_key(request: HttpRequest) -> str | None:
    """The visitor's session, never created here: a guest without one keeps getting cached public pages."""
    session = getattr(request, "session", None)
    return session.session_key if session is not None else None


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: the same public page for visitors, a private one computed for each signed-in shopper."""
    sections = landing.landing_sections(user=request.user)
    response = render(
        request,
        "home.html",
        {
            "category_tiles": catalog_selectors.home_categories(),
            "new_arrivals": landing.new_arrivals(user=request.user, sections=sections),
            "sections": sections,
        },
    )
    if request.user.is_authenticated:
        patch_cache_control(response, private=True)
    return response


@never_cache
@require_GET
def product_panels(request: HttpRequest, product_id: int) -> HttpResponse:
    """The product page's "also bought" and "recently viewed" rows; fetching them records the view (the beacon)."""
    product = catalog_selectors.visible_product(product_id=product_id, user=request.user)  # ProductNotFound: 404
    user = request.user if request.user.is_authenticated else None
    session_key = None if user else _session_key(request)
    sections = landing.product_panels(product_id=product.pk, user=user, session_key=session_key)
    if user or session_key:
        services.record_view(product_id=product.pk, user=user, session_key=session_key)
    return render(request, "recommendations/_panels.html", {"sections": sections})


@never_cache
@require_GET
def cart_complements(request: HttpRequest) -> HttpResponse:
    """The cart page's "goes well with your cart" row, for this visitor's cart."""
    if request.user.is_authenticated:
        cart_id = cart_selectors.cart_id_of(user=request.user)
    else:
        cart_id = cart_selectors.cart_id_in_session(request=request)
    cart = cart_selectors.cart_view(cart_id=cart_id)
    sections = landing.cart_complements(product_ids=[line.product_id for line in cart.lines])
    return render(request, "recommendations/_panels.html", {"sections": sections})


@never_cache
@login_required
@require_POST
def clear_history(request: HttpRequest) -> HttpResponse:
    """The account page's "Clear browsing history": forget the user's views, cart adds and searches."""
    services.clear_history(user=request.user, session_key=_session_key(request))
    messages.success(request, "Your browsing history is cleared.")
    return redirect("accounts:account")
