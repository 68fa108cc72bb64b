"""The printable packing slip of a seller's shipment: where it goes and this seller's items, nobody else's."""

from __future__ import annotations

import pytest

from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.logistics.factories import ShipmentFactory, ShipmentLineFactory

pytestmark = pytest.mark.django_db

ADDRESS = {
    "name": "Grace Hopper",
    "line1": "1 Compiler Way",
    "line2": "",
    "city": "Arlington",
    "region": "VA",
    "postal_code": "22201",
    "country": "US",
    "phone": "",
}


def slip_url(shipment) -> str:
    return f"/seller/shipments/{shipment.id}/packing-slip/"


@pytest.fixture
def shipment():
    shipment = ShipmentFactory(order_id="ord_slip1", shipping_address=ADDRESS)
    variant = VariantFactory(sku="MUG-BLUE-M", options={"size": "M", "color": "blue"})
    ShipmentLineFactory(shipment=shipment, sku=variant.sku, product_name="Blue Mug", quantity=2)
    return shipment


def test_the_slip_shows_store_order_address_and_the_lines_with_options(client, shipment):
    client.force_login(shipment.seller.user)

    response = client.get(slip_url(shipment))

    html = response.content.decode()
    assert response.status_code == 200
    for text in (shipment.seller.store_name, "ord_slip1", "Grace Hopper", "1 Compiler Way", "MUG-BLUE-M", "Blue Mug"):
        assert text in html
    assert "size: M, color: blue" in html
    assert '<td class="num">2</td>' in html


def test_the_slip_lists_only_that_shipments_lines_not_cancelled_ones(client, shipment):
    ShipmentLineFactory(shipment=shipment, sku="GONE-1", product_name="Cancelled Cup", cancelled=True)
    other = ShipmentFactory(order_id="ord_slip1")  # the same order's parcel from another seller
    ShipmentLineFactory(shipment=other, sku="LAMP-1", product_name="Desk Lamp")
    client.force_login(shipment.seller.user)

    html = client.get(slip_url(shipment)).content.decode()

    assert "Blue Mug" in html
    assert "Cancelled Cup" not in html
    assert "Desk Lamp" not in html


def test_the_slip_is_printable_without_the_site_chrome(client, shipment, settings):
    client.force_login(shipment.seller.user)

    html = client.get(slip_url(shipment)).content.decode()

    assert "/static/css/packing-slip." in html
    assert "/static/js/packing-slip." in html  # a file: the Content Security Policy refuses inline scripts
    assert "data-print hidden" in html  # shown only once the script runs
    script = (settings.BASE_DIR / "static" / "js" / "packing-slip.js").read_text()
    assert "window.print()" in script


def test_the_print_stylesheet_hides_the_site_header_and_footer():
    from pathlib import Path

    from django.conf import settings

    css = (Path(settings.BASE_DIR) / "static/css/packing-slip.css").read_text()
    print_rules = css.split("@media print", 1)[1]
    assert ".site-header" in print_rules
    assert ".site-footer" in print_rules


def test_another_sellers_slip_is_404(client, shipment):
    client.force_login(ShipmentFactory().seller.user)

    assert client.get(slip_url(shipment)).status_code == 404


def test_an_unknown_shipment_is_404(client, shipment):
    client.force_login(shipment.seller.user)

    assert client.get("/seller/shipments/shp_nope/packing-slip/").status_code == 404


def test_buyers_get_403(client, shipment):
    client.force_login(UserFactory())

    assert client.get(slip_url(shipment)).status_code == 403


def test_the_orders_page_links_each_shipment_to_its_slip(client, shipment):
    client.force_login(shipment.seller.user)

    html = client.get("/seller/orders/").content.decode()

    assert f'href="{slip_url(shipment)}"' in html
