"""Recommendations API: the products bought together with one product, as catalog cards."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils.cache import patch_cache_control
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from catalog import selectors as catalog_selectors
from recommendations import selectors

PUBLIC_MAX_AGE = 60  # as catalog's reads
ALSO_BOUGHT_LIMIT = 6


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _file_url(field_file) -> str | None:
    return field_file.url if field_file else None


def _storefront_url(product) -> str:
    if product.slug:
        return reverse("catalog:product", kwargs={"product_id": product.pk, "slug": product.slug})
    return reverse("catalog:product-short", kwargs={"product_id": product.pk})


def render_card(product) -> dict:
    """The fields of a card in catalog's product list (catalog.api.render_card is not public to other apps)."""
    image = product.card_image
    category = product.category
    return {
        "id": product.pk,
        "name": product.name,
        "slug": product.slug,
        "price": _money(product.price),
        "currency": settings.STORE_CURRENCY,
        "category": {"id": category.pk, "slug": category.slug, "name": category.name} if category else None,
        "seller": {"id": product.seller_id, "store_name": product.seller.store_name},
        "brand": product.brand,
        "rating": float(product.rating),
        "review_count": product.review_count,
        "image": (_file_url(image.thumbnail) or _file_url(image.image)) if image is not None else None,
        "in_stock": bool(product.in_stock),
        "url": _storefront_url(product),
    }


class AlsoBoughtView(GenericAPIView):
    """Customers who bought this product also bought these (most orders first); 404 for an unknown product."""

    permission_classes = [AllowAny]
    authentication_classes: list = []  # the same public answer for everyone
    serializer_class = None

    @extend_schema(
        operation_id="products_also_bought",
        summary="Products bought together with this one",
        responses={
            200: inline_serializer("AlsoBought", {"products": serializers.ListField(child=serializers.DictField())})
        },
    )
    def get(self, request, product_id: int):
        catalog_selectors.visible_product(product_id=product_id)  # ProductNotFound: 404
        products = selectors.also_bought(product_id=product_id, limit=ALSO_BOUGHT_LIMIT)
        response = Response({"products": [render_card(product) for product in products]})
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        return response
