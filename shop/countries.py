"""Countries for address forms: a select of every ISO 3166-1 country by name (django-countries), the value its
two-letter code, with the store's own country (settings.STORE_COUNTRY) chosen for a new address."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django_countries import countries


def country_choices() -> list[tuple[str, str]]:
    """(code, name) of every country, by name."""
    return [(country.code, country.name) for country in countries]


def store_country() -> str:
    """The store's own country code, the address forms' default."""
    return settings.STORE_COUNTRY


class CountryField(forms.ChoiceField):
    """A country select whose value is the ISO code; a code posted in lower case is accepted too."""

    default_error_messages = {
        "invalid_choice": "Choose a country from the list (its two-letter country code, e.g. US).",
    }

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", "Country")
        kwargs.setdefault("initial", store_country)
        super().__init__(choices=country_choices, **kwargs)
        self.widget.attrs.setdefault("autocomplete", "country")

    def to_python(self, value) -> str:
        return super().to_python(value).strip().upper()
