"""shop.dates.add_business_days: the one business-day count behind shipping windows and ETAs."""

from datetime import date

import pytest

from shop.dates import add_business_days

THURSDAY = date(2026, 12, 3)
FRIDAY = date(2026, 12, 4)
SATURDAY = date(2026, 12, 5)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (THURSDAY, 1, FRIDAY),
        (FRIDAY, 1, date(2026, 12, 7)),  # the weekend is skipped: Monday
        (SATURDAY, 1, date(2026, 12, 7)),  # from a weekend, the next Monday
        (THURSDAY, 3, date(2026, 12, 8)),  # Fri, Mon, Tue
        (FRIDAY, 10, date(2026, 12, 18)),  # two full weeks
        (SATURDAY, 0, SATURDAY),
    ],
)
def test_business_days_skip_weekends(start, days, expected):
    assert add_business_days(start, days=days) == expected
