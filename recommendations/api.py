"""Recommendations API: the products bought together with one product, as catalog cards."""

from __future__ import annotations

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
        response = Response({"products": [catalog_selectors.card_json(product) for product in products]})
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        return response
