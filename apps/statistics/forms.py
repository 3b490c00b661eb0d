"""The report's filter: period, organisations, disclosure control."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from apps.core.widgets import LocalDateInput
from apps.statistics import periods
from apps.statistics.selectors import check_organisation_set

EARLIEST_YEAR = 2000
LATEST_YEAR = 2099
MAX_YEARS = 10

YEAR = periods.YEAR
QUARTER = periods.QUARTER
MONTH = periods.MONTH
CUSTOM = "custom"
PERIOD_CHOICES = [
    (YEAR, pgettext_lazy("report period", "Year")),
    (QUARTER, pgettext_lazy("report period", "Quarter")),
    (MONTH, pgettext_lazy("report period", "Month")),
    (CUSTOM, pgettext_lazy("report period", "From … to … (inside your organisation only)")),
]
MONTH_CHOICES = [(str(n), name) for n, name in MONTHS.items()]
QUARTER_CHOICES = [
    ("1", gettext_lazy("January – March")),
    ("2", gettext_lazy("April – June")),
    ("3", gettext_lazy("July – September")),
    ("4", gettext_lazy("October – December")),
]
# Languages a download can be written in, whatever the page is shown in.
DOWNLOAD_LANGUAGES = [("ky", "Кыргызча"), ("ru", "Русский"), ("en", "English")]


quarter_range = periods.quarter_range


def years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def default_data(forced_disclosure_control: bool) -> dict:
    """What the page shows before anything is chosen: this year so far, or, when the
    report leaves the organisation, the last year that has ended (periods.py)."""
    if forced_disclosure_control:
        return {"period": YEAR, "year": str(periods.last_ended_year()), "disclosure_control": "on"}
    return {"period": YEAR, "year": str(timezone.localdate().year)}


class ReportFilterForm(forms.Form):
    """Which period and organisations to count. `organizations` are the member's choices
    as (slug, name); one choice is taken without asking. `forced_disclosure_control`
    ticks and locks the switch (the report leaves the organisation)."""

    period = forms.ChoiceField(
        label=gettext_lazy("Period"), choices=PERIOD_CHOICES, widget=forms.RadioSelect
    )
    year = forms.IntegerField(label=gettext_lazy("Year"), required=False)
    quarter = forms.ChoiceField(
        label=gettext_lazy("Quarter"), choices=QUARTER_CHOICES, required=False
    )
    month = forms.ChoiceField(label=gettext_lazy("Month"), choices=MONTH_CHOICES, required=False)
    date_from = forms.DateField(
        label=pgettext_lazy("start date", "From"),
        required=False,
        widget=LocalDateInput(),
    )
    date_to = forms.DateField(
        label=pgettext_lazy("end date", "To"),
        required=False,
        widget=LocalDateInput(),
    )
    organization = forms.MultipleChoiceField(
        label=gettext_lazy("Organisations"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: all the organisations you may report on."),
        error_messages={
            "invalid_choice": gettext_lazy(
                "You may not report on “%(value)s”; choose among your organisations."
            )
        },
    )
    disclosure_control = forms.BooleanField(
        label=gettext_lazy("Hide small numbers (disclosure control)"),
        required=False,
        help_text=gettext_lazy("Always on when the report covers more than your own organisation."),
    )

    def __init__(self, data=None, *, organizations, forced_disclosure_control: bool, **kw):
        today = timezone.localdate()
        kw.setdefault(
            "initial",
            {
                "period": YEAR,
                "year": periods.last_ended_year() if forced_disclosure_control else today.year,
                "quarter": str((today.month - 1) // 3 + 1),
                "month": str(today.month),
                "disclosure_control": forced_disclosure_control,
            },
        )
        super().__init__(data, **kw)
        self.forced_disclosure_control = forced_disclosure_control
        self.fields["organization"].choices = list(organizations)
        if len(organizations) <= 1:
            self.fields["organization"].widget = forms.MultipleHiddenInput()
        self.fields["year"].widget.attrs.update(min=EARLIEST_YEAR, max=LATEST_YEAR)
        if forced_disclosure_control:
            self.fields["disclosure_control"].disabled = True
            self.fields["disclosure_control"].initial = True

    def clean_organization(self):
        chosen = self.cleaned_data.get("organization") or []
        if chosen:
            every = [slug for slug, _name in self.fields["organization"].choices]
            check_organisation_set(chosen, every)  # ValidationError shown on the field
        return chosen

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year is not None and not EARLIEST_YEAR <= year <= LATEST_YEAR:
            raise forms.ValidationError(_("Enter a year between 2000 and 2099."))
        return year

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        period = data.get("period")
        if period in (YEAR, QUARTER, MONTH):
            year = data.get("year")
            if year is None:
                self.add_error("year", _("Enter the year."))
                return data
            if period == YEAR:
                date_from, date_to = date(year, 1, 1), date(year, 12, 31)
            elif period == MONTH:
                if not data.get("month"):
                    self.add_error("month", _("Choose the month."))
                    return data
                date_from, date_to = periods.month_range(year, int(data["month"]))
            else:
                if not data.get("quarter"):
                    self.add_error("quarter", _("Choose the quarter."))
                    return data
                date_from, date_to = quarter_range(year, int(data["quarter"]))
        else:
            date_from, date_to = data.get("date_from"), data.get("date_to")
            if date_from is None:
                self.add_error("date_from", _("Enter the first day of the period."))
            if date_to is None:
                self.add_error("date_to", _("Enter the last day of the period."))
            if date_from is None or date_to is None:
                return data
            if date_from > date_to:
                raise forms.ValidationError(_("The start date is after the end date."))
            if date_to >= years_later(date_from, MAX_YEARS):
                raise forms.ValidationError(
                    _("Choose a period of at most %(years)s years.") % {"years": MAX_YEARS}
                )
            for name, day in (("date_from", date_from), ("date_to", date_to)):
                if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
                    self.add_error(name, _("Enter a date between 2000 and 2099."))
            if self.errors:
                return data
        data["from"], data["to"] = date_from, date_to
        if self.forced_disclosure_control:
            data["disclosure_control"] = True
        if data.get("disclosure_control"):
            try:
                periods.check_disclosure_period(date_from, date_to)
            except ValidationError as error:
                self.add_error(None, error)
        return data

    def query(self, **extra) -> str:
        """The filter as a query string, for the download links."""
        d = self.cleaned_data
        params = [
            ("period", CUSTOM),
            ("date_from", d["from"].isoformat()),
            ("date_to", d["to"].isoformat()),
        ]
        params += [("organization", slug) for slug in d.get("organization") or []]
        if d.get("disclosure_control"):
            params.append(("disclosure_control", "on"))
        params += list(extra.items())
        return urlencode(params)
