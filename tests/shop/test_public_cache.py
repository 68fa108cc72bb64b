"""Anonymous catalog reads come from the shared cache; our own writes are never served stale."""

from decimal import Decimal

import pytest

from catalog import services as catalog_services
from inventory import services as inventory_services
from tests.accounts.factories import UserFactory
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    seller = SellerFactory()
    return catalog_services.create_product(seller=seller, name="Cached Lamp", price=Decimal("10.00"), quantity=3)


def test_second_anonymous_read_is_a_cache_hit(client, product):
    assert client.get("/api/v1/products")["X-Cache"] == "miss"
    again = client.get("/api/v1/products")
    assert again["X-Cache"] == "hit"
    assert again.json()["products"][0]["name"] == "Cached Lamp"
    assert "public" in again["Cache-Control"]


def test_a_catalog_write_invalidates_cached_answers(client, product):
    client.get(f"/api/v1/products/{product.pk}")
    catalog_services.update_product(product_id=product.pk, actor=product.seller.user, price=Decimal("12.50"))
    response = client.get(f"/api/v1/products/{product.pk}")
    assert response["X-Cache"] == "miss"
    assert response.json()["price"] == "12.50"


def test_a_stock_change_invalidates_cached_answers(client, product):
    first = client.get(f"/api/v1/products/{product.pk}").json()
    assert first["in_stock"] is True
    inventory_services.set_on_hand(variant_id=product.variants.get().pk, quantity=0)
    assert client.get(f"/api/v1/products/{product.pk}").json()["in_stock"] is False


def test_signed_in_readers_are_never_served_from_the_cache(client, product):
    client.get("/api/v1/products")
    client.force_login(UserFactory())
    response = client.get("/api/v1/products")
    assert not response.has_header("X-Cache")


def test_bearer_token_requests_bypass_the_cache(api_client, product):
    api_client.get("/api/v1/products")
    response = api_client.get("/api/v1/products", HTTP_AUTHORIZATION="Bearer whatever")
    assert not response.has_header("X-Cache")


def test_cached_answers_still_support_etags(client, product):
    etag = client.get("/api/v1/products")["ETag"]
    assert client.get("/api/v1/products", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_storefront_pages_are_cached_for_anonymous_visitors(client, product):
    client.get("/search?q=lamp")
    response = client.get("/search?q=lamp")
    assert response["X-Cache"] == "hit"
    assert "Cached Lamp" in response.content.decode()


def test_cache_can_be_turned_off(client, product, settings):
    settings.PUBLIC_CACHE_SECONDS = 0
    client.get("/api/v1/products")
    assert not client.get("/api/v1/products").has_header("X-Cache")
