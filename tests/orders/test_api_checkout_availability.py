"""Holds end by themselves: with no sweep running, the units of an order left unpaid past its expires_at are
available again everywhere at once, and the checkout that needs them expires that order first."""

import time

from django.test import Client, override_settings
from django.utils import timezone
import pytest
from rest_framework.test import APIClient

from inventory.models import Hold, StockMovement
from orders import services
from orders.models import Order, OrderEvent
from shop.models import OutboxEvent
from tests.accounts.factories import UserFactory
from tests.orders.conftest import assert_ledger_balances, checkout, client_for, fill_cart

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unlimited_holds")]  # whole stocks held


HOLD_SECONDS = 3  # long enough for the checks made while the hold runs, even on a busy machine


def abandon(variant, quantity: int) -> str:
    """Another buyer checks out ``quantity`` units, held for HOLD_SECONDS, and never pays."""
    buyer = UserFactory()
    fill_cart(buyer, (variant, quantity))
    with override_settings(ORDER_HOLD_SECONDS=HOLD_SECONDS):
        response = checkout(client_for(buyer))
    assert response.status_code == 201, response.content
    return response.json()["order"]["id"]


def wait_past_the_hold(order_id: str) -> None:
    """Sleep until just after the order's expires_at (no sweep runs meanwhile)."""
    left = (Order.objects.get(pk=order_id).expires_at - timezone.now()).total_seconds()
    time.sleep(max(left, 0) + 0.1)


def test_with_no_sweep_the_units_of_an_abandoned_order_can_be_bought_right_after_its_hold_ends(
    buyer, buyer_client, variant
):
    abandoned = abandon(variant, 5)
    wait_past_the_hold(abandoned)
    fill_cart(buyer, (variant, 5))

    response = checkout(buyer_client)

    assert response.status_code == 201, response.content
    stale = Order.objects.get(pk=abandoned)
    assert (stale.status, stale.closed_at is not None) == ("expired", True)
    assert Hold.objects.get(reference=abandoned).status == Hold.Status.RELEASED
    assert StockMovement.objects.filter(reference=abandoned, reason=StockMovement.Reason.RELEASE).count() == 1
    assert OrderEvent.objects.filter(order=stale, kind="expired").count() == 1
    assert OutboxEvent.objects.filter(name="order.expired", payload__order_id=abandoned).count() == 1
    level = assert_ledger_balances(variant)
    assert (level.on_hand, level.held) == (5, 5)
    assert services.expire_overdue_orders() == 0  # nothing left for a sweep to tidy


def test_a_checkout_the_free_units_can_serve_leaves_the_abandoned_order_to_the_sweep(buyer, buyer_client, variant):
    abandoned = abandon(variant, 2)
    wait_past_the_hold(abandoned)
    fill_cart(buyer, (variant, 3))

    assert checkout(buyer_client).status_code == 201

    assert Order.objects.get(pk=abandoned).status == "pending_payment"
    assert services.expire_overdue_orders() == 1
    assert assert_ledger_balances(variant).held == 3


def test_a_checkout_short_even_with_the_lapsed_units_is_out_of_stock_and_expires_nothing(buyer, buyer_client, variant):
    fill_cart(buyer, (variant, 5))
    abandoned = abandon(variant, 4)
    paying = UserFactory()
    fill_cart(paying, (variant, 1))
    assert checkout(client_for(paying)).status_code == 201  # holds the last unit for 300 s
    wait_past_the_hold(abandoned)

    response = checkout(buyer_client)

    assert response.status_code == 409, response.content
    assert response.json()["lines"] == [{"variant_id": variant.pk, "requested": 5, "available": 4}]
    assert Order.objects.get(pk=abandoned).status == "pending_payment"


def test_the_product_api_page_search_filter_and_cart_show_the_units_again_once_the_hold_ends(buyer, variant):
    abandoned = abandon(variant, 5)
    anonymous = APIClient()
    product_url = f"/api/v1/products/{variant.product_id}"
    assert anonymous.get(product_url).json()["in_stock"] is False
    assert variant.product_id not in in_stock_ids(anonymous)
    assert "Sold out" in product_page(variant)

    wait_past_the_hold(abandoned)

    detail = anonymous.get(product_url).json()
    assert detail["in_stock"] is True
    assert [v["available"] for v in detail["variants"]] == [5]
    assert variant.product_id in in_stock_ids(anonymous)
    assert "Sold out" not in product_page(variant)
    fill_cart(buyer, (variant, 5))  # the cart refuses more than is available
    lines = client_for(buyer).get("/api/v1/cart").json()["products"]
    assert [(line["quantity"], line["available"]) for line in lines] == [(5, 5)]
    assert Order.objects.get().status == "pending_payment"  # showing the units expired nothing


def product_page(variant) -> str:
    response = Client().get(f"/p/{variant.product_id}/", follow=True)
    assert response.status_code == 200
    return response.content.decode()


def in_stock_ids(client) -> set[int]:
    response = client.get("/api/v1/products", {"in_stock": "true", "limit": 100})
    assert response.status_code == 200, response.content
    return {product["id"] for product in response.json()["products"]}
