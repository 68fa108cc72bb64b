"""Fixtures and helpers of the orders tests: buyers with filled carts, stock checks, a gateway call counter."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from cart import services as cart_services
from inventory.models import StockLevel
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.inventory.checks import assert_ledger_balances  # noqa: F401  (the order tests import it from here)
from tests.payments.conftest import CallCounter, gateway_charges  # noqa: F401  (a fixture shared with payments)

ADDRESS = {
    "name": "Ann Buyer",
    "line1": "1 Main Street",
    "city": "Springfield",
    "region": "IL",
    "postal_code": "62701",
    "country": "US",
}


def fill_cart(user, *lines) -> int:
    """Put ``(variant, quantity)`` lines in the user's cart, through the cart's own use cases."""
    cart_id = cart_services.cart_id_for(request=SimpleNamespace(user=user, session={}), create=True)
    for variant, quantity in lines:
        cart_services.add_to_cart(cart_id=cart_id, product_id=variant.product_id, quantity=quantity, sku=variant.sku)
    return cart_id


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def checkout(client: APIClient, *, shipping_method: str = "standard", headers=None, **body):
    body = {"shipping_method": shipping_method, **body}
    if "address_id" not in body and "shipping_address" not in body:
        body["shipping_address"] = ADDRESS
    return client.post("/api/v1/checkout", body, format="json", headers=headers or {})


def pay(client: APIClient, order_id: str, card: str = "tok_visa", headers=None):
    return client.post(f"/api/v1/orders/{order_id}/pay", {"payment_token": card}, format="json", headers=headers or {})


def stock(variant) -> tuple[int, int]:
    """(on hand, held) of a variant."""
    level = StockLevel.objects.get(variant=variant)
    return level.on_hand, level.held


@pytest.fixture
def buyer():
    return UserFactory()


@pytest.fixture
def variant():
    """A $10.00 variant with 5 units."""
    return VariantFactory(stock=5)


@pytest.fixture
def buyer_client(buyer) -> APIClient:
    return client_for(buyer)


@pytest.fixture
def placed(buyer, buyer_client, variant) -> dict:
    """An order for 2 units of ``variant``, awaiting payment (the checkout answer's ``order``)."""
    fill_cart(buyer, (variant, 2))
    response = checkout(buyer_client)
    assert response.status_code == 201, response.content
    return response.json()["order"]


# --- After payment: paid orders, their lines shipped and delivered -------------------------------


def place_paid(buyer, *lines, shipping_method: str = "standard"):
    """An order of ``(variant, quantity)`` lines placed and paid through the API; returns the Order."""
    from orders.models import Order

    client = client_for(buyer)
    fill_cart(buyer, *lines)
    response = checkout(client, shipping_method=shipping_method)
    assert response.status_code == 201, response.content
    order_id = response.json()["order"]["id"]
    response = pay(client, order_id)
    assert response.status_code == 200, response.content
    return Order.objects.get(pk=order_id)


def ship_lines(order, *lines) -> None:
    """What logistics' "shipment.updated" (shipped) does to the order: through the orders handler."""
    from orders import events

    events.mark_lines_shipped(
        event_id="evt-ship", order_id=order.pk, status="shipped", line_ids=[line.pk for line in lines]
    )


def deliver_lines(order, *lines, at=None) -> None:
    """What logistics' "shipment.delivered" does to the order: through the orders handler."""
    from orders import events

    events.mark_lines_delivered(
        event_id="evt-deliver",
        order_id=order.pk,
        line_ids=[line.pk for line in lines],
        delivered_at=at.isoformat() if at is not None else None,
    )


def seller_client(line) -> APIClient:
    """An API client signed in as the seller of ``line``."""
    return client_for(line.seller.user)


def make_shipments(order) -> list:
    """logistics' shipments of a paid order, as its "order.paid" handler makes them."""
    from logistics import services as logistics_services

    return logistics_services.create_shipments(
        order_id=order.pk,
        buyer_id=order.buyer_id,
        shipping_method=order.shipping_method,
        paid_at=order.paid_at,
        lines=[
            {"line_id": line.pk, "seller_id": line.seller_id, "product_name": line.product_name, "sku": line.sku,
             "quantity": line.quantity}
            for line in order.lines.all()
        ],
    )  # fmt: skip


def ship_shipment(shipment, *, carrier: str = "ups", tracking_number: str = "1Z999") -> None:
    """The seller hands the parcel over (logistics), and the orders app hears of it."""
    from logistics import services as logistics_services

    logistics_services.ship(
        seller=shipment.seller, shipment_id=shipment.pk, carrier=carrier, tracking_number=tracking_number
    )
    from orders import events

    events.mark_lines_shipped(
        event_id=f"evt-{shipment.pk}",
        order_id=shipment.order_id,
        status="shipped",
        shipment_id=shipment.pk,
        line_ids=[line.order_line_id for line in shipment.lines.all()],
    )


@pytest.fixture(autouse=True)
def _celery_join_flag_reset():
    """Eager Celery guards ``result.get()`` with a process-global flag that threads racing through eager
    tasks (the outbox's deliveries) can leave set; reset it so later tests may still wait on results."""
    from celery._state import _set_task_join_will_block

    yield
    _set_task_join_will_block(False)
