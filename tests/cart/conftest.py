"""Products to put in carts, built through the catalog's own services, and signed-in clients."""

from decimal import Decimal

from django.test import Client
import pytest
from rest_framework.test import APIClient

from catalog import services as catalog_services
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.sellers.factories import SellerFactory


def make_product(seller, name, *, price="12.00", quantity=5, variants=None):
    return catalog_services.create_product(
        seller=seller,
        name=name,
        price=None if variants else Decimal(price),
        quantity=None if variants else quantity,
        variants=variants,
    )


def variant_id(product, sku=None) -> int:
    variants = product.variants.all()
    return (variants.get(sku=sku) if sku else variants.get()).pk


@pytest.fixture
def seller():
    return SellerFactory(store_name="Trail Co")


@pytest.fixture
def mug(seller):
    """One variant, 12.00, five units."""
    return make_product(seller, "Blue Mug", price="12.00", quantity=5)


@pytest.fixture
def shoe(seller):
    """Sizes and colours: S/Red 4 units, S/Blue sold out, M/Red 2 units, L/Blue 9 units; no M/Blue."""
    return make_product(
        seller,
        "Trail Shoe",
        variants=[
            {"sku": "SHOE-S-RED", "options": {"size": "S", "color": "Red"}, "price": Decimal("49.00"), "quantity": 4},
            {"sku": "SHOE-S-BLUE", "options": {"size": "S", "color": "Blue"}, "price": Decimal("49.00"), "quantity": 0},
            {"sku": "SHOE-M-RED", "options": {"size": "M", "color": "Red"}, "price": Decimal("52.00"), "quantity": 2},
            {"sku": "SHOE-L-BLUE", "options": {"size": "L", "color": "Blue"}, "price": Decimal("55.00"), "quantity": 9},
        ],
    )


@pytest.fixture
def buyer():
    return UserFactory(name="Bea Buyer")


@pytest.fixture
def buyer_api(buyer) -> APIClient:
    """The buyer's API client, signed in with a real JWT from /api/v1/auth/token."""
    client = APIClient()
    tokens = client.post("/api/v1/auth/token", {"email": buyer.email, "password": DEFAULT_PASSWORD}, format="json")
    assert tokens.status_code == 200, tokens.content
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens.json()['access']}")
    return client


@pytest.fixture
def buyer_browser(buyer) -> Client:
    """The buyer signed in on the storefront (a session of its own)."""
    client = Client()
    client.force_login(buyer)
    return client
