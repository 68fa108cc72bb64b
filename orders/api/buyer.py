"""Orders API for buyers: check out the cart into an order, pay it, read it back; list, track, cancel items,
return them.

Checkout, pay, cancel and return honour ``Idempotency-Key`` (shop.api.idempotency).
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from logistics import selectors as logistics_selectors
from orders import selectors, services
from orders.api.presenters import (
    CancelAnswerSerializer,
    OrderDetailEnvelopeSerializer,
    OrderSummarySerializer,
    PayAnswerSerializer,
    ReturnEnvelopeSerializer,
    ReturnSerializer,
    ShippingAddressSerializer,
    TrackSerializer,
    render_order,
    render_order_summary,
    render_payment,
    render_refund_outcome,
    render_return,
    render_track,
)
from payments import selectors as payment_selectors
from shop.api import idempotency
from shop.db_router import reads_from_replica


def _order_body(*, user, order_id: str) -> dict:
    """The order with its lines, payments and their refunds, and shipments: a fixed number of queries."""
    order = selectors.order_for_buyer(user=user, order_id=order_id)
    payments = payment_selectors.payments_for_order(order_id=order.pk)
    prefetch_related_objects(payments, "refunds")
    shipments = logistics_selectors.shipments_for_order(order_id=order.pk) if order.paid_at else []
    return render_order(order, payments=payments, shipments=shipments)


def _written_order_body(order, *, payments: list) -> dict:
    """The answer for an order the request's own use case just wrote and returned (the caller's own order): its
    lines as the use case kept them (read, with their sellers, when it kept none; the sellers of kept lines are
    read when not loaded yet), ``payments`` it knows to have no refunds, and the shipments of a paid order."""
    selectors.load_lines_with_sellers(order)
    shipments = logistics_selectors.shipments_for_order(order_id=order.pk) if order.paid_at else []
    return render_order(order, payments=payments, refunds=[], shipments=shipments)


# --- Input --------------------------------------------------------------------------------------


class CheckoutSerializer(serializers.Serializer):
    shipping_method = serializers.CharField(max_length=32, help_text='"standard" or "express".')
    address_id = serializers.IntegerField(required=False, min_value=1, help_text="An address from your book.")
    shipping_address = ShippingAddressSerializer(required=False, help_text="Or a new address.")

    def validate_shipping_method(self, value):
        if value not in settings.SHIPPING_METHODS:
            raise serializers.ValidationError(f"Choose one of: {', '.join(settings.SHIPPING_METHODS)}.")
        return value

    def validate(self, attrs):
        has_id, has_address = "address_id" in attrs, "shipping_address" in attrs
        if has_id and has_address:
            raise serializers.ValidationError({"address_id": ["Give either address_id or shipping_address."]})
        if not has_id and not has_address:
            raise serializers.ValidationError(
                {"shipping_address": ["Give a shipping address, or address_id from your address book."]}
            )
        return attrs


class PaySerializer(serializers.Serializer):
    payment_token = serializers.CharField(
        max_length=255, help_text="From the gateway; the test gateway takes tok_visa, tok_chargeDeclined, tok_async."
    )


# --- Views --------------------------------------------------------------------------------------


class CheckoutView(GenericAPIView):
    """Turn the caller's cart into an order awaiting payment; its stock is held until ``expires_at``."""

    serializer_class = CheckoutSerializer
    problem_responses = {
        400: "Invalid input (validation_error) or an empty cart (empty_cart).",
        409: "Some lines are short of stock (out_of_stock, naming them in `lines`), no longer sold "
        "(items_unavailable), or the Idempotency-Key was used for another request (idempotency_conflict). "
        "Fair holds: the buyer already has the most orders awaiting payment (too_many_open_orders, listing "
        "them in `open_orders`), or lines ask for more units than one buyer may hold (hold_limit_exceeded, "
        "naming them in `lines` with `max_now`).",
        429: "Too many requests (throttled), checked out too often in the last minute (checkout_rate_limited), "
        "or paused after orders left unpaid until they expired (checkout_backoff); `Retry-After` says when to "
        "come back (and `retry_after`, for the last two).",
    }

    @extend_schema(
        operation_id="checkout",
        summary="Check out the cart",
        responses={201: OrderDetailEnvelopeSerializer},
    )
    @idempotency.idempotent
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        order = services.place_order(
            user=request.user,
            shipping_method=data["shipping_method"],
            address_id=data.get("address_id"),
            shipping_address=data.get("shipping_address"),
            checkout_key=request.headers.get(idempotency.HEADER, ""),
        )
        # A new order has no payments and no shipments yet.
        response = Response({"order": _written_order_body(order, payments=[])}, status=201)
        response["Location"] = reverse("api:orders:order", kwargs={"order_id": order.pk})
        return response


class OrderPayView(GenericAPIView):
    """Pay an order awaiting payment: 200 paid, 202 while an asynchronous payment settles."""

    serializer_class = PaySerializer
    problem_responses = {
        402: "The card was declined (payment_declined); the order stays payable until it expires.",
        409: "The order expired (order_expired) or cannot be paid any more (order_not_payable), the amount "
        "captured was not the order's total (order_total_changed: that payment is refunded, pay again), or the "
        "Idempotency-Key was used for another request (idempotency_conflict).",
    }

    @extend_schema(
        operation_id="orders_pay",
        summary="Pay an order",
        responses={200: PayAnswerSerializer, 202: PayAnswerSerializer},
    )
    @idempotency.idempotent
    def post(self, request, order_id: str):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.pay_order(
            user=request.user, order_id=order_id, payment_token=serializer.validated_data["payment_token"]
        )
        if result.is_paid and result.payments is not None:
            order = _written_order_body(result.order, payments=result.payments)
        else:
            order = _order_body(user=request.user, order_id=result.order.pk)
        body = {
            "order": order,
            "payment": render_payment(result.payment) if result.payment is not None else None,
        }
        return Response(body, status=status.HTTP_200_OK if result.is_paid else status.HTTP_202_ACCEPTED)


