"""Payments API: the gateways' webhooks. They authenticate by signature, not by a user."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from payments import services
from payments.errors import InvalidWebhook


class WebhookReceivedSerializer(serializers.Serializer):
    received = serializers.BooleanField()


class WebhookView(APIView):
    """A payment gateway reports an event (e.g. an async payment settled).

    The body is the gateway's own signed JSON, read raw: no session, no CSRF, no JWT. A bad, stale or
    replayed signature is refused with 400 and changes nothing; another delivery of an event already
    received is answered 200 and changes nothing.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []  # a gateway may send bursts; the signature check is what keeps others out
    parser_classes: list = []  # the signature covers the exact bytes, so nothing parses them first
    problem_responses = {
        400: "Bad, stale or replayed signature, or an unreadable event (invalid_webhook).",
        404: "No such payment gateway (not_found).",
    }

    @extend_schema(
        summary="Receive a payment gateway's webhook",
        request={"application/json": OpenApiTypes.OBJECT},
        responses={200: WebhookReceivedSerializer},
        parameters=[
            OpenApiParameter(
                "Bazaar-Signature",
                str,
                OpenApiParameter.HEADER,
                required=True,
                description="For the test gateway: `t=<unix time>,v1=<hex HMAC-SHA256(secret, '<t>.<body>')>`.",
            )
        ],
    )
    def post(self, request, gateway: str):
        try:
            body = request.body
        except RequestDataTooBig:
            raise InvalidWebhook("The webhook's body is too large.") from None
        services.handle_webhook(gateway=gateway, body=body, headers=request.headers)
        return Response(WebhookReceivedSerializer({"received": True}).data)
