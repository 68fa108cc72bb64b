"""Orders API: check out the cart into an order, pay it, read it back; list, track, cancel items, return
them; the seller's sold lines and returns.

Checkout and pay honour ``Idempotency-Key`` (shop.api.idempotency). Answers are plain dicts; the output
serializers below only describe them in the OpenAPI schema.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from logistics import selectors as logistics_selectors
from orders import selectors, services
from orders.errors import NotASeller
from orders.models import Order, OrderLine, ReturnRequest
from payments import selectors as payment_selectors
from sellers import selectors as seller_selectors
from shop.api import idempotency

# --- Rendering ----------------------------------------------------------------------------------


def money(value: Decimal) -> str:
    """Money in the API: a decimal string with the currency's two places."""
    return f"{value:.2f}"


def render_payment(payment) -> dict:
    return {"id": payment.pk, "status": payment.status, "amount": money(payment.amount)}


def render_line(line) -> dict:
    return {
        "id": line.pk,
        "product_id": line.product_id,
        "variant_id": line.variant_id,
        "name": line.product_name,
        "sku": line.sku,
        "options": line.options,
        "unit_price": money(line.unit_price),
        "quantity": line.quantity,
        "line_total": money(line.line_total),
        "seller": {"id": line.seller_id, "store_name": line.seller.store_name},
        "status": line.status,
        "shipped_at": line.shipped_at,
        "delivered_at": line.delivered_at,
        "cancelled_at": line.cancelled_at,
        "returned_quantity": line.returned_quantity,
        "refunded_amount": money(line.refunded_amount),
    }


def render_refund(refund) -> dict:
    return {
        "id": refund.pk,
        "payment_id": refund.payment_id,
        "amount": money(refund.amount),
        "status": refund.status,
        "created_at": refund.created_at,
    }


def render_shipment(shipment) -> dict:
    return {
        "id": shipment.pk,
        "seller_id": shipment.seller_id,
        "carrier": shipment.carrier,
        "tracking_number": shipment.tracking_number,
        "status": shipment.status,
        "eta": shipment.eta,
        "shipped_at": shipment.shipped_at,
        "delivered_at": shipment.delivered_at,
        "line_ids": [line.order_line_id for line in shipment.lines.all() if not line.cancelled],
        "events": [
            {"status": event.status, "at": event.at, "location": event.location, "description": event.description}
            for event in shipment.events.all()
        ],
    }


def render_return(ret: ReturnRequest) -> dict:
    return {
        "id": ret.pk,
        "order": ret.order_id,
        "line_id": ret.line_id,
        "product": ret.line.product_id,
        "name": ret.line.product_name,
        "sku": ret.line.sku,
        "quantity": ret.quantity,
        "reason": ret.reason,
        "status": ret.status,
        "return_code": ret.return_code or None,
        "rejection_reason": ret.rejection_reason or None,
        "resellable": ret.resellable,
        "refund": None
        if ret.refund_amount is None
        else {"amount": money(ret.refund_amount), "id": ret.refund_id or None},
        "created_at": ret.created_at,
        "decided_at": ret.decided_at,
        "received_at": ret.received_at,
    }


def render_order(order: Order, *, payments, shipments=None) -> dict:
    return {
        "id": order.pk,
        "status": order.status,
        "expires_at": order.expires_at,
        "placed_at": order.placed_at,
        "paid_at": order.paid_at,
        "subtotal": money(order.subtotal),
        "shipping": money(order.shipping),
        "tax": money(order.tax),
        "total": money(order.total),
        "currency": order.currency,
        "shipping_method": order.shipping_method,
        "shipping_address": order.shipping_address,
        "lines": [render_line(line) for line in order.lines.all()],
        "payments": [render_payment(payment) for payment in payments],
        "refunded_amount": money(order.refunded_amount),
        "refunds": [render_refund(refund) for payment in payments for refund in payment.refunds.all()],
        "shipments": [render_shipment(shipment) for shipment in shipments or ()],
    }


