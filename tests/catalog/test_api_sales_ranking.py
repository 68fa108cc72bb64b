"""The "Best selling" sort and the search suggestions follow real sales, through the real events (outbox, eager
Celery): a product bought more moves first, and goes back when its paid item is cancelled."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from catalog.models import Product
from orders.models import Order
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.orders.conftest import client_for, place_paid

pytestmark = pytest.mark.django_db(transaction=True)


def bestselling(client) -> list[int]:
    response = client.get("/api/v1/products", {"sort": "bestselling", "q": "teapot"})
    assert response.status_code == 200, response.content
    return [product["id"] for product in response.json()["products"]]


def suggested(client) -> list[int]:
    response = client.get("/api/v1/search/suggest", {"q": "teap"})
    assert response.status_code == 200, response.content
    return [product["id"] for product in response.json()["products"]]


def cancel(order: Order, product: Product):
    body = {"order": order.pk, "product": product.pk, "reason": "changed my mind"}
    response = client_for(order.buyer).post("/api/v1/cancel", body, format="json")
    assert response.status_code == 200, response.content


def test_buying_one_more_moves_a_product_first_and_cancelling_it_moves_it_back():
    earlier = ProductFactory(name="Teapot Classic", default_variant=False)
    later = ProductFactory(name="Teapot Modern", default_variant=False)
    classic = VariantFactory(product=earlier, price=Decimal("10.00"), stock=10)
    modern = VariantFactory(product=later, price=Decimal("10.00"), stock=10)
    anonymous = APIClient()
    place_paid(UserFactory(), (classic, 1))
    assert bestselling(anonymous) == [earlier.pk, later.pk]
    assert suggested(anonymous) == [earlier.pk, later.pk]

    order = place_paid(UserFactory(), (modern, 2))

    assert [Product.objects.get(pk=p.pk).sales_count for p in (earlier, later)] == [1, 2]
    assert bestselling(anonymous) == [later.pk, earlier.pk]
    assert suggested(anonymous) == [later.pk, earlier.pk]

    cancel(order, later)

    assert Product.objects.get(pk=later.pk).sales_count == 0
    assert bestselling(anonymous) == [earlier.pk, later.pk]
    assert suggested(anonymous) == [earlier.pk, later.pk]
