"""shop.money and shop.currency: places per ISO 4217, one rounding rule, how amounts are written."""

from decimal import Decimal
import os
import subprocess
import sys

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template
from django.test import override_settings
import pytest

from shop import money
from shop.currency import UnknownCurrency, checked_store_currency


@pytest.mark.parametrize(("currency", "places"), [("JPY", 0), ("USD", 2), ("EUR", 2), ("KWD", 3)])
def test_places_follow_the_iso_4217_exponent(currency, places):
    assert money.places(currency) == places


def test_an_unknown_currency_has_no_places():
    with pytest.raises(UnknownCurrency):
        money.places("XXX")


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("0.125", "USD", "0.13"),  # half rounds up, not to even (0.12)
        ("0.135", "USD", "0.14"),
        ("-0.125", "USD", "-0.13"),  # away from zero
        ("2.5", "JPY", "3"),
        ("1234.4", "JPY", "1234"),
        ("0.0005", "KWD", "0.001"),
    ],
)
def test_half_a_minor_unit_rounds_up(amount, currency, expected):
    assert money.quantize(Decimal(amount), currency=currency) == Decimal(expected)
    assert str(money.quantize(Decimal(amount), currency=currency)) == expected


def test_quantize_defaults_to_the_store_currency():
    assert str(money.quantize(Decimal("19.5"))) == "19.50"
    with override_settings(STORE_CURRENCY="JPY"):
        assert str(money.quantize(Decimal("19.5"))) == "20"


def test_a_float_rounds_as_written_not_as_its_binary_value():
    assert money.quantize(2.675, currency="USD") == Decimal("2.68")  # 2.675 is 2.67499... in binary


@pytest.mark.parametrize(
    ("amount", "currency", "expected"), [("19.9", "USD", "19.90"), ("1200.00", "JPY", "1200"), ("5", "KWD", "5.000")]
)
def test_api_strings_carry_the_currency_places(amount, currency, expected):
    assert money.to_str(Decimal(amount), currency=currency) == expected


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("1234.5", "USD", "$1,234.50"),
        ("1234.5", "JPY", "¥1,235"),
        ("1234.5678", "KWD", "KD 1,234.568"),
        ("-5", "GBP", "-£5.00"),
        ("12", "CHF", "CHF 12.00"),
        ("7", "SEK", "SEK 7.00"),  # no symbol in the table: the code
    ],
)
def test_pages_write_the_symbol_grouping_and_places(amount, currency, expected):
    assert money.format_money(Decimal(amount), currency=currency) == expected


def test_labels_write_whole_amounts_without_zero_decimals():
    assert money.format_money(Decimal("25.00"), currency="USD", trim_whole=True) == "$25"
    assert money.format_money(Decimal("12.50"), currency="USD", trim_whole=True) == "$12.50"


# --- The |money filter -------------------------------------------------------------------------------------


def render(text: str, **context) -> str:
    return Template(text).render(Context(context))


def test_the_money_filter_needs_no_load_and_writes_the_store_currency():
    assert render("{{ amount|money }}", amount=Decimal("1234.5")) == "$1,234.50"


def test_the_money_filter_takes_another_currency():
    assert render("{{ amount|money:code }}", amount=Decimal("1234.5"), code="EUR") == "€1,234.50"
    assert render("{{ amount|money:code }}", amount=Decimal("1234.5"), code="JPY") == "¥1,235"


def test_the_money_filter_follows_a_yen_store():
    with override_settings(STORE_CURRENCY="JPY"):
        assert render("{{ amount|money }}", amount=Decimal("1200.00")) == "¥1,200"


def test_the_money_filter_writes_nothing_for_no_amount():
    assert render("[{{ amount|money }}]", amount=None) == "[]"
    assert render("[{{ missing|money }}]") == "[]"


def test_currency_places_filter_tells_scripts_the_places():
    assert render("{{ code|currency_places }} {{ missing|currency_places }}", code="JPY") == "0 2"


# --- STORE_CURRENCY is checked at startup ------------------------------------------------------------------


def test_a_supported_store_currency_is_accepted():
    assert checked_store_currency("JPY") == "JPY"
    assert checked_store_currency("USD") == "USD"


def test_an_unknown_store_currency_is_refused():
    with pytest.raises(ImproperlyConfigured, match="'XXX' is not an ISO 4217 currency"):
        checked_store_currency("XXX")


def test_a_store_currency_with_more_places_than_the_database_keeps_is_refused():
    with pytest.raises(ImproperlyConfigured, match="KWD has 3 decimal places but amounts are stored with 2"):
        checked_store_currency("KWD")


def test_the_store_does_not_start_with_store_currency_xxx():
    env = {**os.environ, "STORE_CURRENCY": "XXX", "DJANGO_SETTINGS_MODULE": "shop.settings"}
    started = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert started.returncode != 0
    assert "ImproperlyConfigured: STORE_CURRENCY: 'XXX' is not an ISO 4217 currency" in started.stderr