def _order_body(*, user, order_id: str) -> dict:
    """The order with its lines, payments and their refunds, and shipments: a fixed number of queries."""
    order = selectors.order_for_buyer(user=user, order_id=order_id)
    payments = payment_selectors.payments_for_order(order_id=order.pk)
    prefetch_related_objects(payments, "refunds")
    shipments = logistics_selectors.shipments_for_order(order_id=order.pk) if order.paid_at else []
    return render_order(order, payments=payments, shipments=shipments)


def render_order_summary(order: Order) -> dict:
    return {
        "id": order.pk,
        "details": {
            "status": order.status,
            "placed_at": order.placed_at,
            "paid_at": order.paid_at,
            "subtotal": money(order.subtotal),
            "shipping": money(order.shipping),
            "tax": money(order.tax),
            "total": money(order.total),
            "currency": order.currency,
            "shipping_method": order.shipping_method,
            "lines": [render_line(line) for line in order.lines.all()],
        },
    }


def render_track(order: Order, *, shipments) -> dict:
    live = [shipment for shipment in shipments if shipment.status != "cancelled"]
    etas = [shipment.eta for shipment in live if shipment.eta]
    return {
        "id": order.pk,
        "ETA": max(etas) if etas else None,
        "status": order.status,
        "products": [
            {
                "id": line.product_id,
                "line_id": line.pk,
                "name": line.product_name,
                "sku": line.sku,
                "quantity": line.quantity,
                "status": line.status,
            }
            for line in order.lines.all()
        ],
        "shipments": [render_shipment(shipment) for shipment in live],
    }


def render_seller_line(line: OrderLine) -> dict:
    order = line.order
    return {
        "id": line.pk,
        "order": {
            "id": order.pk,
            "status": order.status,
            "placed_at": order.placed_at,
            "paid_at": order.paid_at,
            "shipping_method": order.shipping_method,
            "shipping_address": order.shipping_address,
        },
        "product_id": line.product_id,
        "variant_id": line.variant_id,
        "name": line.product_name,
        "sku": line.sku,
        "options": line.options,
        "unit_price": money(line.unit_price),
        "quantity": line.quantity,
        "line_total": money(line.line_total),
        "status": line.status,
        "returned_quantity": line.returned_quantity,
    }


def _seller(request):
    seller = seller_selectors.seller_for_user(user=request.user)
    if seller is None:
        raise NotASeller()
    return seller


# --- Schema of the answers (documentation only) -------------------------------------------------


ORDER_STATUSES = "pending_payment, paid, partially_shipped, shipped, delivered, cancelled or expired."


class MoneyField(serializers.CharField):
    """Money in answers: a decimal string with two places, e.g. "19.99"."""


class SellerRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    store_name = serializers.CharField()


class OrderLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    product_id = serializers.IntegerField()
    variant_id = serializers.IntegerField()
    name = serializers.CharField(help_text="The product's name at checkout.")
    sku = serializers.CharField()
    options = serializers.DictField(child=serializers.CharField(), help_text='e.g. {"size": "M"}')
    unit_price = MoneyField(help_text="The price at checkout.")
    quantity = serializers.IntegerField()
    line_total = MoneyField()
    seller = SellerRefSerializer()


class PaymentSummarySerializer(serializers.Serializer):
    id = serializers.CharField()
    status = serializers.ChoiceField(choices=["pending", "succeeded", "failed"])
    amount = MoneyField()


class ShippingAddressSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150, help_text="Recipient's full name.")
    line1 = serializers.CharField(max_length=200)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100)
    region = serializers.CharField(max_length=100, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=20)
    country = serializers.RegexField(
        r"^[A-Za-z]{2}$",
        max_length=2,
        help_text="ISO 3166-1 alpha-2 code, e.g. US.",
        error_messages={"invalid": "Use the two-letter country code, e.g. US."},
    )
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)


