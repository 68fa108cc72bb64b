"""Recommendations API: the caller's landing-page picks, the products bought together with one product, and
clearing the caller's history."""

from __future__ import annotations

from django.utils.cache import patch_cache_control
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from catalog import selectors as catalog_selectors
from recommendations import landing, selectors, services

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


def _cards(**kwargs) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.DictField(help_text="A product card, as in GET /api/v1/products."), **kwargs
    )


class RecommendationSectionSerializer(serializers.Serializer):
    key = serializers.CharField(help_text='The row: "trending", "rated", "because-bought-<id>", "your-categories", ...')
    title = serializers.CharField()
    reason = serializers.CharField(help_text="Why these products are suggested.")
    products = _cards()


class RecommendationsSerializer(serializers.Serializer):
    sections = RecommendationSectionSerializer(many=True)
    products = _cards(help_text="Every section's products in order, each once.")


class RecommendationsView(GenericAPIView):
    """The caller's landing-page picks: personal when signed in, trending and best rated for everyone else."""

    permission_classes = [AllowAny]
    serializer_class = None

    @extend_schema(
        operation_id="recommendations",
        summary="The caller's recommendations (works signed out)",
        responses={200: RecommendationsSerializer},
    )
    def get(self, request):
        user = request.user if request.user.is_authenticated else None
        sections = landing.landing_sections(user=user)
        response = Response(
            {
                "sections": [
                    {
                        "key": section.key,
                        "title": section.title,
                        "reason": section.reason,
                        "products": [catalog_selectors.card_json(product) for product in section.products],
                    }
                    for section in sections
                ],
                "products": [catalog_selectors.card_json(p) for section in sections for p in section.products],
            }
        )
        if user is None:
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        else:
            patch_cache_control(response, private=True)
        return response


class ClearHistoryView(GenericAPIView):
    """Forget the caller's views, cart adds and searches (a signed-in user's, and this session's as a guest)."""

    permission_classes = [AllowAny]
    serializer_class = None

    @extend_schema(
        operation_id="recommendations_history_clear",
        request=None,
        responses={204: None},
        summary="Clear the caller's browsing history (views, cart adds, searches)",
    )
    def post(self, request):
        session = getattr(request, "session", None)
        services.clear_history(user=request.user, session_key=session.session_key if session is not None else None)
        return Response(status=status.HTTP_204_NO_CONTENT)
