"""Only buyers who received a product review it: the orders app's "order.lines_delivered" records who received
what (catalog.VerifiedPurchase), every new review is a "verified purchase", anyone else gets a 403."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalog import events as catalog_events
from catalog import services
from catalog.errors import NotAVerifiedBuyer
from catalog.models import Review, VerifiedPurchase
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory, ReviewFactory, verified_buyer
from tests.orders.conftest import client_for, deliver_lines, place_paid, ship_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    return ProductFactory(name="Lamp", slug="lamp", price=Decimal("20.00"), default_variant__stock=5)


def reviews_url(product) -> str:
    return f"/api/v1/products/{product.pk}/reviews"


def page_of(product) -> str:
    return f"/p/{product.pk}-lamp/"


def review(client, product, title="Bright and warm"):
    return client.post(reviews_url(product), {"rating": 5, "title": title}, format="json")


# --- Who received what ------------------------------------------------------------------------------


def test_a_buyer_whose_line_was_delivered_reviews_it_as_a_verified_purchase(
    product, django_capture_on_commit_callbacks
):
    buyer = UserFactory()
    order = place_paid(buyer, (product.variants.get(), 1))
    line = order.lines.get()
    ship_lines(order, line)
    with django_capture_on_commit_callbacks(execute=True):
        deliver_lines(order, line)  # the orders app publishes "order.lines_delivered"; the catalog hears it

    response = review(client_for(buyer), product)

    assert response.status_code == 201, response.content
    assert response.json()["verified_purchase"] is True
    assert Review.objects.get().verified_purchase is True


def test_a_paid_but_undelivered_buyer_cannot_review_yet(product, django_capture_on_commit_callbacks):
    buyer = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        order = place_paid(buyer, (product.variants.get(), 1))
        ship_lines(order, order.lines.get())

    response = review(client_for(buyer), product)

    assert response.status_code == 403
    assert response.json()["code"] == "not_a_verified_buyer"
    assert not Review.objects.exists()


def test_someone_who_never_bought_it_gets_a_403_problem(product):
    response = review(client_for(UserFactory()), product)

    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert (body["code"], body["detail"]) == ("not_a_verified_buyer", NotAVerifiedBuyer.default_message)
    product.refresh_from_db()
    assert product.review_count == 0


def test_buying_another_product_does_not_verify_this_one(product):
    buyer = verified_buyer(ProductFactory())

    with pytest.raises(NotAVerifiedBuyer):
        services.write_review(product_id=product.pk, user=buyer, rating=4, title="Nice")


def test_the_delivery_event_counts_once_whatever_its_redeliveries_and_later_purchases(product):
    buyer = UserFactory()
    other = ProductFactory()
    for event_id in ("evt-1", "evt-1", "evt-2"):
        catalog_events.record_received_products(
            event_id=event_id, order_id="ord_1", buyer_id=buyer.pk, line_ids=[1, 2], product_ids=[product.pk, other.pk]
        )

    rows = VerifiedPurchase.objects.filter(user=buyer).order_by("product_id")
    assert [(row.product_id, row.event_id) for row in rows] == [(product.pk, "evt-1"), (other.pk, "evt-1")]


# --- What reviews show ------------------------------------------------------------------------------


def test_the_api_tells_verified_reviews_from_older_ones(api_client, product):
    ReviewFactory(product=product, title="From before the rule")
    services.write_review(product_id=product.pk, user=verified_buyer(product), rating=5, title="Verified")

    reviews = api_client.get(reviews_url(product)).json()["reviews"]

    assert [(r["title"], r["verified_purchase"]) for r in reviews] == [
        ("Verified", True),
        ("From before the rule", False),
    ]


def test_the_product_page_badges_verified_reviews_only(client, product):
    ReviewFactory(product=product, title="From before the rule")
    services.write_review(product_id=product.pk, user=verified_buyer(product), rating=5, title="Verified")

    html = client.get(page_of(product)).content.decode()

    reviews = html.split('class="review-list"')[1]
    verified, older = reviews.split('<li class="review">')[1:3]
    assert "Verified" in verified
    assert "Verified purchase" in verified
    assert "From before the rule" in older
    assert "Verified purchase" not in older


# --- The page's form ---------------------------------------------------------------------------------


def test_the_page_hides_the_form_and_says_why_from_a_buyer_who_has_not_received_it(client, product):
    client.force_login(UserFactory())

    html = client.get(page_of(product)).content.decode()

    assert "Write a review" not in html
    assert "Only buyers who received this product can review it." in html


def test_the_page_offers_the_form_to_a_buyer_who_received_it(client, product):
    client.force_login(verified_buyer(product))

    html = client.get(page_of(product)).content.decode()

    assert "Write a review" in html
    assert "Only buyers who received this product" not in html


def test_posting_the_form_without_a_delivery_says_why_and_writes_nothing(client, product):
    client.force_login(UserFactory())

    response = client.post(f"/p/{product.pk}/reviews", {"rating": "5", "title": "Never had it"}, follow=True)

    assert "Only buyers who received this product can review it." in response.content.decode()
    assert not Review.objects.exists()