class OrderSerializer(serializers.Serializer):
    id = serializers.CharField(help_text='Opaque, e.g. "ord_3fQ..."')
    status = serializers.ChoiceField(choices=Order.Status.choices)
    expires_at = serializers.DateTimeField(help_text="Stock is held until then; unpaid, the order then expires.")
    placed_at = serializers.DateTimeField()
    paid_at = serializers.DateTimeField(allow_null=True)
    subtotal = MoneyField()
    shipping = MoneyField()
    tax = MoneyField()
    total = MoneyField()
    currency = serializers.CharField()
    shipping_method = serializers.CharField()
    shipping_address = ShippingAddressSerializer()
    lines = OrderLineSerializer(many=True)
    payments = PaymentSummarySerializer(many=True)


class OrderEnvelopeSerializer(serializers.Serializer):
    order = OrderSerializer()


class RefundSummarySerializer(serializers.Serializer):
    id = serializers.CharField()
    payment_id = serializers.CharField()
    amount = MoneyField()
    status = serializers.CharField(help_text="pending, succeeded or failed.")
    created_at = serializers.DateTimeField()


class OrderTrackingEventSerializer(serializers.Serializer):
    status = serializers.CharField()
    at = serializers.DateTimeField()
    location = serializers.CharField()
    description = serializers.CharField()


class OrderShipmentSerializer(serializers.Serializer):
    id = serializers.CharField()
    seller_id = serializers.IntegerField()
    carrier = serializers.CharField()
    tracking_number = serializers.CharField()
    status = serializers.CharField()
    eta = serializers.DateField()
    shipped_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    line_ids = serializers.ListField(child=serializers.IntegerField())
    events = OrderTrackingEventSerializer(many=True)


class OrderDetailSerializer(OrderSerializer):
    status = serializers.CharField(help_text=ORDER_STATUSES)
    refunded_amount = MoneyField()
    refunds = RefundSummarySerializer(many=True)
    shipments = OrderShipmentSerializer(many=True)


class OrderDetailEnvelopeSerializer(serializers.Serializer):
    order = OrderDetailSerializer()


class OrderDetailsSerializer(serializers.Serializer):
    status = serializers.CharField(help_text=ORDER_STATUSES)
    placed_at = serializers.DateTimeField()
    paid_at = serializers.DateTimeField(allow_null=True)
    subtotal = MoneyField()
    shipping = MoneyField()
    tax = MoneyField()
    total = MoneyField()
    currency = serializers.CharField()
    shipping_method = serializers.CharField()
    lines = OrderLineSerializer(many=True)


class OrderSummarySerializer(serializers.Serializer):
    id = serializers.CharField()
    details = OrderDetailsSerializer()


class TrackProductSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The product's id.")
    line_id = serializers.IntegerField()
    name = serializers.CharField()
    sku = serializers.CharField()
    quantity = serializers.IntegerField()
    status = serializers.CharField(help_text="open, shipped, delivered, cancelled or returned.")


class TrackSerializer(serializers.Serializer):
    id = serializers.CharField()
    ETA = serializers.DateField(allow_null=True, help_text="The latest estimated delivery of its parcels.")
    status = serializers.CharField(help_text=ORDER_STATUSES)
    products = TrackProductSerializer(many=True)
    shipments = OrderShipmentSerializer(many=True)


class RefundOutcomeSerializer(serializers.Serializer):
    amount = MoneyField()
    status = serializers.CharField(help_text="pending, succeeded or failed.")


class CancelAnswerSerializer(serializers.Serializer):
    order = serializers.CharField(help_text="The order's id.")
    order_status = serializers.CharField(help_text=ORDER_STATUSES)
    cancelled = serializers.ListField(child=serializers.IntegerField(), help_text="The ids of the lines cancelled.")
    refund = RefundOutcomeSerializer(allow_null=True, help_text="null for an unpaid order.")


class ReturnRefundSerializer(serializers.Serializer):
    amount = MoneyField()
    id = serializers.CharField(allow_null=True)


