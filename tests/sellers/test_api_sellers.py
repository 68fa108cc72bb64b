"""POST /api/v1/sellers turns the caller into a seller."""

import pytest

from sellers.models import Seller
from tests.accounts.factories import UserFactory
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db


def test_becoming_a_seller_shows_in_me(api_client):
    user = UserFactory()
    api_client.force_authenticate(user)
    response = api_client.post(
        "/api/v1/sellers", {"store_name": "Ann's Attic", "description": "Vintage"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["store_name"] == "Ann's Attic"
    assert body["slug"] == "anns-attic"
    assert body["contact_email"] == user.email
    assert body["low_stock_threshold"] == 5

    me = api_client.get("/api/v1/me").json()
    assert me["is_seller"] is True
    assert me["seller"] == {"id": body["id"], "store_name": "Ann's Attic", "slug": "anns-attic"}


def test_a_seller_cannot_become_a_seller_twice(api_client):
    seller = SellerFactory()
    api_client.force_authenticate(seller.user)
    response = api_client.post("/api/v1/sellers", {"store_name": "Second"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "already_seller"
    assert Seller.objects.count() == 1


def test_store_names_are_unique_ignoring_case(api_client):
    SellerFactory(store_name="Corner Shop")
    api_client.force_authenticate(UserFactory())
    response = api_client.post("/api/v1/sellers", {"store_name": "corner shop"}, format="json")
    assert response.status_code == 400
    assert "store_name" in response.json()["errors"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"store_name": "   "},
        {"store_name": "x" * 101},
        {"store_name": "Ok", "contact_email": "nope"},
        {"store_name": "Ok", "low_stock_threshold": -1},
    ],
)
def test_invalid_seller_input_is_400(api_client, body):
    api_client.force_authenticate(UserFactory())
    response = api_client.post("/api/v1/sellers", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]
    assert not Seller.objects.exists()


def test_becoming_a_seller_requires_sign_in(api_client):
    response = api_client.post("/api/v1/sellers", {"store_name": "Anon"}, format="json")
    assert response.status_code == 401
    assert not Seller.objects.exists()


def test_slugs_stay_unique_when_names_slugify_alike(api_client):
    SellerFactory(store_name="Tea & Co", slug="tea-co")
    api_client.force_authenticate(UserFactory())
    response = api_client.post("/api/v1/sellers", {"store_name": "Tea Co"}, format="json")
    assert response.status_code == 201
    assert response.json()["slug"] == "tea-co-2"
