"""Storefront forms of the inventory app: the seller's stock change and the ledger's filters."""

from __future__ import annotations

from django import forms

from inventory.models import StockMovement

MAX_UNITS = 1_000_000


class StockChangeForm(forms.Form):
    """Set a variant's stock on hand, or adjust it by a signed number of units, saying why."""

    SET = "set"
    ADJUST = "adjust"

    change = forms.ChoiceField(
        label="Change",
        choices=[(SET, "Set stock on hand to"), (ADJUST, "Adjust stock on hand by (+/-)")],
        initial=SET,
        widget=forms.RadioSelect,
    )
    quantity = forms.IntegerField(
        label="Units",
        min_value=-MAX_UNITS,
        max_value=MAX_UNITS,
        help_text="A whole number: the new level, or the units to add (e.g. 12) or take away (e.g. -3).",
        error_messages={"invalid": "Enter a whole number of units.", "required": "Enter a number of units."},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=StockMovement._meta.get_field("note").max_length,
        help_text="Kept in the stock ledger, e.g. “Delivery from supplier” or “Stock count”.",
        error_messages={"required": "Say why the stock changes: it is kept in the ledger."},
    )

    def clean(self):
        cleaned = super().clean()
        change, quantity = cleaned.get("change"), cleaned.get("quantity")
        if quantity is None:
            return cleaned
        if change == self.SET and quantity < 0:
            self.add_error("quantity", "Stock on hand cannot be less than 0.")
        elif change == self.ADJUST and quantity == 0:
            self.add_error("quantity", "Enter the units to add or take away (not 0).")
        return cleaned


class LedgerFilterForm(forms.Form):
    """The ledger's filters: kind of movement and a range of days (all optional)."""

    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "All kinds"), *StockMovement.Reason.choices])
    since = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date must not be before the start date.")
        return cleaned