class ReturnSerializer(serializers.Serializer):
    id = serializers.CharField()
    order = serializers.CharField()
    line_id = serializers.IntegerField()
    product = serializers.IntegerField()
    name = serializers.CharField()
    sku = serializers.CharField()
    quantity = serializers.IntegerField()
    reason = serializers.CharField()
    status = serializers.CharField(help_text="requested, approved, rejected or received.")
    return_code = serializers.CharField(allow_null=True)
    rejection_reason = serializers.CharField(allow_null=True)
    resellable = serializers.BooleanField(allow_null=True)
    refund = ReturnRefundSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)


# "return" is a keyword: these answers' fields are declared through type().
ReturnEnvelopeSerializer = type(
    "ReturnEnvelopeSerializer", (serializers.Serializer,), {"return": ReturnSerializer(), "__module__": __name__}
)
ReceiveAnswerSerializer = type(
    "ReceiveAnswerSerializer",
    (ReturnEnvelopeSerializer,),
    {"refund": RefundOutcomeSerializer(allow_null=True), "__module__": __name__},
)


class SellerOrderRefSerializer(serializers.Serializer):
    id = serializers.CharField()
    status = serializers.CharField(help_text=ORDER_STATUSES)
    placed_at = serializers.DateTimeField()
    paid_at = serializers.DateTimeField(allow_null=True)
    shipping_method = serializers.CharField()
    shipping_address = ShippingAddressSerializer()


class SellerLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = SellerOrderRefSerializer()
    product_id = serializers.IntegerField()
    variant_id = serializers.IntegerField()
    name = serializers.CharField()
    sku = serializers.CharField()
    options = serializers.DictField(child=serializers.CharField())
    unit_price = MoneyField()
    quantity = serializers.IntegerField()
    line_total = MoneyField()
    status = serializers.CharField(help_text="open, shipped, delivered, cancelled or returned.")
    returned_quantity = serializers.IntegerField()


class PayAnswerSerializer(serializers.Serializer):
    order = OrderSerializer()
    payment = PaymentSummarySerializer(allow_null=True, help_text="This request's payment.")


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
        "(items_unavailable), or the Idempotency-Key was used for another request (idempotency_conflict).",
    }

    @extend_schema(
        operation_id="checkout",
        summary="Check out the cart",
        parameters=[idempotency.PARAMETER],
        responses={201: OrderEnvelopeSerializer},
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
        )
        response = Response({"order": _order_body(user=request.user, order_id=order.pk)}, status=201)
        response["Location"] = reverse("api:orders:order", kwargs={"order_id": order.pk})
        return response


