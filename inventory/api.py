"""Inventory API: a seller's low-stock alerts."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView

from inventory import selectors
from sellers import selectors as seller_selectors


def render_alert(alert) -> dict:
    variant = alert.variant
    return {
        "id": alert.pk,
        "product": {"id": variant.product_id, "name": variant.product.name},
        "sku": variant.sku,
        "options": dict(sorted(variant.options.items())),
        "available": alert.available,
        "threshold": alert.threshold,
        "created_at": alert.created_at,
        "cleared_at": alert.cleared_at,
    }


class AlertProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class LowStockAlertSerializer(serializers.Serializer):
    """One alert; ``available`` and ``threshold`` are as they were when it was raised."""

    id = serializers.IntegerField()
    product = AlertProductSerializer()
    sku = serializers.CharField()
    options = serializers.DictField(child=serializers.CharField())
    available = serializers.IntegerField()
    threshold = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    cleared_at = serializers.DateTimeField(allow_null=True, help_text="When stock rose above the threshold again.")


class AlertQuery(serializers.Serializer):
    open = serializers.BooleanField(required=False, default=False)


class SellerAlertListView(GenericAPIView):
    """The signed-in seller's low-stock alerts, newest first; ``?open=true`` for those still open."""

    serializer_class = LowStockAlertSerializer
    list_key = "alerts"

    @extend_schema(
        operation_id="seller_alerts_list",
        summary="Your low-stock alerts",
        parameters=[
            OpenApiParameter("open", OpenApiTypes.BOOL, description="Only alerts not cleared yet.", required=False)
        ],
        responses={200: LowStockAlertSerializer(many=True)},
    )
    def get(self, request):
        seller = seller_selectors.seller_of(user=request.user)
        query = AlertQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        alerts = selectors.alerts_for_seller(seller_id=seller.pk, open_only=query.validated_data["open"])
        page = self.paginate_queryset(alerts)
        return self.get_paginated_response([render_alert(alert) for alert in page])
