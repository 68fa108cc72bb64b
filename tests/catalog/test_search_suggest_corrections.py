"""GET /api/v1/search/suggest offers a corrected spelling when nothing starts with what was typed."""

import pytest

from tests.catalog.search_factories import make_category, make_product

pytestmark = pytest.mark.django_db

URL = "/api/v1/search/suggest"


@pytest.fixture
def catalog():
    audio = make_category("Audio")
    make_product("Wireless Headphones", category=audio, sales=10)
    make_product("Forehead Thermometer")


def test_a_misspelt_word_suggests_its_correction_and_what_the_correction_finds(api_client, catalog):
    body = api_client.get(URL, {"q": "wirelss"}).json()

    assert body["corrected"] == "wireless"
    assert [p["name"] for p in body["products"]] == ["Wireless Headphones"]


def test_text_that_starts_a_word_has_no_correction(api_client, catalog):
    body = api_client.get(URL, {"q": "wirel"}).json()

    assert body["corrected"] is None
    assert [p["name"] for p in body["products"]] == ["Wireless Headphones"]


def test_text_nothing_resembles_has_no_correction_and_no_suggestions(api_client, catalog):
    body = api_client.get(URL, {"q": "zzqqxx"}).json()

    assert body == {"q": "zzqqxx", "corrected": None, "products": [], "categories": []}
