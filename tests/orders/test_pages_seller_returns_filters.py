"""Filters of the seller's returns (page and API) and of their sold lines (API): status and a date range."""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
import pytest

from orders import views
from orders.models import Order, ReturnRequest
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.orders.conftest import client_for, place_paid

pytestmark = pytest.mark.django_db

URL = "/seller/returns/"
API = "/api/v1/seller/returns"
LINES_API = "/api/v1/seller/orders"
# The session (unless cached), the user, the header's seller check and cart badge, the seller; then count,
# returns with their lines and seller.
RETURNS_PAGE_QUERIES = 7


def on_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


@pytest.fixture
def line():
    """A paid line of ten units, so that several returns can name it."""
    order = place_paid(UserFactory(), (VariantFactory(stock=20), 10))
    return order.lines.get()


def make_return(line, *, status="requested", day=dt.date(2026, 3, 2)) -> ReturnRequest:
    return ReturnRequest.objects.create(
        order=line.order,
        line=line,
        buyer=line.order.buyer,
        seller=line.seller,
        quantity=1,
        reason="damaged",
        status=status,
        created_at=on_day(day),
    )


def shown(response) -> set[str]:
    return set(re.findall(r'data-return-id="([^"]+)"', response.content.decode()))


@pytest.fixture
def seller_client(client, line):
    client.force_login(line.seller.user)
    return client


# --- The page ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["requested", "approved", "rejected", "received"])
def test_status_filter_shows_only_returns_in_that_status(seller_client, line, status):
    returns = {s: make_return(line, status=s) for s in ["requested", "approved", "rejected", "received"]}

    assert shown(seller_client.get(URL, {"status": status})) == {returns[status].id}


def test_date_range_includes_both_ends(seller_client, line):
    make_return(line, day=dt.date(2026, 3, 1))
    first = make_return(line, day=dt.date(2026, 3, 2))
    last = make_return(line, day=dt.date(2026, 3, 4))
    make_return(line, day=dt.date(2026, 3, 5))

    assert shown(seller_client.get(URL, {"start": "2026-03-02", "end": "2026-03-04"})) == {first.id, last.id}


@pytest.mark.parametrize(
    "params",
    [{"start": "2026-02-30"}, {"end": "soon"}, {"status": "refunded"}, {"start": "2026-03-05", "end": "2026-03-01"}],
)
def test_a_malformed_filter_is_a_form_error_and_lists_nothing(seller_client, line, params):
    make_return(line)

    response = seller_client.get(URL, params)

    assert response.status_code == 400
    assert shown(response) == set()
    assert 'role="alert"' in response.content.decode()


def test_another_sellers_returns_never_show(seller_client, line):
    mine = make_return(line)
    other_line = place_paid(UserFactory(), (VariantFactory(stock=5), 1)).lines.get()
    make_return(other_line)

    assert shown(seller_client.get(URL, {"status": "requested"})) == {mine.id}


def test_the_pager_keeps_the_filters(seller_client, line, monkeypatch):
    monkeypatch.setattr(views, "SELLER_PAGE_SIZE", 2)
    for _ in range(3):
        make_return(line, status="approved")
    make_return(line, status="requested")

    first = seller_client.get(URL, {"status": "approved"})
    second = seller_client.get(URL, {"status": "approved", "page": 2})

    assert 'href="?status=approved&amp;page=2"' in first.content.decode()
    assert len(shown(first)) == 2
    assert len(shown(second)) == 1


def test_the_query_count_does_not_grow_with_returns(seller_client, line, django_assert_max_num_queries):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert seller_client.get(URL, {"status": "requested", "start": "2020-01-01"}).status_code == 200
        return len(queries)

    make_return(line)
    count()  # warms what the first request of a session caches
    few = count()
    for _ in range(5):
        make_return(line)

    with django_assert_max_num_queries(RETURNS_PAGE_QUERIES):
        many = count()
    assert many == few


def test_buyers_get_403(client):
    client.force_login(UserFactory())

    assert client.get(URL, {"status": "requested"}).status_code == 403


# --- The API ----------------------------------------------------------------------------------------


def test_the_returns_api_filters_by_status_and_dates(line):
    make_return(line, status="approved", day=dt.date(2026, 3, 2))
    wanted = make_return(line, status="requested", day=dt.date(2026, 3, 3))
    make_return(line, status="requested", day=dt.date(2026, 3, 9))
    api = client_for(line.seller.user)

    body = api.get(API, {"status": "requested", "from": "2026-03-01", "to": "2026-03-03"}).json()

    assert [ret["id"] for ret in body["returns"]] == [wanted.id]
    assert body["count"] == 1


@pytest.mark.parametrize(
    "params", [{"from": "2026-99-01"}, {"to": "x"}, {"status": "refunded"}, {"from": "2026-03-05", "to": "2026-03-01"}]
)
def test_the_returns_api_answers_400_for_a_malformed_filter(line, params):
    response = client_for(line.seller.user).get(API, params)

    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"


def test_the_orders_api_filters_lines_by_status_and_the_placed_date(line):
    Order.objects.filter(pk=line.order_id).update(placed_at=on_day(dt.date(2026, 3, 2)))
    api = client_for(line.seller.user)

    def ids(params) -> list[int]:
        response = api.get(LINES_API, params)
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["lines"]]

    assert ids({"from": "2026-03-02", "to": "2026-03-02"}) == [line.pk]
    assert ids({"from": "2026-03-03"}) == []
    assert ids({"to": "2026-03-01"}) == []
    assert ids({"status": "open"}) == [line.pk]
    assert ids({"status": "delivered"}) == []


def test_the_orders_api_answers_400_for_a_malformed_date(line):
    response = client_for(line.seller.user).get(LINES_API, {"from": "03/02/2026"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["from"]
