"""The seller overview page (/seller/): the seller's own figures with their change, an SVG chart image with a
table fallback, top products and what waits for them; only for sellers."""

from __future__ import annotations

import base64
from decimal import Decimal
import re

import pytest

from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.orders.conftest import client_for, deliver_lines, place_paid
from tests.orders.test_api_seller_stats import paid_days_ago
from tests.orders.test_pages_orders import make_shipments
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

URL = "/seller/"
# The session's user, the header's seller check and cart badge, the seller; three for the figures; then
# open alerts, shipments to send and returns waiting (one count each).
OVERVIEW_QUERIES = 10


@pytest.fixture
def seller():
    return SellerFactory(store_name="Mugs & Co")


@pytest.fixture
def mug(seller):
    return VariantFactory(stock=50, product__seller=seller, product__name="Blue Mug", price=Decimal("10.00"))


@pytest.fixture
def chair():
    """Another seller's product."""
    return VariantFactory(stock=50, product__name="Oak Chair", price=Decimal("99.00"))


@pytest.fixture
def sales(mug, chair):
    """Today 3 mugs (and another seller's chair in the same order); 10 days ago 1 mug; their shipments made."""
    buyer = UserFactory()
    for order in (
        paid_days_ago(place_paid(buyer, (mug, 3), (chair, 1)), 0),
        paid_days_ago(place_paid(buyer, (mug, 1)), 10),
    ):
        make_shipments(order)


def page(client, user, query: str = "") -> str:
    client.force_login(user)
    response = client.get(URL + query)
    assert response.status_code == 200, response.content.decode()[:2000]
    return response.content.decode()


def tile(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">(.*?)</li>', html, re.DOTALL)
    assert match, name
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def test_seller_sees_their_figures_with_the_change(client, seller, sales):
    html = page(client, seller.user, "?days=7")

    assert "$30.00" in tile(html, "revenue")
    assert "+200.0% vs $10.00 before" in tile(html, "revenue")  # the mug of 10 days ago
    assert tile(html, "units-sold").startswith("Units sold 3 ")
    assert "Oak Chair" not in html


def test_the_change_is_against_the_period_before(client, seller, sales):
    html = page(client, seller.user, "?days=30")

    # 30 days: 4 mugs; the 30 days before: nothing.
    assert "$40.00" in tile(html, "revenue")
    assert "Nothing in the period before" in tile(html, "orders")
    vase = VariantFactory(product__seller=seller, price=Decimal("15.00"), stock=5)
    paid_days_ago(place_paid(UserFactory(), (vase, 1)), 8)
    # 7 days: $30 against the mug of 10 days ago and the vase of 8 days ago, $25.
    assert "+20.0% vs $25.00 before" in tile(page(client, seller.user, "?days=7"), "revenue")


def chart_svg(html: str, name: str) -> str:
    """The SVG inside the ``data:`` image of chart ``name`` on the page."""
    chart = re.search(rf'<div class="sales-chart-svg" data-chart="{name}".*?</div>', html, re.DOTALL).group(0)
    source = re.search(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', chart).group(1)
    return base64.b64decode(source).decode()


def test_charts_are_svg_images_without_scripts_or_cdn(client, seller, sales):
    """The charts are data: images, so their own <style> is not an inline style of the page (CSP)."""
    html = page(client, seller.user, "?days=7")

    for name in ("revenue", "orders"):
        svg = chart_svg(html, name)
        assert svg.startswith("<svg")
        assert "<script" not in svg
    assert "$30.00" in chart_svg(html, "revenue")  # the bar's value
    assert "kozea.github.io" not in html


def test_table_fallback_lists_every_day(client, seller, sales):
    html = page(client, seller.user, "?days=7")

    table = re.search(r'<table class="table" data-testid="series">.*?</table>', html, re.DOTALL).group(0)
    assert table.count('<th scope="row">') == 7
    assert "$30.00" in table


def test_top_products_and_period_links(client, seller, sales):
    html = page(client, seller.user, "?days=90")

    top = re.search(r'data-testid="top-products">.*?</table>', html, re.DOTALL).group(0)
    assert "Blue Mug" in top
    assert "$40.00" in top
    for days in (1, 7, 30, 90):
        assert f'href="?days={days}"' in html
    assert 'href="?days=90" aria-current="page"' in html


def test_a_bad_period_shows_thirty_days(client, seller, sales):
    html = page(client, seller.user, "?days=abc")

    assert 'href="?days=30" aria-current="page"' in html


def test_waiting_work_is_counted(client, seller, sales):
    html = page(client, seller.user)

    assert re.search(r'data-testid="shipments-to-send">2<', html)  # one per paid order
    assert re.search(r'data-testid="returns-waiting">0<', html)
    assert re.search(r'data-testid="open-alerts">0<', html)


def test_open_alerts_and_returns_waiting_are_counted(client, seller, mug):
    buyer = UserFactory()
    lamp = VariantFactory(stock=6, product__seller=seller, price=Decimal("30.00"))
    order = place_paid(buyer, (mug, 2), (lamp, 2))  # the lamp falls to 4, at or below the store's 5
    deliver_lines(order, *order.lines.all())
    asked = client_for(buyer).post(
        "/api/v1/returns",
        {"order": order.pk, "product": mug.product_id, "quantity": 1, "reason": "broken"},
        format="json",
    )
    assert asked.status_code == 201, asked.content

    html = page(client, seller.user)

    assert re.search(r'data-testid="open-alerts">1<', html)
    assert re.search(r'data-testid="returns-waiting">1<', html)


def test_seller_menu_links_the_overview(client, seller):
    assert 'href="/seller/"' in page(client, seller.user)


def test_a_buyer_gets_403(client):
    client.force_login(UserFactory())

    assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert "next=/seller/" in response["Location"]


@pytest.mark.usefixtures("unlimited_holds")  # six checkouts in a row
def test_query_count_does_not_grow_with_sales(client, seller, mug, django_assert_max_num_queries):
    buyer = UserFactory()
    for days_ago in range(6):
        paid_days_ago(place_paid(buyer, (mug, 1), (VariantFactory(product__seller=seller, stock=5), 1)), days_ago)
    client.force_login(seller.user)

    with django_assert_max_num_queries(OVERVIEW_QUERIES):
        response = client.get(URL + "?days=90")
    assert response.status_code == 200
