"""Rendered product cards kept in the cache, addressed by everything a card shows.

A listing, search, store or home page shows up to a few dozen cards; rendering them was most of the page's
template time. A card's address is a hash of the card template's source and of every value it shows (name,
link, picture, price, rating, stock badge, colour), so a changed product or template is simply a new address:
a stored card is never stale and nothing needs invalidating. The values come from the page's own query (as
before); only the rendering is saved. Nothing personal is in a card, and a card is rendered from its product
alone (never from the page's context), so it is the same for every visitor.
"""

from __future__ import annotations

from collections.abc import Sequence
import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import SafeString

CARD_TEMPLATE = "catalog/_product_card.html"
_CARD_PARTS = (CARD_TEMPLATE, "catalog/_stars.html")


@functools.cache
def _templates_version() -> str:
    """The card templates' sources, hashed once per process: an edited template makes every address new."""
    sources = "\0".join(get_template(name).template.source for name in _CARD_PARTS)
    return hashlib.sha256(sources.encode()).hexdigest()[:16]


def _card_key(product) -> str:
    image = getattr(product, "card_image", None)
    price = getattr(product, "card_price", None)
    shown = (
        product.pk,
        product.name,
        product.brand,
        product.card_url,
        product.card_image_url,
        getattr(image, "width", None) if image else None,
        getattr(image, "height", None) if image else None,
        bool(product.in_stock),
        product.review_count,
        str(product.rating),
        getattr(product, "card_color", ""),
        str(price if price is not None else product.price),
        settings.STORE_CURRENCY,
    )
    digest = hashlib.sha256(repr((_templates_version(), shown)).encode()).hexdigest()
    return f"card:{digest}"


def render_cards(products: Sequence) -> SafeString:
    """The cards of ``products`` (ready for ``_product_card.html``: ``pages.with_card_data``), in one cache
    round trip; cards not found are rendered and stored. The cache failing only means rendering them all."""
    products = list(products)
    if not products:
        return SafeString("")
    timeout = settings.CARD_CACHE_SECONDS
    keys = [_card_key(product) for product in products]
    found = cache.get_many(keys) if timeout > 0 else {}
    template = get_template(CARD_TEMPLATE)
    rendered, missing = SafeString(""), {}
    for product, key in zip(products, keys, strict=True):
        card = found.get(key)
        if card is None:
            card = missing[key] = template.render({"product": product})
        rendered += card  # SafeString + SafeString stays safe: each card was autoescaped when rendered
    if missing and timeout > 0:
        cache.set_many(missing, timeout)
    return rendered
