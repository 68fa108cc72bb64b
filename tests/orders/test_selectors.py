"""Shipping options with delivery dates in business days, the checkout quote, and access to orders."""

from datetime import date
from decimal import Decimal

from django.test import override_settings
import pytest

from orders import selectors
from orders.errors import OrderNotFound, UnknownShippingMethod
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.orders.conftest import fill_cart

FRIDAY = date(2026, 11, 27)


def test_delivery_dates_count_business_days_and_skip_the_weekend():
    options = {option.code: option for option in selectors.shipping_options(today=FRIDAY)}
    standard, express = options["standard"], options["express"]
    assert (standard.price, standard.earliest, standard.latest) == (
        Decimal("4.99"),
        date(2026, 12, 2),
        date(2026, 12, 4),
    )
    assert (express.price, express.earliest, express.latest) == (
        Decimal("14.99"),
        date(2026, 11, 30),
        date(2026, 12, 1),
    )


def test_an_unknown_shipping_method_is_refused():
    with pytest.raises(UnknownShippingMethod):
        selectors.shipping_option(code="teleport")


@pytest.mark.django_db
@override_settings(TAX_RATE="0.10")
def test_the_quote_prices_the_cart_with_shipping_and_tax():
    buyer = UserFactory()
    fill_cart(buyer, (VariantFactory(product__price=Decimal("7.25"), stock=5), 2))
    quote = selectors.checkout_quote(user=buyer, shipping_method="express")
    assert (quote.subtotal, quote.shipping, quote.tax, quote.total, quote.currency) == (
        Decimal("14.50"),
        Decimal("14.99"),
        Decimal("1.45"),
        Decimal("30.94"),
        "USD",
    )
    assert [line.quantity for line in quote.lines] == [2]


@pytest.mark.django_db
def test_the_quote_of_a_buyer_without_a_cart_is_empty():
    quote = selectors.checkout_quote(user=UserFactory(), shipping_method="standard")
    assert (quote.lines, quote.subtotal, quote.total) == ([], Decimal("0.00"), Decimal("4.99"))


@pytest.mark.django_db
def test_an_order_is_found_for_its_buyer_only(placed, buyer):
    assert selectors.order_for_buyer(user=buyer, order_id=placed["id"]).pk == placed["id"]
    with pytest.raises(OrderNotFound):
        selectors.order_for_buyer(user=UserFactory(), order_id=placed["id"])
