"""The seller's shipments page lives in logistics: each parcel keeps where it goes, from "order.paid"."""

from __future__ import annotations

import pytest

from logistics import events as logistics_events
from logistics.models import Shipment
from orders.models import Order
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.orders.conftest import checkout, client_for, fill_cart, pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    return UserFactory()


@pytest.fixture
def buyer_client(buyer):
    return client_for(buyer)


def test_the_shipments_of_a_paid_order_keep_its_address_and_the_sellers_page_shows_it(
    client, buyer, buyer_client, monkeypatch
):
    published = []
    monkeypatch.setattr("orders.services.purchase.publish", lambda name, **payload: published.append((name, payload)))
    variant = VariantFactory(stock=5)
    fill_cart(buyer, (variant, 1))
    order_id = checkout(buyer_client).json()["order"]["id"]
    pay(buyer_client, order_id)
    _name, payload = next(event for event in published if event[0] == "order.paid")

    logistics_events.create_shipments_for_paid_order(event_id="evt-1", **payload)

    order = Order.objects.get(pk=order_id)
    shipment = Shipment.objects.get(order_id=order_id)
    assert shipment.shipping_address == order.shipping_address
    client.force_login(variant.product.seller.user)
    html = client.get("/seller/orders/").content.decode()
    assert f'data-shipment-id="{shipment.id}"' in html
    assert order.shipping_address["line1"] in html
    assert f'action="/seller/shipments/{shipment.id}/ship/"' in html


def test_an_order_paid_event_without_an_address_still_gets_its_shipments(buyer, buyer_client, monkeypatch):
    # Deliveries published before the address joined the payload carry none: the parcel is made all the same.
    published = []
    monkeypatch.setattr("orders.services.purchase.publish", lambda name, **payload: published.append((name, payload)))
    fill_cart(buyer, (VariantFactory(stock=5), 1))
    order_id = checkout(buyer_client).json()["order"]["id"]
    pay(buyer_client, order_id)
    _name, payload = next(event for event in published if event[0] == "order.paid")
    payload.pop("shipping_address")

    logistics_events.create_shipments_for_paid_order(event_id="evt-2", **payload)

    assert Shipment.objects.get(order_id=order_id).shipping_address == {}
