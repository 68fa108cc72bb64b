"""Form pieces every app's pages share: an optional day picked with the browser's date input, and a
date range whose two ends are optional and inclusive."""

from __future__ import annotations

from django import forms


def optional_date(label: str) -> forms.DateField:
    """An optional day, picked with the browser's date input."""
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date like 2026-01-31."},
    )


class DateRangeForm(forms.Form):
    """``start`` and ``end``, both optional and inclusive; an end before the start is an error on ``end``."""

    start = optional_date("From")
    end = optional_date("To")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "The end date must be on or after the start date.")
        return cleaned
