"""Dates as the reader writes them (formats per language in koldoo/formats/).

Pages use the `date` filter with SHORT_DATE_FORMAT / SHORT_DATETIME_FORMAT; this module
serves Python code that prints dates (PDFs, e-mails, export headers) and partial dates
(a birth date known only to the year or the month) that are text, not `date` objects.
Data cells of CSV/XLSX exports stay ISO 8601: machines read them.
"""

import re
from datetime import date, datetime

from django.utils import timezone
from django.utils.formats import date_format, get_format

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def local_date(value: date | datetime | None) -> str:
    """A date (or the local day of a moment) in the active language's convention; "" for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return date_format(value, "SHORT_DATE_FORMAT")


def local_datetime(value: datetime | None) -> str:
    """A moment in local time, in the active language's convention; "" for None."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "SHORT_DATETIME_FORMAT")


def day_first() -> bool:
    """Whether the active language writes the day first (05.12.2026) rather than ISO."""
    return get_format("SHORT_DATE_FORMAT").startswith("d")


def local_partial_date(value: str | None) -> str:
    """A full or partial ISO date ("1994-05-17", "1994-05", "1994") in the reader's
    convention: 17.05.1994 / 05.1994 / 1994 in Kyrgyz and Russian, unchanged in English.
    Anything else is returned as stored."""
    m = _PARTIAL.match(value or "")
    if m is None:
        return value or ""
    year, month, day = m.groups()
    if day is not None:
        try:
            return local_date(date(int(year), int(month), int(day)))
        except ValueError:
            return value
    if month is not None and day_first():
        return f"{month}.{year}"
    return value
