"""The base of every signed-webhook endpoint (the gateways', the carriers'): no session, CSRF, JWT or parser
before the signature check, the raw body handed to the app's service, ``{"received": true}`` back."""

from __future__ import annotations

from collections.abc import Mapping
import json

from django.core.exceptions import RequestDataTooBig
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.api.parsers import unstorable_text
from shop.errors import DomainError
from shop.webhooks import SIGNATURE_HEADER


def webhook_schema(
    *,
    summary: str,
    signature_help: str,
    receipt_name: str = "WebhookReceived",
    operation_id: str | None = None,
):
    """The schema of a webhook's ``post``: a raw JSON body, the signature header, the receipt (a component
    named ``receipt_name``)."""
    receipt = inline_serializer(receipt_name, {"received": serializers.BooleanField()})
    return extend_schema(
        summary=summary,
        request={"application/json": OpenApiTypes.OBJECT},
        responses={200: receipt},
        parameters=[
            OpenApiParameter(SIGNATURE_HEADER, str, OpenApiParameter.HEADER, required=True, description=signature_help)
        ],
        **({"operation_id": operation_id} if operation_id else {}),
    )


def _holds_unstorable_text(body: bytes) -> bool:
    """Whether a JSON body holds text no column can store (its event id, say); what is not JSON is the
    app's verifier's to refuse."""
    try:
        event = json.loads(body)
    except (ValueError, RecursionError):
        return False
    return unstorable_text(event) is not None


class SignedWebhookView(APIView):
    """Reads the body raw and hands it to ``receive``; a body too large to read, or holding a NUL or an unpaired
    surrogate anywhere in its JSON, raises ``invalid_webhook``."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []  # senders burst; the signature check is what keeps others out
    parser_classes: list = []  # the signature covers the exact bytes, so nothing parses them first
    invalid_webhook: type[DomainError]

    def receive(self, *, body: bytes, headers: Mapping[str, str], **kwargs) -> None:
        """Authenticate and apply one delivery (raises ``invalid_webhook`` for a bad one)."""
        raise NotImplementedError

    def post(self, request, **kwargs):
        try:
            body = request.body
        except RequestDataTooBig:
            raise self.invalid_webhook("The webhook's body is too large.") from None
        if _holds_unstorable_text(body):
            raise self.invalid_webhook("The webhook's body holds a NUL character or an unpaired surrogate.")
        self.receive(body=body, headers=request.headers, **kwargs)
        return Response({"received": True})
