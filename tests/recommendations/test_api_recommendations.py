"""GET /api/v1/recommendations: the caller's landing-page picks, signed out (public) or signed in (private)."""

import pytest

from catalog import services as catalog_services
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/recommendations"


def test_signed_out_the_picks_are_trending_and_best_rated_and_public(api_client, signals):
    hot = ProductFactory(name="Hot")
    loved = ProductFactory(name="Loved", rating=5, review_count=2)
    catalog_services.set_trending_scores(scores={hot.pk: 2.0})

    response = api_client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert [(s["key"], [p["id"] for p in s["products"]]) for s in body["sections"]] == [
        ("trending", [hot.pk]),
        ("rated", [loved.pk]),
    ]
    assert [p["id"] for p in body["products"]] == [hot.pk, loved.pk]
    assert "public" in response["Cache-Control"]


def test_signed_in_the_picks_are_the_callers_own_and_private(api_client, signals):
    shopper = UserFactory()
    tent, bag = ProductFactory(name="Tent"), ProductFactory(name="Sleeping Bag")
    signals.bought[shopper.pk] = [tent.pk]
    signals.similar[tent.pk] = [bag]
    api_client.force_authenticate(shopper)

    response = api_client.get(URL)

    section = response.json()["sections"][0]
    assert (section["title"], [p["name"] for p in section["products"]]) == ("Because you bought Tent", ["Sleeping Bag"])
    assert section["reason"]
    assert "private" in response["Cache-Control"]


def test_a_card_is_the_catalogs_card(api_client, signals):
    hot = ProductFactory(name="Hot")
    catalog_services.set_trending_scores(scores={hot.pk: 1.0})

    card = api_client.get(URL).json()["products"][0]

    assert card == next(p for p in api_client.get("/api/v1/products").json()["products"] if p["id"] == hot.pk)
