"""Orders API: check out the cart into an order, pay it, read it back.

Checkout and pay honour ``Idempotency-Key`` (shop.api.idempotency). Answers are plain dicts; the output
serializers below only describe them in the OpenAPI schema.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from orders import selectors, services
from orders.models import Order
from payments import selectors as payment_selectors
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
    }


def render_order(order: Order, *, payments) -> dict:
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
    }


def _order_body(*, user, order_id: str) -> dict:
    order = selectors.order_for_buyer(user=user, order_id=order_id)
    return render_order(order, payments=payment_selectors.payments_for_order(order_id=order.pk))


# --- Schema of the answers (documentation only) -------------------------------------------------


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
    """One of the caller's orders with its lines and payments; anyone else's is a 404."""

    serializer_class = OrderEnvelopeSerializer

    @extend_schema(operation_id="orders_retrieve", summary="An order", responses={200: OrderEnvelopeSerializer})
    def get(self, request, order_id: str):
        return Response({"order": _order_body(user=request.user, order_id=order_id)})
