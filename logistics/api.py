"""Logistics API: a seller's shipments (list, mark shipped) and the carriers' signed tracking webhooks."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from logistics import selectors, services
from logistics.errors import InvalidCarrierWebhook
from logistics.models import Shipment
from sellers import selectors as seller_selectors
from shop.api.webhooks import SignedWebhookView, webhook_schema


def render_shipment(shipment: Shipment) -> dict:
    """A shipment with its lines and tracking events (both prefetched by the selectors)."""
    return {
        "id": shipment.id,
        "order": shipment.order_id,
        "status": shipment.status,
        "shipping_method": shipment.shipping_method,
        "carrier": shipment.carrier,
        "tracking_number": shipment.tracking_number,
        "eta": shipment.eta,
        "created_at": shipment.created_at,
        "shipped_at": shipment.shipped_at,
        "delivered_at": shipment.delivered_at,
        "lines": [
            {
                "line_id": line.order_line_id,
                "product_name": line.product_name,
                "sku": line.sku,
                "quantity": line.quantity,
                "cancelled": line.cancelled,
            }
            for line in shipment.lines.all()
        ],
        "events": [
            {"status": event.status, "at": event.at, "location": event.location, "description": event.description}
            for event in shipment.events.all()
        ],
    }


class ShipmentLineSerializer(serializers.Serializer):
    line_id = serializers.IntegerField(help_text="The order line's id.")
    product_name = serializers.CharField()
    sku = serializers.CharField()
    quantity = serializers.IntegerField()
    cancelled = serializers.BooleanField(help_text="Cancelled by the buyer before shipping: not in the parcel.")


class TrackingEventSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Shipment.Status.choices)
    at = serializers.DateTimeField()
    location = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)


class ShipmentSerializer(serializers.Serializer):
    id = serializers.CharField()
    order = serializers.CharField(help_text="The order's id.")
    status = serializers.ChoiceField(choices=Shipment.Status.choices)
    shipping_method = serializers.CharField()
    carrier = serializers.CharField(allow_blank=True)
    tracking_number = serializers.CharField(allow_blank=True)
    eta = serializers.DateField(help_text="Estimated delivery date.")
    created_at = serializers.DateTimeField()
    shipped_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    lines = ShipmentLineSerializer(many=True)
    events = TrackingEventSerializer(many=True)


class ShipRequestSerializer(serializers.Serializer):
    carrier = serializers.RegexField(
        r"^[A-Za-z0-9_-]+$",
        max_length=32,
        help_text=(
            "The carrier's name; `simulated` moves the parcel along by itself (offered only while DEBUG or with"
            " SIMULATED_CARRIER_ENABLED, a 400 otherwise)."
        ),
    )
    tracking_number = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default="", help_text="Generated when blank for `simulated`."
    )

    def validate(self, attrs):
        if attrs["carrier"].lower() != services.SIMULATED_CARRIER and not attrs["tracking_number"].strip():
            raise serializers.ValidationError({"tracking_number": ["A tracking number is required for this carrier."]})
        return attrs


class ShipmentListQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=Shipment.Status.choices, required=False)


class SellerShipmentListView(GenericAPIView):
    """The signed-in seller's shipments, newest first, with lines and tracking; ``?status=`` filters."""

    serializer_class = ShipmentSerializer
    list_key = "shipments"

    @extend_schema(
        operation_id="seller_shipments_list",
        summary="Your shipments",
        parameters=[
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=Shipment.Status.values,
                description="Only shipments in this status.",
                required=False,
            )
        ],
        responses={200: ShipmentSerializer(many=True)},
    )
    def get(self, request):
        seller = seller_selectors.seller_of(user=request.user)
        query = ShipmentListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        shipments = selectors.shipments_for_seller(seller=seller, status=query.validated_data.get("status"))
        page = self.paginate_queryset(shipments)
        return self.get_paginated_response([render_shipment(shipment) for shipment in page])


class ShipView(GenericAPIView):
    """The owning seller marks a pending shipment shipped, naming the carrier and tracking number."""

    serializer_class = ShipRequestSerializer
    problem_responses = {409: "The shipment is not pending: already shipped or cancelled (shipment_not_pending)."}

    @extend_schema(
        operation_id="seller_shipments_ship",
        summary="Mark a shipment shipped",
        request=ShipRequestSerializer,
        responses={200: ShipmentSerializer},
    )
    def post(self, request, shipment_id: str):
        seller = seller_selectors.seller_of(user=request.user)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.ship(seller=seller, shipment_id=shipment_id, **serializer.validated_data)
        return Response(render_shipment(selectors.shipment_for_seller(seller=seller, shipment_id=shipment_id)))


class ParcelSerializer(ShipRequestSerializer):
    id = serializers.CharField(max_length=32, help_text="The shipment's id.")


class ShipManyRequestSerializer(serializers.Serializer):
    shipments = ParcelSerializer(many=True, allow_empty=False, max_length=100)

    def validate_shipments(self, parcels):
        seen: set[str] = set()
        errors = []
        for parcel in parcels:
            errors.append({"id": ["This shipment is listed twice."]} if parcel["id"] in seen else {})
            seen.add(parcel["id"])
        if any(errors):
            raise serializers.ValidationError(errors)
        return parcels


class ShipmentListSerializer(serializers.Serializer):
    shipments = ShipmentSerializer(many=True)


class ShipManyView(GenericAPIView):
    """The owning seller marks several pending shipments shipped at once: all of them, or none."""

    serializer_class = ShipManyRequestSerializer
    pagination_class = None
    problem_responses = {
        404: "One of the shipments is not the caller's, or does not exist (not_found); nothing shipped.",
        409: "One or more shipments are no longer pending (shipment_not_pending); `errors` names each by "
        "position (`shipments.<i>.id`); nothing shipped.",
    }

    @extend_schema(
        operation_id="seller_shipments_ship_many",
        summary="Mark several shipments shipped",
        request=ShipManyRequestSerializer,
        responses={200: ShipmentListSerializer},
    )
    def post(self, request):
        seller = seller_selectors.seller_of(user=request.user)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        parcels = [
            services.Parcel(shipment_id=p["id"], carrier=p["carrier"], tracking_number=p["tracking_number"])
            for p in serializer.validated_data["shipments"]
        ]
        ids = [shipment.pk for shipment in services.ship_many(seller=seller, parcels=parcels)]
        shipped = {
            shipment.pk: shipment for shipment in selectors.shipments_for_seller(seller=seller).filter(pk__in=ids)
        }
        return Response({"shipments": [render_shipment(shipped[shipment_id]) for shipment_id in ids]})


@extend_schema_view(
    post=webhook_schema(
        operation_id="logistics_webhooks_create",
        summary="Receive a carrier's tracking webhook",
        signature_help="`t=<unix time>,v1=<hex HMAC-SHA256(secret, '<t>.<body>')>`.",
        receipt_name="CarrierWebhookReceived",
    )
)
class CarrierWebhookView(SignedWebhookView):
    """A carrier reports a tracking update for a parcel (by tracking number).

    The body is read raw and authenticated by its signature only. A bad, stale or replayed signature is
    refused with 400 and changes nothing; a repeated event, an unknown parcel or an update behind the
    parcel's status is answered 200 and changes nothing.
    """

    invalid_webhook = InvalidCarrierWebhook
    problem_responses = {400: "Bad, stale or replayed signature, or an unreadable update (invalid_webhook)."}

    def receive(self, *, body: bytes, headers, carrier: str) -> None:
        services.handle_carrier_webhook(carrier=carrier.lower(), body=body, headers=headers)