class OrderPayView(GenericAPIView):
    """Pay an order awaiting payment: 200 paid, 202 while an asynchronous payment settles."""

    serializer_class = PaySerializer
    problem_responses = {
        402: "The card was declined (payment_declined); the order stays payable until it expires.",
        409: "The order expired (order_expired) or cannot be paid any more (order_not_payable), or the "
        "Idempotency-Key was used for another request (idempotency_conflict).",
    }

    @extend_schema(
        operation_id="orders_pay",
        summary="Pay an order",
        parameters=[idempotency.PARAMETER],
        responses={200: PayAnswerSerializer, 202: PayAnswerSerializer},
    )
    @idempotency.idempotent
    def post(self, request, order_id: str):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.pay_order(
            user=request.user, order_id=order_id, payment_token=serializer.validated_data["payment_token"]
        )
        body = {
            "order": _order_body(user=request.user, order_id=result.order.pk),
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

    @extend_schema(operation_id="orders_list", summary="Your orders", parameters=[OrderListFilter])
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
        order = selectors.order_for_buyer(user=request.user, order_id=order_id)
        shipments = logistics_selectors.shipments_for_order(order_id=order.pk) if order.paid_at else []
        return Response(render_track(order, shipments=shipments))


class CancelSerializer(serializers.Serializer):
    order = serializers.CharField(max_length=32, help_text="The order's id.")
    product = serializers.IntegerField(min_value=1, help_text="The product's id.")
    reason = serializers.CharField(max_length=500)
    refundInstructions = serializers.DictField(required=False, default=dict)


class CancelView(GenericAPIView):
    """Cancel a product of the caller's order before it ships; a paid one is refunded its share."""

    serializer_class = CancelSerializer
    pagination_class = None
    problem_responses = {
        404: "No such order of yours, or no such product in it (not_found).",
        409: "The item has shipped (item_shipped: ask for a return once it arrives), is cancelled already or the "
        "order is closed (illegal_transition), or the Idempotency-Key was used for another request.",
    }

    @extend_schema(
        operation_id="orders_cancel_item",
        summary="Cancel an item",
        parameters=[idempotency.PARAMETER],
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
            refund = {"amount": money(result.refund_amount), "status": result.refund_status}
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
        parameters=[idempotency.PARAMETER],
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


class SellerOrderListView(GenericAPIView):
    """The lines of paid orders that are the calling seller's products, newest order first."""

    serializer_class = SellerLineSerializer
    list_key = "lines"
    problem_responses = {403: "The caller is not a seller (permission_denied)."}

    @extend_schema(operation_id="seller_orders_list", summary="Your sold items")
    def get(self, request):
        page = self.paginate_queryset(selectors.lines_for_seller(seller=_seller(request)))
        return self.get_paginated_response([render_seller_line(line) for line in page])


class SellerReturnListView(GenericAPIView):
    """Return requests for the calling seller's items, newest first."""

    serializer_class = ReturnSerializer
    list_key = "returns"
    problem_responses = {403: "The caller is not a seller (permission_denied)."}

    @extend_schema(operation_id="seller_returns_list", summary="Returns of your items")
    def get(self, request):
        page = self.paginate_queryset(selectors.returns_for_seller(seller=_seller(request)))
        return self.get_paginated_response([render_return(ret) for ret in page])


SELLER_RETURN_PROBLEMS = {
    403: "The caller is not a seller (permission_denied).",
    404: "No such return of the caller's items (not_found).",
    409: "Not possible in the return's state (illegal_transition).",
}


class SellerReturnApproveView(GenericAPIView):
    """Accept a return: the answer carries the return code the buyer writes on the parcel."""

    serializer_class = ReturnEnvelopeSerializer
    pagination_class = None
    problem_responses = SELLER_RETURN_PROBLEMS

    @extend_schema(operation_id="seller_returns_approve", summary="Approve a return", request=None)
    def post(self, request, return_id: str):
        ret = services.approve_return(user=request.user, return_id=return_id)
        return Response({"return": render_return(_reload_return(request, ret))})


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class SellerReturnRejectView(GenericAPIView):
    """Refuse a return, saying why."""

    serializer_class = RejectSerializer
    pagination_class = None
    problem_responses = SELLER_RETURN_PROBLEMS

    @extend_schema(
        operation_id="seller_returns_reject", summary="Reject a return", responses={200: ReturnEnvelopeSerializer}
    )
    def post(self, request, return_id: str):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ret = services.reject_return(user=request.user, return_id=return_id, reason=serializer.validated_data["reason"])
        return Response({"return": render_return(_reload_return(request, ret))})


class ReceiveSerializer(serializers.Serializer):
    resellable = serializers.BooleanField(help_text="Whether the units can go back on sale.")


class SellerReturnReceiveView(GenericAPIView):
    """The parcel arrived: resellable units go back on sale and the buyer is refunded."""

    serializer_class = ReceiveSerializer
    pagination_class = None
    problem_responses = SELLER_RETURN_PROBLEMS

    @extend_schema(
        operation_id="seller_returns_receive", summary="Receive a return", responses={200: ReceiveAnswerSerializer}
    )
    def post(self, request, return_id: str):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.receive_return(
            user=request.user, return_id=return_id, resellable=serializer.validated_data["resellable"]
        )
        refund = result.refund
        return Response(
            {
                "return": render_return(_reload_return(request, result.return_request)),
                "refund": None if refund is None else {"amount": money(refund.amount), "status": refund.status},
            }
        )


def _reload_return(request, ret: ReturnRequest) -> ReturnRequest:
    return selectors.return_for_seller(seller=_seller(request), return_id=ret.pk)
