"""GET /api/v1/seller/stats: the calling seller's own figures for the last N days, against the N days before,
with a per-day series and top products; money as decimal strings."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
import pytest
from rest_framework.test import APIClient

from orders.models import Order
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.orders.conftest import client_for, deliver_lines, place_paid
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/seller/stats"


def paid_days_ago(order: Order, days: int) -> Order:
    """Move the order's payment ``days`` days back (noon, store time), as if it had been paid then."""
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    Order.objects.filter(pk=order.pk).update(paid_at=noon - timedelta(days=days))
    return order


@pytest.fixture
def seller():
    return SellerFactory()


@pytest.fixture
def mug(seller):
    return VariantFactory(stock=50, product__seller=seller, product__name="Blue Mug", price=Decimal("10.00"))


@pytest.fixture
def lamp(seller):
    return VariantFactory(stock=50, product__seller=seller, product__name="Desk Lamp", price=Decimal("30.00"))


@pytest.fixture
def other_sellers_chair():
    return VariantFactory(stock=50, product__name="Oak Chair", price=Decimal("99.00"))


@pytest.fixture
def sales(mug, lamp, other_sellers_chair):
    """Seller's sales: today 2 mugs + 1 lamp (with another seller's chair in the same order), 3 days ago a lamp,
    10 days ago a mug; and the other seller's own order today."""
    buyer = UserFactory()
    today = paid_days_ago(place_paid(buyer, (mug, 2), (lamp, 1), (other_sellers_chair, 1)), 0)
    three = paid_days_ago(place_paid(buyer, (lamp, 1)), 3)
    ten = paid_days_ago(place_paid(buyer, (mug, 1)), 10)
    paid_days_ago(place_paid(UserFactory(), (other_sellers_chair, 2)), 0)
    return {"today": today, "three": three, "ten": ten}


def stats_of(user, days: int | str | None = 7):
    response = client_for(user).get(URL, {} if days is None else {"days": days})
    assert response.status_code == 200, response.content
    return response.json()


def test_totals_are_the_sellers_paid_lines_of_the_period(seller, sales):
    body = stats_of(seller.user, 7)

    assert body["totals"] == {"revenue": "80.00", "orders": 2, "units": 4, "returns": 0}
    assert body["currency"] == "USD"


def test_previous_is_the_period_of_the_same_length_just_before(seller, sales):
    body = stats_of(seller.user, 7)

    today = timezone.localdate()
    assert body["period"] == {
        "days": 7,
        "start": (today - timedelta(days=6)).isoformat(),
        "end": today.isoformat(),
    }
    assert body["previous"] == {"revenue": "10.00", "orders": 1, "units": 1, "returns": 0}


def test_series_has_every_day_of_the_period_with_zeros(seller, sales):
    body = stats_of(seller.user, 7)

    today = timezone.localdate()
    assert [day["date"] for day in body["series"]] == [
        (today - timedelta(days=n)).isoformat() for n in range(6, -1, -1)
    ]
    by_date = {day["date"]: (day["revenue"], day["orders"]) for day in body["series"]}
    assert by_date[today.isoformat()] == ("50.00", 1)
    assert by_date[(today - timedelta(days=3)).isoformat()] == ("30.00", 1)
    assert by_date[(today - timedelta(days=1)).isoformat()] == ("0.00", 0)
    assert len(stats_of(seller.user, 90)["series"]) == 90


def test_top_products_are_ordered_by_revenue(seller, sales, mug, lamp):
    body = stats_of(seller.user, 7)

    assert body["top_products"] == [
        {"product_id": lamp.product_id, "name": "Desk Lamp", "units": 2, "revenue": "60.00"},
        {"product_id": mug.product_id, "name": "Blue Mug", "units": 2, "revenue": "20.00"},
    ]


def test_days_defaults_to_thirty(seller, sales):
    body = stats_of(seller.user, None)

    assert body["period"]["days"] == 30
    assert len(body["series"]) == 30
    assert body["totals"] == {"revenue": "90.00", "orders": 3, "units": 5, "returns": 0}


