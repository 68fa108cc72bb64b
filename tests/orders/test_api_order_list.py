"""GET /api/v1/orders: the caller's orders, newest first, filtered by inclusive dates, in constant queries."""

from datetime import datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
import pytest

from orders.models import Order
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.orders.conftest import checkout, client_for, fill_cart

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unlimited_holds")]  # one buyer, many orders

LIST_QUERIES = 3  # the count, the page of orders, their lines with sellers


def order_placed_on(buyer, day: str, hour: int = 12, lines: int = 1) -> str:
    fill_cart(buyer, *[(VariantFactory(stock=5), 1) for _ in range(lines)])
    order_id = checkout(client_for(buyer)).json()["order"]["id"]
    placed = timezone.make_aware(datetime.fromisoformat(day).replace(hour=hour))
    Order.objects.filter(pk=order_id).update(placed_at=placed)
    return order_id


@pytest.fixture
def history(buyer):
    return {
        "oct31": order_placed_on(buyer, "2026-10-31", hour=23),
        "nov01_early": order_placed_on(buyer, "2026-11-01", hour=0),
        "nov15": order_placed_on(buyer, "2026-11-15"),
        "nov30_late": order_placed_on(buyer, "2026-11-30", hour=23),
        "dec01": order_placed_on(buyer, "2026-12-01", hour=0),
    }


def ids(response) -> list[str]:
    return [order["id"] for order in response.json()["orders"]]


def test_orders_are_listed_newest_first(buyer_client, history):
    response = buyer_client.get("/api/v1/orders")

    assert response.status_code == 200
    assert ids(response) == [history[k] for k in ("dec01", "nov30_late", "nov15", "nov01_early", "oct31")]


def test_both_dates_are_inclusive_whole_days(buyer_client, history):
    response = buyer_client.get("/api/v1/orders?startDate=2026-11-01&endDate=2026-11-30")

    assert ids(response) == [history["nov30_late"], history["nov15"], history["nov01_early"]]
    assert response.json()["count"] == 3


def test_either_date_may_be_left_out(buyer_client, history):
    since = buyer_client.get("/api/v1/orders?startDate=2026-11-30")
    until = buyer_client.get("/api/v1/orders?endDate=2026-10-31")

    assert ids(since) == [history["dec01"], history["nov30_late"]]
    assert ids(until) == [history["oct31"]]


@pytest.mark.parametrize(
    "query",
    ["startDate=2026-13-01", "endDate=yesterday", "startDate=2026-11-31", "startDate=2026-12-02&endDate=2026-12-01"],
)
def test_a_malformed_or_reversed_date_is_a_400(buyer_client, history, query):
    response = buyer_client.get(f"/api/v1/orders?{query}")

    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"


def test_each_order_carries_its_details_and_lines(buyer, buyer_client):
    order_id = order_placed_on(buyer, "2026-11-15", lines=2)

    order = buyer_client.get("/api/v1/orders").json()["orders"][0]

    assert order["id"] == order_id
    details = order["details"]
    assert {"status", "placed_at", "total", "currency", "lines"} <= set(details)
    assert details["status"] == "pending_payment"
    assert details["currency"] == "USD"
    assert [line["status"] for line in details["lines"]] == ["open", "open"]


def test_the_list_is_paginated_and_names_its_list(buyer_client, history):
    body = buyer_client.get("/api/v1/orders?limit=2&offset=2").json()

    assert len(body["orders"]) == 2
    assert (body["offset"], body["limit"], body["count"], body["next_offset"]) == (2, 2, 5, 4)


def test_another_buyers_orders_are_not_listed(buyer_client, history):
    other = UserFactory()
    order_placed_on(other, "2026-11-15")

    assert set(ids(buyer_client.get("/api/v1/orders"))) == set(history.values())
    assert len(ids(client_for(other).get("/api/v1/orders"))) == 1


def test_list_queries_are_pinned_and_do_not_grow_with_orders_or_lines():
    few, many = UserFactory(), UserFactory()
    order_placed_on(few, "2026-11-01")
    for day in range(1, 9):
        order_placed_on(many, f"2026-11-{day:02d}", lines=3)

    def count(user) -> int:
        client = client_for(user)
        client.get("/api/v1/orders")  # the session and user are loaded once per client
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/orders").status_code == 200
        return len(captured)

    assert count(few) == count(many)
    assert count(many) <= LIST_QUERIES + 2


def test_an_order_placed_just_before_midnight_counts_for_its_own_day(buyer, buyer_client):
    order_id = order_placed_on(buyer, "2026-11-10", hour=23)
    Order.objects.filter(pk=order_id).update(placed_at=Order.objects.get(pk=order_id).placed_at + timedelta(minutes=59))

    assert ids(buyer_client.get("/api/v1/orders?startDate=2026-11-10&endDate=2026-11-10")) == [order_id]
    assert ids(buyer_client.get("/api/v1/orders?startDate=2026-11-11")) == []
