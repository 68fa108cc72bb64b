"""Fixtures of the notifications tests: a paid order of one buyer with lines from two sellers."""

from decimal import Decimal
import uuid

import pytest

from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.notifications.factories import order_with_lines, paid_payload  # noqa: F401


def new_event_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def buyer():
    return UserFactory(name="Ann Buyer", email="ann@example.com")


@pytest.fixture
def mug():
    return VariantFactory(product=ProductFactory(name="Blue Mug", price=Decimal("12.00"), default_variant=False))


@pytest.fixture
def tea():
    return VariantFactory(product=ProductFactory(name="Green Tea", price=Decimal("5.00"), default_variant=False))


@pytest.fixture
def order(buyer, mug, tea):
    """Paid: 2 Blue Mugs from one seller, 1 Green Tea from another."""
    return order_with_lines(buyer, (mug, 2), (tea, 1))


def line_of(order, variant):
    return order.lines.get(variant=variant)