def test_today_alone_compares_with_yesterday(seller, sales):
    body = stats_of(seller.user, 1)

    assert body["totals"] == {"revenue": "50.00", "orders": 1, "units": 3, "returns": 0}
    assert body["previous"] == {"revenue": "0.00", "orders": 0, "units": 0, "returns": 0}
    assert len(body["series"]) == 1


def test_another_seller_sees_only_their_own_figures(seller, sales, other_sellers_chair):
    body = stats_of(other_sellers_chair.product.seller.user, 7)

    assert body["totals"] == {"revenue": "297.00", "orders": 2, "units": 3, "returns": 0}
    assert body["top_products"] == [
        {"product_id": other_sellers_chair.product_id, "name": "Oak Chair", "units": 3, "revenue": "297.00"}
    ]
    assert "Blue Mug" not in str(body)
    assert "Desk Lamp" not in str(body)


def test_unpaid_orders_do_not_count(seller, mug):
    from tests.orders.conftest import checkout, fill_cart

    buyer = UserFactory()
    fill_cart(buyer, (mug, 4))
    assert checkout(client_for(buyer)).status_code == 201

    assert stats_of(seller.user, 7)["totals"] == {"revenue": "0.00", "orders": 0, "units": 0, "returns": 0}


def test_a_cancelled_item_is_taken_off(seller, sales, mug):
    order = sales["today"]
    response = client_for(order.buyer).post(
        "/api/v1/cancel", {"order": order.pk, "product": mug.product_id, "reason": "changed my mind"}, format="json"
    )
    assert response.status_code == 200, response.content

    body = stats_of(seller.user, 7)
    assert body["totals"] == {"revenue": "60.00", "orders": 2, "units": 2, "returns": 0}


def test_units_returned_are_taken_off_and_counted_as_returns(seller, mug):
    buyer = UserFactory()
    order = place_paid(buyer, (mug, 3))
    deliver_lines(order, order.lines.get())
    asked = client_for(buyer).post(
        "/api/v1/returns",
        {"order": order.pk, "product": mug.product_id, "quantity": 2, "reason": "broken"},
        format="json",
    )
    assert asked.status_code == 201, asked.content
    return_id = asked.json()["return"]["id"]
    seller_api = client_for(seller.user)
    assert seller_api.post(f"/api/v1/seller/returns/{return_id}/approve").status_code == 200
    received = seller_api.post(f"/api/v1/seller/returns/{return_id}/receive", {"resellable": True}, format="json")
    assert received.status_code == 200, received.content

    body = stats_of(seller.user, 7)
    assert body["totals"] == {"revenue": "10.00", "orders": 1, "units": 1, "returns": 2}


@pytest.mark.schema_unchecked("sends days the schema forbids, to see it refused")
@pytest.mark.parametrize("days", ["0", "366", "-3", "abc", "7.5"])
def test_days_outside_one_to_365_is_a_400_problem(seller, days):
    response = client_for(seller.user).get(URL, {"days": days})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "days" in response.json()["errors"]


def test_a_buyer_gets_403(sales):
    response = client_for(UserFactory()).get(URL)

    assert response.status_code == 403


def test_anonymous_gets_401():
    assert APIClient().get(URL).status_code == 401


def test_figures_take_three_queries_whatever_the_sales(seller, sales, mug, lamp, django_assert_max_num_queries):
    buyer = UserFactory()
    for days_ago in (1, 2, 4, 5):
        paid_days_ago(place_paid(buyer, (mug, 1), (lamp, 2)), days_ago)
    client = client_for(seller.user)

    # The seller, then one query for both periods' totals, one for the series, one for the top products.
    with django_assert_max_num_queries(4):
        response = client.get(URL, {"days": 90})
    assert response.status_code == 200
    assert response.json()["totals"]["orders"] == 7
