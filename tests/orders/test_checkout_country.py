"""The checkout's and the address book's country: a select of countries by name with the store's country
(STORE_COUNTRY) chosen, never a text box that looks filled in by its placeholder."""

from __future__ import annotations

import re

import pytest

from accounts.forms import AddressForm
from orders.forms import CheckoutForm
from shop.countries import country_choices
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


def select_of(html: str) -> str:
    return re.search(r'<select name="country".*?</select>', html, re.DOTALL).group(0)


def selected(select: str) -> list[str]:
    return re.findall(r'<option value="([A-Z]{2})" selected>', select)


def test_every_iso_country_is_offered_by_name():
    choices = dict(country_choices())
    assert len(choices) >= 249
    assert choices["US"] == "United States of America"
    assert choices["DE"] == "Germany"


def test_the_checkout_preselects_the_store_s_country(client, settings):
    settings.STORE_COUNTRY = "DE"
    client.force_login(UserFactory())
    product = ProductFactory()
    client.post(f"/api/v1/cart/{product.pk}", {"quantity": 1}, content_type="application/json")

    html = client.get("/checkout/").content.decode()

    select = select_of(html)
    assert selected(select) == ["DE"]
    assert 'autocomplete="country"' in select
    assert 'placeholder="US"' not in html
    assert '<option value="US">United States of America</option>' in select


def test_the_default_is_us():
    form = CheckoutForm(addresses=[], shipping_codes=["standard"])
    assert selected(select_of(str(form["country"]))) == ["US"]


def test_a_posted_code_is_accepted_in_either_case_and_an_unknown_one_is_refused():
    fields = {"address": "new", "name": "Ann", "line1": "1 Main St", "city": "Springfield", "postal_code": "1"}
    form = CheckoutForm(
        {**fields, "country": "fr", "shipping_method": "standard"}, addresses=[], shipping_codes=["standard"]
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["country"] == "FR"

    form = CheckoutForm(
        {**fields, "country": "XX", "shipping_method": "standard"}, addresses=[], shipping_codes=["standard"]
    )
    assert not form.is_valid()
    assert "two-letter country code" in form.errors["country"][0]


def test_the_address_book_form_shares_the_select(client, settings):
    settings.STORE_COUNTRY = "CA"
    client.force_login(UserFactory())

    html = client.get("/accounts/addresses/new/").content.decode()

    assert selected(select_of(html)) == ["CA"]
    form = AddressForm({"name": "Ann", "line1": "1 Main St", "city": "Toronto", "postal_code": "M5V", "country": "ca"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["country"] == "CA"
