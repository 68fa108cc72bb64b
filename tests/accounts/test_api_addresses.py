"""The address book: CRUD over /api/v1/me/addresses, each user seeing only their own."""

import pytest

from accounts.models import Address
from tests.accounts.factories import AddressFactory, UserFactory

pytestmark = pytest.mark.django_db

HOME = {
    "name": "Ann Smith",
    "line1": "1 Main St",
    "line2": "",
    "city": "Springfield",
    "region": "IL",
    "postal_code": "62701",
    "country": "us",
    "phone": "+1 555 0100",
}


@pytest.fixture
def ann(api_client):
    user = UserFactory()
    api_client.force_authenticate(user)
    return user


def test_create_list_update_delete(api_client, ann):
    created = api_client.post("/api/v1/me/addresses", HOME, format="json")
    assert created.status_code == 201
    address = created.json()
    assert address["country"] == "US"
    assert address["is_default"] is True  # the first address becomes the default

    listing = api_client.get("/api/v1/me/addresses").json()
    assert listing["count"] == 1
    assert listing["addresses"][0]["id"] == address["id"]
    assert (listing["offset"], listing["next_offset"]) == (0, None)

    patched = api_client.patch(f"/api/v1/me/addresses/{address['id']}", {"city": "Shelbyville"}, format="json")
    assert patched.status_code == 200
    assert patched.json()["city"] == "Shelbyville"
    assert patched.json()["line1"] == "1 Main St"

    assert api_client.delete(f"/api/v1/me/addresses/{address['id']}").status_code == 204
    assert not Address.objects.filter(pk=address["id"]).exists()


def test_making_an_address_default_moves_the_flag(api_client, ann):
    first = api_client.post("/api/v1/me/addresses", HOME, format="json").json()
    second = api_client.post(
        "/api/v1/me/addresses", {**HOME, "line1": "2 Side St", "is_default": True}, format="json"
    ).json()
    assert second["is_default"] is True
    assert api_client.get(f"/api/v1/me/addresses/{first['id']}").json()["is_default"] is False
    assert Address.objects.filter(user=ann, is_default=True).count() == 1


def test_deleting_the_default_promotes_the_oldest_remaining(api_client, ann):
    first = api_client.post("/api/v1/me/addresses", HOME, format="json").json()
    second = api_client.post("/api/v1/me/addresses", {**HOME, "line1": "2 Side St"}, format="json").json()
    api_client.delete(f"/api/v1/me/addresses/{first['id']}")
    assert api_client.get(f"/api/v1/me/addresses/{second['id']}").json()["is_default"] is True


@pytest.mark.parametrize(
    ("field", "value"),
    [("country", "USA"), ("country", "1A"), ("postal_code", ""), ("line1", ""), ("name", "x" * 151)],
)
def test_invalid_address_is_400_and_creates_nothing(api_client, ann, field, value):
    response = api_client.post("/api/v1/me/addresses", {**HOME, field: value}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Address.objects.exists()


def test_another_users_address_is_404_for_every_method(api_client, ann):
    theirs = AddressFactory()
    url = f"/api/v1/me/addresses/{theirs.pk}"
    assert api_client.get(url).status_code == 404
    assert api_client.patch(url, {"city": "Hacked"}, format="json").status_code == 404
    assert api_client.put(url, HOME, format="json").status_code == 404
    assert api_client.delete(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.city != "Hacked"
    assert api_client.get("/api/v1/me/addresses").json()["count"] == 0


def test_address_book_requires_sign_in(api_client):
    assert api_client.get("/api/v1/me/addresses").status_code == 401
    assert api_client.post("/api/v1/me/addresses", HOME, format="json").status_code == 401


def test_list_is_paginated_with_limit_and_offset(api_client, ann):
    AddressFactory.create_batch(5, user=ann)
    page = api_client.get("/api/v1/me/addresses?limit=2&offset=2").json()
    assert (page["count"], page["offset"], page["limit"], page["next_offset"]) == (5, 2, 2, 4)
    assert len(page["addresses"]) == 2


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=abc", "offset=-1"])
def test_bad_pagination_parameters_are_400(api_client, ann, query):
    response = api_client.get(f"/api/v1/me/addresses?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"


def test_address_list_query_count_does_not_grow_with_the_book(api_client, ann, django_assert_max_num_queries):
    AddressFactory.create_batch(30, user=ann)
    with django_assert_max_num_queries(3):
        assert len(api_client.get("/api/v1/me/addresses?limit=100").json()["addresses"]) == 30
