"""OpenAPI: every operation documents the problem-details errors it can answer with."""

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from shop.api.errors import PROBLEM_CONTENT_TYPE


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, with the store's stable ``code`` and, for 400s, field ``errors``."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField(help_text="Stable snake_case error code, e.g. `out_of_stock`.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For validation errors: messages per field.",
    )
    # Extension members (RFC 9457 section 3.2) that some errors add; each names the codes that carry it.
    lines = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text="`out_of_stock`: `[{variant_id, requested, available}]`; "
        "`items_unavailable`: `[{item_id, variant_id, product_id, name}]`; "
        "`hold_limit_exceeded`: `[{variant_id, name, sku, requested, held, limit, max_now}]`.",
    )
    order_id = serializers.CharField(
        required=False,
        help_text="`order_expired`, `order_not_payable`, `payment_declined`, `item_shipped`, `illegal_transition`.",
    )
    order_status = serializers.CharField(required=False, help_text="`order_not_payable`, `illegal_transition`.")
    payment_id = serializers.CharField(required=False, help_text="`payment_declined`.")
    decline_code = serializers.CharField(required=False, help_text="`payment_declined`: the gateway's reason.")
    from_status = serializers.CharField(required=False, help_text="`illegal_transition`.")
    to_status = serializers.CharField(required=False, help_text="`illegal_transition`.")
    product_id = serializers.IntegerField(required=False, help_text="`item_shipped`.")
    returns = serializers.CharField(required=False, help_text="`item_shipped`: where to request a return instead.")
    closed_at = serializers.DateTimeField(required=False, help_text="`return_window_closed`.")
    returnable = serializers.IntegerField(required=False, help_text="`return_quantity_exceeded`.")
    requested = serializers.IntegerField(required=False, help_text="`return_quantity_exceeded`.")
    shipment_id = serializers.CharField(required=False, help_text="`item_shipped` (from the seller's side).")
    shipment_status = serializers.CharField(
        required=False, help_text="`item_shipped`, `shipment_not_pending`, `illegal_transition` (shipments)."
    )
    variant_id = serializers.IntegerField(required=False, help_text="`stock_below_held`.")
    held = serializers.IntegerField(required=False, help_text="`stock_below_held`: units held for pending orders.")
    limit = serializers.IntegerField(
        required=False, help_text="`too_many_open_orders`, `checkout_rate_limited`: the cap reached."
    )
    open_orders = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text="`too_many_open_orders`: `[{order_id, total, currency, expires_at}]`, the soonest to expire first.",
    )
    retry_after = serializers.IntegerField(
        required=False, help_text="`checkout_rate_limited`, `checkout_backoff`: seconds to wait, as in Retry-After."
    )
    abandoned_orders = serializers.IntegerField(
        required=False, help_text="`checkout_backoff`: orders left unpaid until they expired in the last 24 h."
    )


class ProblemAutoSchema(AutoSchema):
    """Adds 400/401/403/404/413/415/429 problem responses to each operation where they can happen, and 304 to GETs.

    A view adds its own business errors (409, 402, ...) with ``@extend_schema(responses=...)``
    or by listing them in ``problem_responses = {409: "why"}``.
    """

    def _get_paginator(self):
        paginator = super()._get_paginator()
        if paginator is not None:
            paginator.list_key = getattr(self.view, "list_key", "results")
        return paginator

    def _problem(self, description: str) -> dict:
        response = self._get_response_for_code(ProblemSerializer, "400", [PROBLEM_CONTENT_TYPE])
        response["description"] = description
        return response

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        # Every operation refuses a query parameter holding a NUL or an unpaired surrogate (shop/request_guards.py).
        errors: dict[int, str] = {400: "Invalid input (validation_error)."}
        has_body = self.method in ("POST", "PUT", "PATCH")
        if has_body:
            errors[413] = "The body is too large (request_too_large)."
            errors[415] = "The body is not JSON (unsupported_media_type)."
        if not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            errors[401] = "Not signed in (not_authenticated)."
            errors[403] = "Signed in but not allowed (permission_denied)."
        elif self.view.authentication_classes:
            # Open to all, but a bearer token or session that is sent must be valid.
            errors[401] = "Credentials sent but invalid or expired (authentication_failed)."
        if "{" in self.path:
            errors[404] = "No such object, or not yours (not_found)."
        if self.view.get_throttles():
            errors[429] = "Too many requests (throttled); see Retry-After."
        errors.update(getattr(self.view, "problem_responses", {}))
        for code, description in sorted(errors.items()):
            responses.setdefault(str(code), self._problem(description))
        if self.method == "GET":
            # ConditionalGetMiddleware answers a matching If-None-Match with an empty 304.
            responses.setdefault("304", {"description": "Not modified: If-None-Match matched the ETag."})
        return responses
