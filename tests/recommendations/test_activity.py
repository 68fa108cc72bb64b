"""Cart adds and searches made on the storefront and through the API reach the shopper's history (shop.activity,
listened to by recommendations): a signed-in shopper's in the database, a guest's in their session's cache only."""

from django.test import Client
import pytest
from rest_framework.test import APIClient

from recommendations import selectors, services
from recommendations.models import HistoryEntry, SearchEntry
from shop import activity
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopper():
    return UserFactory()


@pytest.fixture
def signed_in(shopper) -> Client:
    client = Client()
    client.force_login(shopper)
    return client


@pytest.fixture
def tent():
    return ProductFactory(name="Ridge Tent")


def cart_adds(user) -> list[int]:
    return list(
        HistoryEntry.objects.filter(user=user, kind=HistoryEntry.Kind.CART).values_list("product_id", flat=True)
    )


def test_adding_to_the_cart_on_the_storefront_is_remembered(signed_in, shopper, tent):
    response = signed_in.post(f"/cart/add/{tent.pk}/", {"quantity": 1})

    assert response.status_code == 302
    assert cart_adds(shopper) == [tent.pk]


def test_a_refused_add_is_not_remembered(signed_in, shopper, tent):
    response = signed_in.post(f"/cart/add/{tent.pk}/", {"quantity": 999})

    assert response.status_code in (400, 409)
    assert cart_adds(shopper) == []


def test_adding_to_the_cart_through_the_api_is_remembered(shopper, tent):
    client = APIClient()
    client.force_authenticate(shopper)

    response = client.post(f"/api/v1/cart/{tent.pk}", {"quantity": 1}, format="json")

    assert response.status_code == 201
    assert cart_adds(shopper) == [tent.pk]


def test_a_guests_cart_add_stays_in_their_session(tent):
    guest = Client()
    guest.post(f"/cart/add/{tent.pk}/", {"quantity": 1})
    session_key = guest.session.session_key

    key = services.guest_key(session_key=session_key, kind=services.CART)
    assert services.cache.get(key) == [tent.pk]
    assert not HistoryEntry.objects.exists()


def test_a_search_on_the_storefront_is_remembered_once_per_search_not_per_page(signed_in, shopper, tent):
    signed_in.get("/search", {"q": "  Ridge   TENT "})
    signed_in.get("/search", {"q": "ridge tent", "page": 2})

    assert selectors.recent_searches(user=shopper) == ["ridge tent"]
    assert SearchEntry.objects.filter(user=shopper).count() == 1


def test_a_search_through_the_api_is_remembered(shopper, tent):
    client = APIClient()
    client.force_authenticate(shopper)

    assert client.get("/api/v1/products", {"q": "tent"}).status_code == 200
    assert client.get("/api/v1/products", {"q": "stove", "offset": 20}).status_code == 200
    assert client.get("/api/v1/products").status_code == 200  # browsing, not a search

    assert selectors.recent_searches(user=shopper) == ["tent"]


def test_a_guests_search_stays_in_their_session(tent):
    guest = Client()
    guest.post(f"/cart/add/{tent.pk}/", {"quantity": 1})  # the guest now has a session
    guest.get("/search", {"q": "stove"})

    assert selectors.recent_searches(session_key=guest.session.session_key) == ["stove"]
    assert not SearchEntry.objects.exists()


def test_a_visitor_without_a_session_leaves_nothing(tent):
    Client().get("/search", {"q": "tent"})

    assert not SearchEntry.objects.exists()
    assert not services.cache.keys("recommendations:guest:*")


def test_a_failing_listener_never_breaks_the_page(signed_in, shopper, tent, monkeypatch):
    def broken(**_):
        raise RuntimeError("the learning side is down")

    monkeypatch.setattr(activity, "_listeners", [broken])

    response = signed_in.post(f"/cart/add/{tent.pk}/", {"quantity": 1})

    assert response.status_code == 302
    assert cart_adds(shopper) == []
