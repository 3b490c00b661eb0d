"""Child or adult at the time of exploitation, from a birth date that may be partial.

The one place where the counting rule for age lives (national statistics, the
anonymised export and the HTCDS exchange all use it). Birth dates are kept as
"YYYY-MM-DD", "YYYY-MM" or "YYYY" (encrypted); the clear `birth_year` column is
enough for everyone whose age is not within a year of a boundary, so callers
decrypt the full date only when `needs_full_date` says so.
"""

from datetime import date

CHILD = "child"
ADULT = "adult"
UNKNOWN = "unknown"
AGE_GROUPS = (CHILD, ADULT, UNKNOWN)
ADULT_AGE = 18


def _parse(birth_date: str) -> tuple[int, int | None, int | None] | None:
    parts = (birth_date or "").strip().split("-")
    try:
        numbers = [int(p) for p in parts if p]
    except ValueError:
        return None
    if not numbers or len(numbers) > 3:
        return None
    year = numbers[0]
    month = numbers[1] if len(numbers) > 1 else None
    day = numbers[2] if len(numbers) > 2 else None
    return year, month, day


def age_bounds(birth_date: str, on: date) -> tuple[int, int] | None:
    """The youngest and oldest the person can be on `on`, in whole years.

    A full date gives one age; a year and month, or a year alone, give a range
    of two ages when the birthday may or may not have passed yet.
    """
    parsed = _parse(birth_date)
    if parsed is None:
        return None
    year, month, day = parsed
    oldest = on.year - year
    if month is None:
        return oldest - 1, oldest
    if day is None:
        if on.month > month:
            return oldest, oldest
        if on.month < month:
            return oldest - 1, oldest - 1
        return oldest - 1, oldest
    had_birthday = (on.month, on.day) >= (month, day)
    age = oldest if had_birthday else oldest - 1
    return age, age


def age_group(birth_date: str, on: date | None) -> str:
    """ "child", "adult" or "unknown" (no date, or a partial date straddling 18)."""
    if on is None:
        return UNKNOWN
    bounds = age_bounds(birth_date, on)
    if bounds is None:
        return UNKNOWN
    youngest, oldest = bounds
    if oldest < 0:
        return UNKNOWN  # born after the date: a data error, never a guess
    if oldest < ADULT_AGE:
        return CHILD
    if youngest >= ADULT_AGE:
        return ADULT
    return UNKNOWN


def age_group_from_year(birth_year: int | None, on: date | None) -> str | None:
    """The group from the clear birth year alone, or None when the full date is needed."""
    if on is None or birth_year is None:
        return UNKNOWN
    difference = on.year - birth_year
    if difference < 0:
        return UNKNOWN
    if difference <= ADULT_AGE - 1:
        return CHILD
    if difference >= ADULT_AGE + 1:
        return ADULT
    return None  # turns 18 in that year: only the full date can tell


def needs_full_date(birth_year: int | None, on: date | None) -> bool:
    return age_group_from_year(birth_year, on) is None
