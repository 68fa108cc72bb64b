"""What the buyer reads on the order page and the pages around it: a heading that tells what changed since
the purchase, refunds and the net total, order ids as they are, options in the cart's order, and the
carrier's name rather than its internal code."""

from __future__ import annotations

from decimal import Decimal
import re

import pytest

from cart import selectors as cart_selectors
from catalog import services as catalog_services
from logistics import selectors as logistics_selectors
from orders import services as order_services
from tests.accounts.factories import UserFactory
from tests.orders.conftest import client_for, place_paid, ship_shipment
from tests.orders.test_pages_orders import make_shipments
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    seller = SellerFactory()
    mug = catalog_services.create_product(seller=seller, name="Blue Mug", price=Decimal("10.00"), quantity=20)
    lamp = catalog_services.create_product(seller=seller, name="Desk Lamp", price=Decimal("30.00"), quantity=20)
    return {"mug": mug.variants.get(), "lamp": lamp.variants.get()}


def heading(html: str) -> str:
    return re.sub(r"\s+", " ", re.search(r"<h1>(.*?)</h1>", html, re.DOTALL).group(1)).strip()


def order_page(client, buyer, order) -> str:
    client.force_login(buyer)
    response = client.get(f"/orders/{order.id}/")
    assert response.status_code == 200
    return response.content.decode()


# --- The heading and the totals -------------------------------------------------------------------------


def test_an_unchanged_paid_order_thanks_the_buyer_and_shows_no_refund(client, shop):
    buyer = UserFactory()
    order = place_paid(buyer, (shop["mug"], 1), (shop["lamp"], 1))

    html = order_page(client, buyer, order)

    assert heading(html) == "Thank you, your order is confirmed"
    assert 'data-testid="net-total"' not in html
    assert "Refunded" not in html


def test_after_a_cancelled_item_the_heading_says_so_and_the_totals_show_the_refund_and_net(client, shop):
    buyer = UserFactory()
    order = place_paid(buyer, (shop["mug"], 2), (shop["lamp"], 1))
    make_shipments(order)
    order_services.cancel_item(user=buyer, order_id=order.id, product_id=shop["mug"].product_id, reason="changed_mind")
    order.refresh_from_db()
    assert order.refunded_amount > 0

    html = order_page(client, buyer, order)

    refunded = f"${order.refunded_amount:,.2f}"
    assert heading(html) == f"Your order — 2 items cancelled, {refunded} refunded"
    assert "Thank you" not in html
    totals = html[html.index('<dl class="totals">') :]
    assert f"\N{MINUS SIGN}{refunded}" in re.search(r'data-testid="totals-refunded">(.*?)</dd>', totals).group(1)
    net = re.search(r'data-testid="net-total">(.*?)</dd>', totals).group(1)
    assert net == f"${order.total - order.refunded_amount:,.2f}"


def test_a_refund_without_a_cancelled_item_names_only_the_refund(client, shop):
    buyer = UserFactory()
    order = place_paid(buyer, (shop["mug"], 1))
    type(order).objects.filter(pk=order.pk).update(refunded_amount=Decimal("4.00"))  # e.g. a received return

    assert heading(order_page(client, buyer, order)) == "Your order — $4.00 refunded"


# --- Order ids are shown as they are ---------------------------------------------------------------------


def test_order_ids_are_never_upper_cased(client, shop, settings):
    buyer = UserFactory()
    order = place_paid(buyer, (shop["mug"], 1))
    assert order.id != order.id.upper()  # ids are mixed case: upper-casing would name another order

    html = order_page(client, buyer, order)

    assert f'<span class="order-id">{order.id}</span>' in html
    css = (settings.BASE_DIR / "static" / "css" / "store.css").read_text()
    order_id_rule = re.search(r"\.order-id \{(.*?)\}", css, re.DOTALL).group(1)
    assert "text-transform: none" in order_id_rule
    for name in ("checkout.css", "orders.css", "store.css", "packing-slip.css"):
        text = (settings.BASE_DIR / "static" / "css" / name).read_text()
        assert not re.search(r"\.order-id[^{]*\{[^}]*text-transform: uppercase", text), name


# --- Options in one order on every page --------------------------------------------------------------------


def test_options_read_in_the_cart_s_order_on_the_cart_payment_and_order_pages(client):
    seller = SellerFactory()
    shirt = catalog_services.create_product(
        seller=seller,
        name="Linen Shirt",
        variants=[
            {
                "sku": "LIN-M-WHT",
                "options": {"material": "Linen", "color": "White", "fit": "Slim", "size": "M"},
                "price": Decimal("40.00"),
                "quantity": 5,
            }
        ],
    )
    variant = shirt.variants.get()
    expected = "M / White / Slim / Linen"  # size, colour, then the others by name
    assert cart_selectors.option_label(variant.options) == expected
    buyer = UserFactory()
    client.force_login(buyer)
    client.post(f"/api/v1/cart/{shirt.pk}", {"quantity": 1, "sku": variant.sku}, content_type="application/json")

    assert expected in client.get("/cart/").content.decode()
    assert expected in client.get("/checkout/").content.decode()

    order = order_services.place_order(user=buyer, shipping_method="standard", shipping_address=_address())
    pay_page = client.get(f"/orders/{order.id}/pay/").content.decode()
    assert f'<span class="summary-options">{expected}</span>' in pay_page

    order_services.pay_order(user=buyer, order_id=order.id, payment_token="tok_visa")
    html = order_page(client, buyer, order)
    assert "Size: M · Color: White · Fit: Slim · Material: Linen" in html


def _address() -> dict:
    return {"name": "Ann", "line1": "1 Main St", "city": "Springfield", "postal_code": "62701", "country": "US"}


# --- The carrier by its name ---------------------------------------------------------------------------------


def test_the_simulated_carrier_is_named_for_buyers_on_the_page_and_in_the_api(client, shop, settings):
    settings.SIMULATED_CARRIER_ENABLED = True
    buyer = UserFactory()
    order = place_paid(buyer, (shop["mug"], 1))
    [shipment] = make_shipments(order)
    ship_shipment(shipment, carrier="simulated", tracking_number="SIM-1")

    html = order_page(client, buyer, order)

    assert "Bazaar Courier (test carrier)" in html
    assert "simulated" not in html.lower().replace("data-", "")
    [shipped] = client_for(buyer).get(f"/api/v1/orders/{order.id}").json()["order"]["shipments"]
    assert (shipped["carrier"], shipped["carrier_name"]) == ("simulated", "Bazaar Courier (test carrier)")
    [tracked] = client_for(buyer).get(f"/api/v1/track/{order.id}").json()["shipments"]
    assert tracked["carrier_name"] == "Bazaar Courier (test carrier)"


def test_real_carriers_keep_their_names():
    assert logistics_selectors.carrier_name(code="ups") == "UPS"
    assert logistics_selectors.carrier_name(code="acme") == "ACME"
