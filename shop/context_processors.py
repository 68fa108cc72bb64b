"""What every storefront page's header and footer need."""

from django.conf import settings

from cart import selectors as cart_selectors


def storefront(request):
    return {
        "STORE_NAME": settings.STORE_NAME,
        "cart_item_count": lambda: cart_selectors.item_count_for(request=request),
    }
