"""Storefront forms of the logistics app: the seller's "Mark shipped"."""

from __future__ import annotations

from django import forms

from logistics.carriers import CARRIERS
from logistics.services import SIMULATED_CARRIER


class ShipForm(forms.Form):
    """The seller's "Mark shipped": who carries the parcel and its tracking number."""

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
