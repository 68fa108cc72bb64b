"""Fixtures and helpers of the orders tests: buyers with filled carts, stock checks, a gateway call counter."""

from __future__ import annotations

import threading
from types import SimpleNamespace

from django.db.models import Sum
import pytest
from rest_framework.test import APIClient

from cart import services as cart_services
from inventory.models import Hold, StockLevel, StockMovement
from payments.gateways.test import TestGateway
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory

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


def assert_ledger_balances(variant) -> StockLevel:
    """The ledger's deltas add up to the level, and the active holds make up exactly what is held."""
    level = StockLevel.objects.get(variant=variant)
    totals = StockMovement.objects.filter(variant=variant).aggregate(
        on_hand=Sum("on_hand_delta"), held=Sum("held_delta")
    )
    assert (totals["on_hand"], totals["held"]) == (level.on_hand, level.held)
    active = Hold.objects.filter(variant=variant, status=Hold.Status.ACTIVE).aggregate(units=Sum("quantity"))
    assert (active["units"] or 0) == level.held
    return level


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


class CallCounter:
    def __init__(self):
        self.calls: list[dict] = []
        self._lock = threading.Lock()

    def add(self, **kwargs):
        with self._lock:
            self.calls.append(kwargs)

    def __len__(self) -> int:
        return len(self.calls)


@pytest.fixture
def gateway_charges(monkeypatch) -> CallCounter:
    """Counts the test gateway's charge calls (thread-safe) while still charging."""
    counter = CallCounter()
    original = TestGateway.charge

    def counting_charge(self, **kwargs):
        counter.add(**kwargs)
        return original(self, **kwargs)

    monkeypatch.setattr(TestGateway, "charge", counting_charge)
    return counter