class OrderDetailView(GenericAPIView):
    """One of the caller's orders with its lines, payments, refunds and shipments; anyone else's is a 404."""

    serializer_class = OrderDetailEnvelopeSerializer

    @extend_schema(operation_id="orders_retrieve", summary="An order", responses={200: OrderDetailEnvelopeSerializer})
    def get(self, request, order_id: str):
        return Response({"order": _order_body(user=request.user, order_id=order_id)})


class OrderListFilter(serializers.Serializer):
    startDate = serializers.DateField(required=False, help_text="YYYY-MM-DD, inclusive.")
    endDate = serializers.DateField(required=False, help_text="YYYY-MM-DD, inclusive.")

    def validate(self, attrs):
        start, end = attrs.get("startDate"), attrs.get("endDate")
        if start and end and start > end:
            raise serializers.ValidationError({"endDate": ["endDate must not be before startDate."]})
        return attrs


class OrderListView(GenericAPIView):
    """The caller's orders, newest first, optionally placed between two dates (both inclusive)."""

    serializer_class = OrderSummarySerializer
    list_key = "orders"
    problem_responses = {400: "A malformed date, or endDate before startDate (validation_error)."}

    @extend_schema(
        operation_id="orders_list",
        summary="Your orders",
        parameters=[OrderListFilter],
        responses={200: OrderSummarySerializer(many=True)},
    )
    @reads_from_replica
    def get(self, request):
        dates = OrderListFilter(data=request.query_params)
        dates.is_valid(raise_exception=True)
        orders = selectors.orders_for_buyer(
            user=request.user,
            start_date=dates.validated_data.get("startDate"),
            end_date=dates.validated_data.get("endDate"),
        )
        page = self.paginate_queryset(orders)
        return self.get_paginated_response([render_order_summary(order) for order in page])


class TrackView(GenericAPIView):
    """Where the caller's order is: each product's status, each parcel with its tracking history and ETA."""

    serializer_class = TrackSerializer
    pagination_class = None

    @extend_schema(operation_id="orders_track", summary="Track an order", responses={200: TrackSerializer})
    def get(self, request, order_id: str):
        return Response(render_track(selectors.order_view_for_buyer(user=request.user, order_id=order_id)))


class CancelSerializer(serializers.Serializer):
    order = serializers.CharField(max_length=32, help_text="The order's id.")
    product = serializers.IntegerField(min_value=1, help_text="The product's id.")
    reason = serializers.CharField(max_length=500)
    refundInstructions = serializers.DictField(
        child=serializers.CharField(max_length=500, allow_blank=True),
        required=False,
        default=dict,
        help_text='Up to 20 named texts for the refund, e.g. {"to": "card"}.',
    )

    def validate_refundInstructions(self, value):
        if len(value) > 20 or any(len(name) > 60 for name in value):
            raise serializers.ValidationError("At most 20 instructions, each named in up to 60 characters.")
        return value


class CancelView(GenericAPIView):
    """Cancel a product of the caller's order before it ships; a paid one is refunded its share."""

    serializer_class = CancelSerializer
    pagination_class = None
    problem_responses = {
        404: "No such order of yours, or no such product in it (not_found).",
        409: "The item has shipped (item_shipped: ask for a return once it arrives), is cancelled already or the "
        "order is closed (illegal_transition), the order is being paid right now (payment_in_progress: try again "
        "once the payment completes), or the Idempotency-Key was used for another request.",
    }

    @extend_schema(
        operation_id="orders_cancel_item",
        summary="Cancel an item",
        responses={200: CancelAnswerSerializer},
    )
    @idempotency.idempotent
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = services.cancel_item(
            user=request.user,
            order_id=data["order"],
            product_id=data["product"],
            reason=data["reason"],
            refund_instructions=data["refundInstructions"],
        )
        refund = None
        if result.refunds:
            refund = render_refund_outcome(amount=result.refund_amount, status=result.refund_status)
        return Response(
            {
                "order": result.order.pk,
                "order_status": result.order.status,
                "cancelled": result.cancelled,
                "refund": refund,
            }
        )


class ReturnRequestSerializer(serializers.Serializer):
    order = serializers.CharField(max_length=32)
    product = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=500)


class ReturnListCreateView(GenericAPIView):
    """The caller's return requests (newest first); ask to return delivered units."""

    serializer_class = ReturnRequestSerializer
    list_key = "returns"
    problem_responses = {
        404: "No such order of yours, or no such product in it (not_found).",
        409: "Not delivered (item_not_delivered), outside the return window (return_window_closed), more than "
        "delivered and not yet returned (return_quantity_exceeded), or an Idempotency-Key conflict.",
    }

    @extend_schema(operation_id="returns_list", summary="Your returns", responses={200: ReturnSerializer(many=True)})
    def get(self, request):
        page = self.paginate_queryset(selectors.returns_for_buyer(user=request.user))
        return self.get_paginated_response([render_return(ret) for ret in page])

    @extend_schema(
        operation_id="returns_create",
        summary="Ask to return an item",
        responses={201: ReturnEnvelopeSerializer},
    )
    @idempotency.idempotent
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        ret = services.request_return(
            user=request.user,
            order_id=data["order"],
            product_id=data["product"],
            quantity=data["quantity"],
            reason=data["reason"],
        )
        return Response({"return": render_return(ret)}, status=status.HTTP_201_CREATED)
