"""Checks on person data shared by forms, the API and the register import."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_DOTTED_MONTH = re.compile(r"^(\d{1,2})\.(\d{4})$")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def parse_partial_date(value: str, *, allow_dotted: bool = True) -> tuple[str, int | None]:
    """Normalise a full or partial date to YYYY[-MM[-DD]] and return it with its year.

    Accepts YYYY-MM-DD, YYYY-MM and YYYY, and DD.MM.YYYY and MM.YYYY as typed in offices
    (and as pages in Kyrgyz and Russian show them: apps.core.dates.local_partial_date).
    """
    value = (value or "").strip()
    if not value:
        return "", None
    m = _ISO.match(value)
    if m is None and allow_dotted:
        d = _DOTTED.match(value)
        if d:
            m = _ISO.match(f"{d.group(3)}-{int(d.group(2)):02d}-{int(d.group(1)):02d}")
        d = _DOTTED_MONTH.match(value)
        if d:
            m = _ISO.match(f"{d.group(2)}-{int(d.group(1)):02d}")
    if m is None:
        raise ValidationError(
            _(
                "Enter a date as DD.MM.YYYY, MM.YYYY or YYYY, or as YYYY-MM-DD or YYYY-MM "
                "(for example 17.05.1994, 05.1994 or 1994)."
            )
            if allow_dotted
            else _("Enter a date as YYYY-MM-DD, YYYY-MM or YYYY (for example 1994-05 or 1994)."),
            code="bad_date",
        )
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    today = date.today()
    if year < 1900 or year > today.year:
        raise ValidationError(_("The year must be between 1900 and this year."), code="bad_year")
    if month is not None and not 1 <= int(month) <= 12:
        raise ValidationError(_("The month must be between 01 and 12."), code="bad_month")
    if day is not None:
        try:
            full = date(year, int(month), int(day))
        except ValueError:
            raise ValidationError(_("This day does not exist in that month."), code="bad_day")
        if full > today:
            raise ValidationError(_("The date cannot be in the future."), code="future")
    return "-".join(p for p in (m.group(1), month, day) if p), year


def split_list(value: str) -> list[str]:
    """A comma, semicolon or newline separated list as typed in a form."""
    return [p.strip() for p in re.split(r"[;,\n]", value or "") if p.strip()]


def neutralise_formula(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe; other values
    pass unchanged. For exports only: on input such text is ordinary text ("- brother
    missing") and is stored as typed."""
    if isinstance(value, str) and (
        value.startswith(FORMULA_PREFIXES) or value.lstrip(" ").startswith(FORMULA_PREFIXES)
    ):
        return "'" + value
    return value


def earliest_birth_day(birth_date: str = "", birth_year: int | None = None) -> date | None:
    """The earliest day a person may have been born on, from a full or partial birth date
    ("1994-05-17", "1994-05", "1994") or the year alone; None when nothing is known.

    Dates about the person (a case opened, an identification) cannot be earlier."""
    m = _ISO.match(birth_date or "")
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
        except ValueError:
            pass
    return date(birth_year, 1, 1) if birth_year else None


def person_born(person) -> date | None:
    """earliest_birth_day() of a Person."""
    if person is None:
        return None
    return earliest_birth_day(person.birth_date or "", person.birth_year)
