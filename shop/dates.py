"""Calendar arithmetic the store's delivery promises share: business days are Monday to Friday."""

from datetime import date, timedelta


def add_business_days(start: date, *, days: int) -> date:
    """The date ``days`` business days after ``start`` (weekends skipped; ``days`` 0 is ``start``)."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current
