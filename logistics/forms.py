"""Storefront forms of the logistics app: the seller's "Mark shipped" and the filters of their orders page."""

from __future__ import annotations

from django import forms

from logistics.carriers import SIMULATED_CARRIER, carrier_choices, simulated_enabled
from logistics.models import Shipment
from shop.forms import DateRangeForm, optional_date


class ShipForm(forms.Form):
    """The seller's "Mark shipped": who carries the parcel and its tracking number.

    On the orders page each waiting row has one, prefixed by the shipment's id (``<id>-carrier``).
    """

    # Read on every render and every check, so the simulated carrier comes and goes with its setting.
    carrier = forms.ChoiceField(label="Carrier", choices=carrier_choices)
    tracking_number = forms.CharField(
        label="Tracking number",
        max_length=64,
        required=False,
        help_text="Required except with the simulated carrier, which makes one up.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if simulated_enabled():
            self.fields["carrier"].initial = SIMULATED_CARRIER

    def clean(self):
        cleaned = super().clean()
        number = (cleaned.get("tracking_number") or "").strip()
        if not number and cleaned.get("carrier") not in (None, SIMULATED_CARRIER):
            self.add_error("tracking_number", "Enter the tracking number the carrier gave you.")
        cleaned["tracking_number"] = number
        return cleaned


class ShipmentFilterForm(DateRangeForm):
    """The filters of the seller's orders page: status, the day the order was paid (a range), a search."""

    status = forms.ChoiceField(label="Status", required=False, choices=[("", "All"), *Shipment.Status.choices])
    start = optional_date("Paid from")
    end = optional_date("Paid to")
    q = forms.CharField(label="Order id or buyer", required=False, max_length=100)
    field_order = ("status", "start", "end", "q")
