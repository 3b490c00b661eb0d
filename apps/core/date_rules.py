"""Dates that cannot be true, refused by one rule per kind of date.

The services call these rules, so forms, the API and imports refuse the same dates with
the same words, and the statistics never count a case opened in 1800 or a service
delivered in 2035. Kinds:

- a past event (a case opened, a person identified, a service delivered, a needs
  assessment, a screening): not before 1900, not after today, and not before the person
  was born when that is known (`born`: the earliest day the person may have been born);
- a due date (a task, a check-in, a planned service): not before 2000, and not more than
  ten years ahead (a mistyped year).

This module knows nothing of people or cases: callers pass the dates and the birth day.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

EARLIEST_EVENT = date(1900, 1, 1)
EARLIEST_DUE = date(2000, 1, 1)
DUE_HORIZON_YEARS = 10


def _day(value) -> date | None:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _years_ahead(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year + years)
    except ValueError:  # 29 February
        return today.replace(year=today.year + years, day=28)


def past_event_problem(value, *, born: date | None = None) -> str | None:
    """Why the date of something that has happened cannot be true; None when it can."""
    day = _day(value)
    if day is None:
        return None
    if day > timezone.localdate():
        return _("This date is in the future; enter the day it happened.")
    if day < EARLIEST_EVENT:
        return _("This date is before 1900; check the year.")
    if born is not None and day < born:
        return _("This date is before the person was born (%(year)d); check the year.") % {
            "year": born.year
        }
    return None


def due_date_problem(value) -> str | None:
    """Why a date something is due or planned for cannot be meant; None when it can."""
    day = _day(value)
    if day is None:
        return None
    if day < EARLIEST_DUE:
        return _("A date before 2000 cannot be meant here; check the year.")
    if day > _years_ahead(timezone.localdate(), DUE_HORIZON_YEARS):
        return _("A date more than %(years)d years ahead cannot be meant here; check the year.") % {
            "years": DUE_HORIZON_YEARS
        }
    return None


def check_past_events(dates: dict, *, born: date | None = None) -> None:
    """Raise a ValidationError naming each field (name -> date) whose past date cannot be true."""
    _raise(
        {name: past_event_problem(value, born=born) for name, value in dates.items()},
    )


def check_due_dates(dates: dict) -> None:
    """Raise a ValidationError naming each field (name -> date) whose due date cannot be meant."""
    _raise({name: due_date_problem(value) for name, value in dates.items()})


def _raise(problems: dict) -> None:
    problems = {name: [message] for name, message in problems.items() if message}
    if problems:
        raise ValidationError(problems)
