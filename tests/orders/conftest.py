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
