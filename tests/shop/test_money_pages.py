"""Money follows the store's currency wherever it is computed or shown: prices, totals, charges, pages."""

from decimal import Decimal

from django.test import override_settings
import pytest

from catalog import services as catalog_services
from catalog.search.facets import price_bands
from orders import selectors as order_selectors
from payments import services as payment_services
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

yen_store = override_settings(STORE_CURRENCY="JPY")


def list_product(*, name: str = "Tea Bowl", price: str = "1234.5", variants=None, category=None):
    return catalog_services.create_product(
        seller=SellerFactory(),
        name=name,
        price=None if variants else Decimal(price),
        quantity=None if variants else 3,
        variants=variants,
        category_id=category.pk if category else None,
    )


@yen_store
def test_a_yen_price_is_kept_in_whole_yen_rounded_half_up():
    product = list_product(price="1234.5")
    product.refresh_from_db()
    assert product.price == Decimal("1235")


@yen_store
def test_a_yen_store_product_page_shows_prices_without_decimals(client):
    product = list_product(
        variants=[
            {"sku": "BOWL-S", "options": {"size": "S"}, "price": Decimal("1200"), "quantity": 2},
            {"sku": "BOWL-L", "options": {"size": "L"}, "price": Decimal("12500"), "quantity": 2},
        ]
    )

    html = client.get(f"/p/{product.pk}-tea-bowl/").content.decode()

    assert "¥1,200" in html
    assert "¥12,500" in html  # the variant table and the script's data, written by the server
    assert "¥1,200.00" not in html
    assert "¥12,500.00" not in html
    assert "$" not in html.split('id="product-name"')[1]


def test_a_dollar_store_product_page_keeps_its_cents(client):
    product = list_product(price="1234.5")
    html = client.get(f"/p/{product.pk}-tea-bowl/").content.decode()
    assert "$1,234.50" in html


@yen_store
@override_settings(TAX_RATE="0.0825")
def test_yen_order_totals_are_whole_yen_with_halves_rounded_up():
    totals = order_selectors.order_totals(subtotal=Decimal("1000"), shipping=Decimal("500"))
    assert (totals.subtotal, totals.shipping, totals.tax, totals.total) == (
        Decimal("1000"),
        Decimal("500"),
        Decimal("83"),  # 82.5
        Decimal("1583"),
    )


@override_settings(TAX_RATE="0.0825")
def test_dollar_order_tax_rounds_half_a_cent_up():
    assert order_selectors.order_totals(subtotal=Decimal("10.00"), shipping=Decimal("0")).tax == Decimal("0.83")


def test_a_charge_rounds_half_a_cent_up_as_order_totals_do():
    payment = payment_services.charge(
        order_id="ord_round", amount=Decimal("10.125"), currency="USD", payment_token="tok_visa", attempt_key="a-1"
    )
    payment.refresh_from_db()
    assert payment.amount == Decimal("10.13")


def test_a_refund_rounds_half_a_cent_up():
    payment = payment_services.charge(
        order_id="ord_round", amount=Decimal("20.00"), currency="USD", payment_token="tok_visa", attempt_key="a-2"
    )
    refund = payment_services.refund(payment_id=payment.id, amount=Decimal("0.125"))
    assert refund.amount == Decimal("0.13")


@yen_store
def test_yen_price_bands_end_one_yen_under_the_next_edge():
    bands = price_bands()
    assert (bands[0]["max"], bands[1]["min"], bands[1]["max"]) == ("24", "25", "49")


def test_dollar_price_bands_end_one_cent_under_the_next_edge():
    bands = price_bands()
    assert (bands[0]["max"], bands[1]["min"], bands[1]["max"]) == ("24.99", "25.00", "49.99")


@yen_store
def test_a_yen_listing_labels_its_price_bands_in_whole_yen(client):
    bowls = catalog_services.create_category(name="Bowls", parent_id=None)
    list_product(price="10", category=bowls)
    list_product(name="Big Bowl", price="30", category=bowls)

    html = client.get("/c/bowls/").content.decode()

    assert "Under ¥25" in html
    assert "¥25 to ¥50" in html
