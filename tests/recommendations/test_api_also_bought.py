"""GET /api/v1/products/{id}/also-bought: catalog cards of the products bought together, most orders first."""

import pytest

from catalog.models import Product
from recommendations.services import learn_from_order
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


def url(product_id: int) -> str:
    return f"/api/v1/products/{product_id}/also-bought"


def test_the_products_bought_together_come_most_orders_first_then_by_id(api_client, a, b, c):
    d = ProductFactory(name="D")
    learn_from_order(order_id="ord_1", product_ids=[a.pk, b.pk, c.pk, d.pk])
    learn_from_order(order_id="ord_2", product_ids=[a.pk, c.pk])

    response = api_client.get(url(a.pk))

    assert response.status_code == 200
    assert [card["id"] for card in response.json()["products"]] == [c.pk, b.pk, d.pk]
    assert response["Cache-Control"] in {"public, max-age=60", "max-age=60, public"}


def test_a_card_has_the_fields_of_the_catalog_list(api_client, a, b):
    learn_from_order(order_id="ord_1", product_ids=[a.pk, b.pk])

    card = api_client.get(url(a.pk)).json()["products"][0]
    listed = api_client.get("/api/v1/products").json()
    catalog_card = next(
        item for item in listed[next(k for k in listed if isinstance(listed[k], list))] if item["id"] == b.pk
    )

    assert card == catalog_card


def test_a_product_no_longer_listed_is_not_recommended(api_client, a, b, c):
    learn_from_order(order_id="ord_1", product_ids=[a.pk, b.pk, c.pk])
    Product.objects.filter(pk=b.pk).update(status=Product.Status.ARCHIVED)

    assert [card["id"] for card in api_client.get(url(a.pk)).json()["products"]] == [c.pk]


def test_a_product_never_bought_with_another_has_no_recommendations(api_client, a):
    response = api_client.get(url(a.pk))

    assert response.status_code == 200
    assert response.json() == {"products": []}


def test_an_unknown_product_is_404(api_client):
    response = api_client.get(url(999_999))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("others", [1, 5])
def test_the_answer_costs_a_fixed_number_of_queries(api_client, a, others, django_assert_num_queries):
    products = [ProductFactory() for _ in range(others)]
    learn_from_order(order_id="ord_1", product_ids=[a.pk] + [p.pk for p in products])

    # product check, co-purchase ids, listed and in stock, the cards' rows (seller/category joined), first images
    with django_assert_num_queries(6):  # +1: the next hold lapse, asked before storing a public answer
        response = api_client.get(url(a.pk))

    assert len(response.json()["products"]) == others
