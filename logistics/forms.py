"""Storefront forms of the logistics app: the seller's "Mark shipped" and the filters of their orders page."""

from __future__ import annotations

from django import forms

from logistics.carriers import CARRIERS
from logistics.models import Shipment
from logistics.services import SIMULATED_CARRIER


class ShipForm(forms.Form):
    """The seller's "Mark shipped": who carries the parcel and its tracking number.

    On the orders page each waiting row has one, prefixed by the shipment's id (``<id>-carrier``).
    """

    carrier = forms.ChoiceField(label="Carrier", choices=CARRIERS, initial=SIMULATED_CARRIER)
    tracking_number = forms.CharField(
        label="Tracking number",
        max_length=64,
        required=False,
        help_text="Required except with the simulated carrier, which makes one up.",
    )

    def clean(self):
        cleaned = super().clean()
        number = (cleaned.get("tracking_number") or "").strip()
        if not number and cleaned.get("carrier") not in (None, SIMULATED_CARRIER):
            self.add_error("tracking_number", "Enter the tracking number the carrier gave you.")
        cleaned["tracking_number"] = number
        return cleaned


def _optional_date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date like 2026-01-31."},
    )


class ShipmentFilterForm(forms.Form):
    """The filters of the seller's orders page: status, the day the order was paid (a range), a search."""

    status = forms.ChoiceField(label="Status", required=False, choices=[("", "All"), *Shipment.Status.choices])
    start = _optional_date("Paid from")
    end = _optional_date("Paid to")
    q = forms.CharField(label="Order id or buyer", required=False, max_length=100)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "The end date must be on or after the start date.")
        return cleaned
