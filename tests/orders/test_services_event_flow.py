"""The lifecycle end to end through the real events (outbox, eager Celery, logistics' handlers):
payment creates the shipment, shipping and delivery move the lines, and then only a return is possible."""

from django.utils import timezone
import pytest

from logistics import selectors as logistics_selectors
from logistics import services as logistics_services
from orders.models import Order
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.orders.conftest import client_for, place_paid

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_paid_order_is_shipped_and_delivered_through_the_events():
    variant = VariantFactory(stock=5)
    order = place_paid(UserFactory(), (variant, 1))
    (shipment,) = logistics_selectors.shipments_for_order(order_id=order.pk)
    client = client_for(order.buyer)

    logistics_services.ship(seller=shipment.seller, shipment_id=shipment.pk, carrier="ups", tracking_number="1Z1")
    assert Order.objects.get(pk=order.pk).status == "shipped"
    body = {"order": order.pk, "product": variant.product_id, "reason": "late"}
    assert client.post("/api/v1/cancel", body, format="json").json()["code"] == "item_shipped"

    logistics_services.advance(shipment_id=shipment.pk, to_status="in_transit", location="Hub", at=timezone.now())
    logistics_services.advance(shipment_id=shipment.pk, to_status="delivered", location="Door", at=timezone.now())

    assert Order.objects.get(pk=order.pk).status == "delivered"
    track = client.get(f"/api/v1/track/{order.pk}").json()
    assert [p["status"] for p in track["products"]] == ["delivered"]
    assert [e["status"] for e in track["shipments"][0]["events"]] == ["shipped", "in_transit", "delivered"]
    ret = {"order": order.pk, "product": variant.product_id, "quantity": 1, "reason": "broken"}
    assert client.post("/api/v1/returns", ret, format="json").status_code == 201
