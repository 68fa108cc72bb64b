"""The seller's orders page (/seller/orders/): filters by status, paid date and order id or buyer, kept by the pager."""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
import pytest

from logistics import views
from tests.accounts.factories import UserFactory
from tests.logistics.factories import ShipmentFactory, ShipmentLineFactory
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

URL = "/seller/orders/"
# The session (unless cached), the user, the header's seller check and cart badge, the seller; then count,
# shipments (with their buyers), lines, events.
ORDERS_PAGE_QUERIES = 9


@pytest.fixture
def seller():
    return SellerFactory()


@pytest.fixture
def seller_client(client, seller):
    client.force_login(seller.user)
    return client


def on_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def shown(response) -> set[str]:
    return set(re.findall(r'data-shipment-id="([^"]+)"', response.content.decode()))


def test_status_filter_shows_only_shipments_in_that_status(seller_client, seller):
    waiting = ShipmentFactory(seller=seller)
    delivered = ShipmentFactory(
        seller=seller, status="delivered", shipped_at=timezone.now(), delivered_at=timezone.now()
    )

    assert shown(seller_client.get(URL, {"status": "pending"})) == {waiting.id}
    assert shown(seller_client.get(URL, {"status": "delivered"})) == {delivered.id}
    assert shown(seller_client.get(URL)) == {waiting.id, delivered.id}


def test_date_range_includes_both_ends(seller_client, seller):
    before = ShipmentFactory(seller=seller, created_at=on_day(dt.date(2026, 3, 1)))
    first = ShipmentFactory(seller=seller, created_at=on_day(dt.date(2026, 3, 2)))
    last = ShipmentFactory(seller=seller, created_at=on_day(dt.date(2026, 3, 4)))
    after = ShipmentFactory(seller=seller, created_at=on_day(dt.date(2026, 3, 5)))

    found = shown(seller_client.get(URL, {"start": "2026-03-02", "end": "2026-03-04"}))

    assert found == {first.id, last.id}
    assert not found & {before.id, after.id}


@pytest.mark.parametrize(
    "params", [{"start": "2026-13-01"}, {"end": "yesterday"}, {"start": "2026-03-05", "end": "2026-03-01"}]
)
def test_a_malformed_date_range_is_a_form_error_and_lists_nothing(seller_client, seller, params):
    ShipmentFactory(seller=seller)

    response = seller_client.get(URL, params)

    assert response.status_code == 400
    assert shown(response) == set()
    assert 'role="alert"' in response.content.decode()


def test_search_finds_an_order_by_id_or_by_the_buyers_name(seller_client, seller):
    ada = ShipmentFactory(seller=seller, buyer=UserFactory(name="Ada Lovelace"), order_id="ord_aaa111")
    bob = ShipmentFactory(seller=seller, buyer=UserFactory(name="Bob Builder"), order_id="ord_bbb222")

    assert shown(seller_client.get(URL, {"q": "lovelace"})) == {ada.id}
    assert shown(seller_client.get(URL, {"q": "BBB222"})) == {bob.id}


def test_filters_never_show_another_sellers_shipments(seller_client, seller):
    mine = ShipmentFactory(seller=seller, order_id="ord_shared1")
    ShipmentFactory(order_id="ord_shared1x")

    assert shown(seller_client.get(URL, {"q": "ord_shared1"})) == {mine.id}


def test_the_pager_keeps_the_filters(seller_client, seller, monkeypatch):
    monkeypatch.setattr(views, "SELLER_PAGE_SIZE", 2)
    for _ in range(3):
        ShipmentFactory(seller=seller)
    ShipmentFactory(seller=seller, status="shipped", shipped_at=timezone.now())

    first = seller_client.get(URL, {"status": "pending"})
    html = first.content.decode()
    assert 'href="?status=pending&amp;page=2"' in html
    second = seller_client.get(URL, {"status": "pending", "page": 2})
    assert len(shown(first)) == 2
    assert len(shown(second)) == 1
    assert not shown(first) & shown(second)


def test_the_bulk_form_posts_back_to_the_filtered_page(seller_client, seller):
    ShipmentFactory(seller=seller)

    html = seller_client.get(URL, {"status": "pending", "q": "ord"}).content.decode()

    assert f'action="{URL}?status=pending&amp;q=ord"' in html


def test_the_query_count_does_not_grow_with_shipments(seller_client, seller, django_assert_max_num_queries):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert seller_client.get(URL, {"status": "pending", "start": "2020-01-01", "q": "ord"}).status_code == 200
        return len(queries)

    ShipmentLineFactory(shipment=ShipmentFactory(seller=seller, order_id="ord_1"))
    count()  # warms what the first request of a session caches
    few = count()
    for n in range(5):
        shipment = ShipmentFactory(seller=seller, order_id=f"ord_more{n}")
        ShipmentLineFactory(shipment=shipment)
        ShipmentLineFactory(shipment=shipment)

    with django_assert_max_num_queries(ORDERS_PAGE_QUERIES):
        many = count()
    assert many == few


def test_buyers_get_403(client):
    client.force_login(UserFactory())

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"shipment": "shp_x"}).status_code == 403
