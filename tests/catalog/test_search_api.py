"""GET /api/v1/search/suggest: what the search box offers as the shopper types (PostgreSQL)."""

import pytest

from catalog.models import Product
from tests.catalog.search_factories import make_category, make_product

pytestmark = pytest.mark.django_db

URL = "/api/v1/search/suggest"


@pytest.fixture
def catalog():
    audio = make_category("Audio")
    make_category("Headphones", parent=audio)
    make_product("Wireless Headphones", category=audio, sales=10)
    make_product("Studio Headphones", category=audio, sales=99)
    make_product("Forehead Thermometer")
    make_product("Headphones Prototype", status=Product.Status.DRAFT)
    make_product("Headphones Old", status=Product.Status.ARCHIVED)


def test_suggests_listed_products_whose_name_has_a_word_starting_with_the_text_bestselling_first(api_client, catalog):
    response = api_client.get(URL, {"q": "head"})

    assert response.status_code == 200
    body = response.json()
    assert body["q"] == "head"
    assert [p["name"] for p in body["products"]] == ["Studio Headphones", "Wireless Headphones"]
    studio = Product.objects.get(name="Studio Headphones")
    assert body["products"][0] == {
        "id": studio.pk,
        "name": "Studio Headphones",
        "slug": studio.slug,
        "url": f"/p/{studio.pk}-{studio.slug}/",
    }


def test_suggests_categories_whose_name_starts_with_the_text(api_client, catalog):
    body = api_client.get(URL, {"q": "head"}).json()

    assert [c["name"] for c in body["categories"]] == ["Headphones"]
    assert set(body["categories"][0]) == {"id", "slug", "name", "url"}
    assert body["categories"][0]["url"] == f"/c/{body['categories'][0]['slug']}/"


def test_the_word_being_typed_may_be_a_stop_word_so_far(api_client, catalog):
    body = api_client.get(URL, {"q": "he"}).json()  # "he", on the way to "headphones", is an English stop word

    assert [p["name"] for p in body["products"]] == ["Studio Headphones", "Wireless Headphones"]


def test_every_typed_word_must_start_a_word_of_the_name(api_client, catalog):
    body = api_client.get(URL, {"q": "wire head"}).json()

    assert [p["name"] for p in body["products"]] == ["Wireless Headphones"]


def test_answers_are_public_and_cacheable_for_a_minute(api_client, catalog):
    response = api_client.get(URL, {"q": "head"})

    assert "public" in response["Cache-Control"]
    assert "max-age=60" in response["Cache-Control"]
    assert "private" not in response["Cache-Control"]


def test_anyone_may_ask_even_with_a_stale_token(api_client, catalog):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    assert api_client.get(URL, {"q": "head"}).status_code == 200


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}, {"q": "!!!"}])
def test_nothing_typed_suggests_nothing(api_client, catalog, params):
    response = api_client.get(URL, params)

    assert response.status_code == 200
    assert response.json()["products"] == []
    assert response.json()["categories"] == []


def test_more_than_100_characters_is_a_problem_naming_q(api_client):
    response = api_client.get(URL, {"q": "x" * 101})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "validation_error"
    assert "q" in response.json()["errors"]


def test_suggestions_take_a_fixed_number_of_queries(api_client, django_assert_max_num_queries):
    for n in range(12):
        make_product(f"Headlamp {n}")
    api_client.get(URL, {"q": "head"})  # the category tree is read once and cached

    with django_assert_max_num_queries(1):
        body = api_client.get(URL, {"q": "head"}).json()

    assert len(body["products"]) == 8


def test_the_schema_describes_the_suggest_endpoint(client):
    schema = client.get("/api/schema/?format=json").json()

    operation = schema["paths"][URL]["get"]
    assert {"200", "400"} <= set(operation["responses"])
    assert any(p["name"] == "q" for p in operation["parameters"])
