"""Every ETA counts the seller's handling time: each shipment's ETA is the paid day plus its seller's
handling days plus the method's most business days; the order's ETA (page, track API) is the latest."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
import pytest

from logistics import events as logistics_events
from logistics.models import Shipment
from orders import selectors as order_selectors
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.orders.conftest import client_for, fill_cart, make_shipments, place_paid
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

THURSDAY = "2026-11-26T15:00:00+00:00"


def paid_order(*sellers, method="standard") -> dict:
    return {
        "order_id": "ord_eta1",
        "buyer_id": UserFactory().pk,
        "shipping_method": method,
        "paid_at": THURSDAY,
        "lines": [
            {"line_id": 200 + n, "seller_id": seller.pk, "product_name": "Mug", "sku": f"MUG-{n}", "quantity": 1}
            for n, seller in enumerate(sellers)
        ],
    }


def etas() -> dict[int, dt.date]:
    return dict(Shipment.objects.values_list("seller_id", "eta"))


def test_a_sellers_handling_days_are_added_before_the_methods_days():
    # Thursday 26 Nov + 3 handling + 5 standard business days: Fri 27, Mon 30, Tue 1 | Wed 2 ... Tue 8 Dec.
    seller = SellerFactory(handling_days=3)

    logistics_events.create_shipments_for_paid_order(event_id="evt-1", **paid_order(seller))

    assert etas() == {seller.pk: dt.date(2026, 12, 8)}


def test_a_seller_shipping_the_same_day_keeps_the_methods_eta():
    seller = SellerFactory(handling_days=0)

    logistics_events.create_shipments_for_paid_order(event_id="evt-1", **paid_order(seller, method="express"))

    assert etas() == {seller.pk: dt.date(2026, 11, 30)}  # Thursday + 2 business days → Monday


def test_each_seller_of_a_mixed_order_gets_their_own_eta():
    quick, slow = SellerFactory(handling_days=0), SellerFactory(handling_days=4)

    logistics_events.create_shipments_for_paid_order(event_id="evt-1", **paid_order(quick, slow))

    assert etas() == {quick.pk: dt.date(2026, 12, 3), slow.pk: dt.date(2026, 12, 9)}


def test_the_sellers_handling_days_are_read_in_one_query_however_many_sellers():
    order = paid_order(*[SellerFactory(handling_days=n) for n in range(4)])

    with CaptureQueriesContext(connection) as captured:
        logistics_events.create_shipments_for_paid_order(event_id="evt-1", **order)

    assert sum('FROM "sellers_seller"' in query["sql"] for query in captured.captured_queries) == 1
    assert len(etas()) == 4


def test_the_track_api_and_the_order_page_show_the_latest_sellers_eta():
    buyer = UserFactory()
    quick = VariantFactory(stock=5, product__seller=SellerFactory(handling_days=0))
    slow = VariantFactory(stock=5, product__seller=SellerFactory(handling_days=6))
    order = place_paid(buyer, (quick, 1), (slow, 1))
    shipments = {s.seller_id: s.eta for s in make_shipments(order)}

    body = client_for(buyer).get(f"/api/v1/track/{order.pk}").json()
    view = order_selectors.order_view_for_buyer(user=buyer, order_id=order.pk)

    assert shipments[slow.product.seller_id] > shipments[quick.product.seller_id]
    assert body["ETA"] == shipments[slow.product.seller_id].isoformat() == view.eta.isoformat()


def test_checkout_dates_count_the_longest_handling_time_of_the_carts_sellers():
    buyer = UserFactory()
    quick = VariantFactory(stock=5, price=Decimal("5.00"), product__seller=SellerFactory(handling_days=0))
    slow = VariantFactory(stock=5, price=Decimal("5.00"), product__seller=SellerFactory(handling_days=2))
    fill_cart(buyer, (quick, 1), (slow, 1))

    quote = order_selectors.checkout_quote(user=buyer, shipping_method="standard")
    plain = order_selectors.shipping_option(code="standard")

    assert quote.handling_days == 2
    assert (quote.shipping_option.min_days, quote.shipping_option.max_days) == (plain.min_days + 2, plain.max_days + 2)
    assert quote.shipping_option.latest > plain.latest


def test_the_checkout_page_shows_dates_counting_the_sellers_handling_time(client):
    buyer = UserFactory()
    fill_cart(buyer, (VariantFactory(stock=5, product__seller=SellerFactory(handling_days=4)), 1))
    client.force_login(buyer)

    html = client.get("/checkout/").content.decode()

    for option in order_selectors.shipping_options(handling_days=4):
        assert f'datetime="{option.latest:%Y-%m-%d}"' in html
        assert f"{option.min_days}\N{EN DASH}{option.max_days} business days" in html
    assert f'datetime="{order_selectors.shipping_option(code="express").latest:%Y-%m-%d}"' not in html
