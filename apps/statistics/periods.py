"""The periods a disclosure-controlled report may cover: one whole calendar month, quarter
or year.

Why: two reports one day apart differ by the people of one day, often a single victim.
Whole calendar periods never overlap partly except by nesting (a month in its quarter, a
quarter in its year), and what two of them differ by is at least a whole month of
records, whose counts carry their own cell-key noise (apps.statistics.cellkey).
Reports that stay inside one organisation (no disclosure control) may cover any days.

The period must also have ended: a month still running grows day by day, and its report
run on two days differs by the people registered in between.
"""

from __future__ import annotations

import calendar
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy

MONTH, QUARTER, YEAR = "month", "quarter", "year"

NOT_WHOLE_PERIOD = gettext_lazy(
    "A report that leaves your organisation covers one whole calendar month, quarter or "
    "year: from its first day to its last. Choose a month, a quarter or a year."
)


def month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def quarter_range(year: int, quarter: int) -> tuple[date, date]:
    first, _last = month_range(year, 3 * quarter - 2)
    return first, month_range(year, 3 * quarter)[1]


def year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def whole_period(date_from: date, date_to: date) -> str | None:
    """MONTH, QUARTER or YEAR when the days are exactly one such calendar period, else
    None."""
    y, m = date_from.year, date_from.month
    if (date_from, date_to) == month_range(y, m):
        return MONTH
    if m in (1, 4, 7, 10) and (date_from, date_to) == quarter_range(y, (m + 2) // 3):
        return QUARTER
    if (date_from, date_to) == year_range(y):
        return YEAR
    return None


PERIOD_NOT_ENDED = gettext_lazy(
    "A report that leaves your organisation covers a period that has ended: a month, "
    "quarter or year can be reported from the day after its last day."
)


def check_disclosure_period(date_from: date, date_to: date, *, today: date | None = None) -> None:
    """Raise ValidationError (translated) unless the days are one whole calendar month,
    quarter or year that has ended: the rule for every report under disclosure control."""
    if whole_period(date_from, date_to) is None:
        raise ValidationError(NOT_WHOLE_PERIOD, code="not_whole_period")
    if date_to >= (today or timezone.localdate()):
        raise ValidationError(PERIOD_NOT_ENDED, code="period_not_ended")


def last_ended_year(today: date | None = None) -> int:
    """The latest calendar year that has ended: the default of a controlled report."""
    return (today or timezone.localdate()).year - 1
