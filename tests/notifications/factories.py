"""Factories of the notifications tests: notifications, and orders written straight to the tables
(the handlers only read orders, so these tests need none of the checkout machinery)."""

from datetime import timedelta
from decimal import Decimal
import uuid

from django.utils import timezone
import factory

from notifications.models import Notification
from orders.models import Order, OrderLine
from tests.accounts.factories import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    kind = Notification.Kind.ORDER_PAID
    title = factory.Sequence(lambda n: f"Notification {n}")
    body = "Something happened."
    url = "/orders/ord_x/"
    event_id = factory.LazyFunction(lambda: str(uuid.uuid4()))


def order_with_lines(buyer, *lines) -> Order:
    """A paid order of ``buyer`` with one line per ``(variant, quantity)``."""
    subtotal = sum((variant.price * quantity for variant, quantity in lines), Decimal(0))
    now = timezone.now()
    order = Order.objects.create(
        buyer=buyer,
        status=Order.Status.PAID,
        shipping_address={"name": "Ann Buyer", "line1": "1 Main Street", "city": "Springfield", "country": "US"},
        shipping_method="standard",
        subtotal=subtotal,
        shipping=Decimal("4.99"),
        tax=Decimal("0.00"),
        total=subtotal + Decimal("4.99"),
        currency="USD",
        expires_at=now + timedelta(minutes=5),
        paid_at=now,
    )
    for variant, quantity in lines:
        OrderLine.objects.create(
            order=order,
            variant=variant,
            product=variant.product,
            seller=variant.product.seller,
            product_name=variant.product.name,
            sku=variant.sku,
            unit_price=variant.price,
            quantity=quantity,
            line_total=variant.price * quantity,
        )
    return order


def paid_payload(order: Order) -> dict:
    """The "order.paid" payload orders publishes for ``order``."""
    return {
        "order_id": order.pk,
        "buyer_id": order.buyer_id,
        "shipping_method": order.shipping_method,
        "paid_at": order.paid_at.isoformat(),
        "lines": [
            {
                "line_id": line.pk,
                "seller_id": line.seller_id,
                "product_name": line.product_name,
                "sku": line.sku,
                "quantity": line.quantity,
            }
            for line in order.lines.order_by("id")
        ],
    }
