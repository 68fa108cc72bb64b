"""GET/POST /api/v1/products/{id}/reviews: one review per buyer, the product's rating follows."""

from decimal import Decimal

import pytest

from catalog.models import Review
from tests.catalog.factories import ProductFactory, ReviewFactory, verified_buyer

pytestmark = pytest.mark.django_db


def reviews_url(product):
    return f"/api/v1/products/{product.pk}/reviews"


@pytest.fixture
def product():
    return ProductFactory(name="Lamp")


@pytest.fixture
def buyer_client(api_client, product):
    """Signed in as a buyer who received the product."""
    api_client.force_authenticate(verified_buyer(product, name="Robin Q. Hood"))
    return api_client


def test_a_buyer_reviews_a_product_and_its_rating_follows(buyer_client, product):
    response = buyer_client.post(
        reviews_url(product), {"rating": 4, "title": " Bright and warm ", "body": "Lights the room."}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["rating"], body["title"], body["body"], body["author"]) == (
        4,
        "Bright and warm",
        "Lights the room.",
        "Robin H.",
    )
    product.refresh_from_db()
    assert (product.rating, product.review_count) == (Decimal("4.00"), 1)

    buyer_client.force_authenticate(verified_buyer(product))
    buyer_client.post(reviews_url(product), {"rating": 1, "title": "Broke"}, format="json")
    product.refresh_from_db()
    assert (product.rating, product.review_count) == (Decimal("2.50"), 2)
    detail = buyer_client.get(f"/api/v1/products/{product.pk}").json()
    assert (detail["rating"], detail["review_count"]) == (2.5, 2)
    assert detail["rating_breakdown"] == {"5": 0, "4": 1, "3": 0, "2": 0, "1": 1}


def test_a_second_review_by_the_same_buyer_is_a_409(buyer_client, product):
    buyer_client.post(reviews_url(product), {"rating": 5, "title": "Great"}, format="json")
    response = buyer_client.post(reviews_url(product), {"rating": 1, "title": "Changed my mind"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "already_reviewed"
    assert Review.objects.count() == 1
    product.refresh_from_db()
    assert (product.rating, product.review_count) == (Decimal("5.00"), 1)


def test_a_seller_cannot_review_their_own_product(api_client, product):
    api_client.force_authenticate(product.seller.user)
    response = api_client.post(reviews_url(product), {"rating": 5, "title": "Mine is great"}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "own_product"
    assert not Review.objects.exists()


def test_anonymous_cannot_review(api_client, product):
    response = api_client.post(reviews_url(product), {"rating": 5, "title": "Hi"}, format="json")
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rating": 6, "title": "Too good"}, "rating"),
        ({"rating": 0, "title": "Too bad"}, "rating"),
        ({"rating": 3}, "title"),
        ({"rating": 3, "title": "   "}, "title"),
        ({"rating": "x", "title": "Hm"}, "rating"),
    ],
)
def test_invalid_reviews_are_a_400_naming_the_field(buyer_client, product, body, field):
    response = buyer_client.post(reviews_url(product), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Review.objects.exists()


def test_reviews_of_a_draft_are_not_found(buyer_client):
    draft = ProductFactory(status="draft")
    assert buyer_client.get(reviews_url(draft)).status_code == 404
    assert buyer_client.post(reviews_url(draft), {"rating": 5, "title": "Hi"}, format="json").status_code == 404


def test_an_archived_product_keeps_its_reviews_readable(api_client):
    archived = ProductFactory(status="archived")
    ReviewFactory(product=archived)
    response = api_client.get(reviews_url(archived))
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_reviews_are_listed_newest_first_page_by_page(api_client, product, django_assert_max_num_queries):
    for i in range(25):
        ReviewFactory(product=product, title=f"Review {i:02d}")
    with django_assert_max_num_queries(4):  # +1: the next hold lapse, asked before storing a public answer
        response = api_client.get(reviews_url(product))

    body = response.json()
    assert response["Cache-Control"] == "public, max-age=60"
    assert (body["count"], body["offset"], body["limit"], body["next_offset"]) == (25, 0, 20, 20)
    assert [r["title"] for r in body["reviews"][:2]] == ["Review 24", "Review 23"]
    second = api_client.get(reviews_url(product), {"offset": 20}).json()
    assert [r["title"] for r in second["reviews"]][-1] == "Review 00"
