"""Fixtures of the recommendations tests: three listed products, each with one variant (SKU) of its own."""

import uuid

import pytest

from tests.catalog.factories import ProductFactory
from tests.recommendations.landing_fakes import signals  # noqa: F401  (the landing tests' stand-in signals)


def new_event_id() -> str:
    return str(uuid.uuid4())


def paid_lines(*products) -> list[dict]:
    """The lines of an "order.paid" payload as orders publishes them: by SKU, without product_id."""
    return [
        {
            "line_id": index,
            "seller_id": product.seller_id,
            "product_name": product.name,
            "sku": product.variants.get().sku,
            "quantity": 1,
        }
        for index, product in enumerate(products, start=1)
    ]


@pytest.fixture
def a():
    return ProductFactory(name="A")


@pytest.fixture
def b():
    return ProductFactory(name="B")


@pytest.fixture
def c():
    return ProductFactory(name="C")
