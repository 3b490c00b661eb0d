"""Child or adult at the start of exploitation, from full and partial birth dates."""

from datetime import date, timedelta

import pytest

from apps.statistics.age import (
    ADULT,
    CHILD,
    UNKNOWN,
    age_bounds,
    age_group,
    age_group_from_year,
    needs_full_date,
)

BEGAN = date(2025, 6, 15)


@pytest.mark.parametrize(
    "birth_date, expected",
    [
        ("2007-06-16", CHILD),  # 18 the next day
        ("2007-06-15", ADULT),  # 18th birthday that very day
        ("2007-06-14", ADULT),
        ("2007", UNKNOWN),  # 17 or 18
        ("2006", ADULT),  # 18 or 19
        ("2008", CHILD),  # 16 or 17
        ("2007-05", ADULT),  # birthday month passed
        ("2007-07", CHILD),  # birthday month to come
        ("2007-06", UNKNOWN),  # the same month: either
        ("", UNKNOWN),
        ("not a date", UNKNOWN),
        ("2026-01-01", UNKNOWN),  # born after exploitation began: a data error, no guess
        ("1960-02-29", ADULT),
    ],
)
def test_age_group_with_full_and_partial_dates(birth_date, expected):
    assert age_group(birth_date, BEGAN) == expected


def test_unknown_day_of_exploitation_gives_unknown():
    assert age_group("1990-01-01", None) == UNKNOWN
    assert age_group_from_year(1990, None) == UNKNOWN


def test_year_only_bounds():
    assert age_bounds("2007", BEGAN) == (17, 18)
    assert age_bounds("2007-06-15", BEGAN) == (18, 18)
    assert age_bounds("2007-06", BEGAN) == (17, 18)


def test_the_clear_birth_year_never_contradicts_the_full_date():
    """The shortcut the report takes (birth year only, the encrypted date read only when
    needs_full_date) gives the same group as the full date, for every birthday of every
    year around the boundary."""
    checked_shortcut = checked_full = 0
    for began in (date(2025, 1, 1), date(2025, 6, 15), date(2024, 12, 31), date(2024, 2, 29)):
        for year in range(began.year - 21, began.year - 14):
            day = date(year, 1, 1)
            while day.year == year:
                full = age_group(day.isoformat(), began)
                if needs_full_date(year, began):
                    checked_full += 1
                else:
                    assert age_group_from_year(year, began) == full, (day, began)
                    checked_shortcut += 1
                day += timedelta(days=1)
    assert checked_shortcut > 5000 and checked_full > 1000


def test_needs_full_date_only_in_the_year_of_the_18th_birthday():
    assert needs_full_date(2007, BEGAN)
    assert not needs_full_date(2006, BEGAN)
    assert not needs_full_date(2008, BEGAN)
    assert not needs_full_date(None, BEGAN)
