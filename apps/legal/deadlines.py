"""Procedural deadlines: a period in calendar or working days from a decision's date,
with Kyrgyzstan's public holidays from the maintained `holidays` package.

Counting follows the habit of the Kyrgyz procedure codes: the day of the event does not
count; a period in calendar days that ends on a day off ends on the next working day; a
period in working days skips Saturdays, Sundays and public holidays.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays

from apps.legal.models import DayKind


@lru_cache(maxsize=32)
def _holidays_of(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("KG", years=year).keys())


def is_day_off(day: date) -> bool:
    """A Saturday, a Sunday or a public holiday of Kyrgyzstan."""
    return day.weekday() >= 5 or day in _holidays_of(day.year)


def next_working_day(day: date) -> date:
    while is_day_off(day):
        day += timedelta(days=1)
    return day


def due_date(counted_from: date, days: int, day_kind: str) -> date:
    """The last day of a period of `days` days after `counted_from`."""
    if day_kind == DayKind.WORKING:
        day, left = counted_from, days
        while left > 0:
            day += timedelta(days=1)
            if not is_day_off(day):
                left -= 1
        return day
    return next_working_day(counted_from + timedelta(days=days))
