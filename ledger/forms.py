"""Storefront forms of the ledger: the date range of the seller's statement (page and CSV download)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from shop.forms import DateRangeForm, optional_date


class StatementFilterForm(DateRangeForm):
    """The statement's days, both ends optional and inclusive (store time)."""

    start = optional_date("From")
    end = optional_date("To")

    @classmethod
    def from_download_query(cls, query) -> StatementFilterForm:
        """The form for the CSV download's ``?from=&to=`` (the names the API uses too)."""
        data = {name: query.get(param) for name, param in (("start", "from"), ("end", "to")) if query.get(param)}
        return cls(data)

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """The range as the statement selector takes it: since the start day's midnight, until the midnight after
        the end day (exclusive). Call on a valid form."""
        return day_bounds(self.cleaned_data.get("start"), self.cleaned_data.get("end"))


def day_bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """Inclusive days as ``(since, until)`` datetimes: the start day's midnight, the midnight after the end day
    (exclusive; none after the last day a date can hold)."""
    return (
        _midnight(start) if start else None,
        _midnight(end + timedelta(days=1)) if end and end < date.max else None,
    )


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
