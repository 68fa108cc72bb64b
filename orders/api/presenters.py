"""Orders API presenters: the dicts the answers carry, and the serializers that describe them in the schema.

Answers are plain dicts built here; the output serializers below only document them in the OpenAPI schema.
"""

from __future__ import annotations

from rest_framework import serializers

from logistics import selectors as logistics_selectors
from orders.models import Order, OrderLine, ReturnRequest
from orders.selectors import BuyerOrderView
from shop.money import to_str

# --- Rendering ----------------------------------------------------------------------------------


def render_payment(payment) -> dict:
    return {"id": payment.pk, "status": payment.status, "amount": to_str(payment.amount)}


def _line_item(line: OrderLine) -> dict:
    """What was bought on a line, as the buyer's and the seller's answers both show it."""
    return {
        "product_id": line.product_id,
        "variant_id": line.variant_id,
        "name": line.product_name,
        "sku": line.sku,
        "options": line.options,
        "unit_price": to_str(line.unit_price),
        "quantity": line.quantity,
        "line_total": to_str(line.line_total),
    }


def _order_totals(order: Order) -> dict:
    """When the order was placed and paid, what it costs and how it ships: shared by its full and short forms."""
    return {
        "placed_at": order.placed_at,
        "paid_at": order.paid_at,
        "subtotal": to_str(order.subtotal),
        "shipping": to_str(order.shipping),
        "tax": to_str(order.tax),
        "total": to_str(order.total),
        "currency": order.currency,
        "shipping_method": order.shipping_method,
    }


def render_line(line) -> dict:
    return {
        "id": line.pk,
        **_line_item(line),
        "seller": {"id": line.seller_id, "store_name": line.seller.store_name},
        "status": line.status,
        "shipped_at": line.shipped_at,
        "delivered_at": line.delivered_at,
        "cancelled_at": line.cancelled_at,
        "returned_quantity": line.returned_quantity,
        "refunded_amount": to_str(line.refunded_amount),
    }


def render_refund(refund) -> dict:
    return {
        "id": refund.pk,
        "payment_id": refund.payment_id,
        "amount": to_str(refund.amount),
        "status": refund.status,
        "created_at": refund.created_at,
    }


def render_refund_outcome(*, amount, status: str) -> dict:
    """What a cancel or a received return refunds, and how far the refund got."""
    return {"amount": to_str(amount), "status": status}


def render_shipment(shipment) -> dict:
    return {
        "id": shipment.pk,
        "seller_id": shipment.seller_id,
        "carrier": shipment.carrier,
        "carrier_name": logistics_selectors.carrier_name(code=shipment.carrier),
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
    """A return request; once approved, with where the buyer sends it (load ``ret.seller`` with it)."""
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
        "return_address": (ret.seller.return_address or None) if ret.status == ReturnRequest.Status.APPROVED else None,
        "return_instructions": ret.seller.return_instructions if ret.status == ReturnRequest.Status.APPROVED else None,
        "resellable": ret.resellable,
        "refund": None
        if ret.refund_amount is None
        else {"amount": to_str(ret.refund_amount), "id": ret.refund_id or None},
        "created_at": ret.created_at,
        "decided_at": ret.decided_at,
        "received_at": ret.received_at,
    }


def render_order(order: Order, *, payments, refunds=None, shipments=None) -> dict:
    """The order's full answer; ``refunds`` are those of ``payments`` (read from each payment's when not given)."""
    if refunds is None:
        refunds = [refund for payment in payments for refund in payment.refunds.all()]
    return {
        "id": order.pk,
        "status": order.status,
        "expires_at": order.expires_at,
        **_order_totals(order),
        "shipping_address": order.shipping_address,
        "lines": [render_line(line) for line in order.lines.all()],
        "payments": [render_payment(payment) for payment in payments],
        "refunded_amount": to_str(order.refunded_amount),
        "refunds": [render_refund(refund) for refund in refunds],
        "shipments": [render_shipment(shipment) for shipment in shipments or ()],
    }


def render_order_summary(order: Order) -> dict:
    return {
        "id": order.pk,
        "details": {
            "status": order.status,
            **_order_totals(order),
            "lines": [render_line(line) for line in order.lines.all()],
        },
    }


def render_track(view: BuyerOrderView) -> dict:
    """The order's products and live parcels, with the ETA the order page shows (selectors.order_view_for_buyer)."""
    order = view.order
    live = [shipment for shipment in view.shipments if shipment.status != "cancelled"]
    return {
        "id": order.pk,
        "ETA": view.eta,
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
        **_line_item(line),
        "status": line.status,
        "returned_quantity": line.returned_quantity,
    }


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
    status = serializers.CharField(help_text="open, shipped, delivered, cancelled or returned.")
    shipped_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True, help_text="The return window counts from here.")
    cancelled_at = serializers.DateTimeField(allow_null=True)
    returned_quantity = serializers.IntegerField(help_text="Units received back from the buyer.")
    refunded_amount = MoneyField()


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
    carrier = serializers.CharField(help_text="The carrier's code, e.g. `ups` or `simulated`.")
    carrier_name = serializers.CharField(help_text="The carrier's name as buyers read it.")
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
    return_address = serializers.CharField(
        allow_null=True,
        help_text="Where to send the parcel, once approved (null before, after, or when the seller gave none).",
    )
    return_instructions = serializers.CharField(
        allow_null=True,
        help_text="Once approved: the return address, or how the seller will tell you where to send it.",
    )
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
    order = OrderDetailSerializer()
    payment = PaymentSummarySerializer(allow_null=True, help_text="This request's payment.")
