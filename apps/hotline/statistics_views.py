"""The hotline statistics dashboard and its CSV/XLSX exports (aggregates only)."""

import csv
import io
from datetime import date, timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from apps.core import audit, charts
from apps.core.dates import local_date
from apps.core.models import AuditEntry
from apps.core.spreadsheets import sheet_name
from apps.core.widgets import LocalDateInput
from apps.hotline import statistics as selectors
from apps.hotline.statistics import (
    MONTH,
    WEEK,
    can_view_statistics,
    count_tables,
    default_range,
    period_title,
)
from apps.people.validation import neutralise_formula

EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
MAX_RANGE = timedelta(days=5 * 366)
FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERIOD_CHOICES = [
    (MONTH, pgettext_lazy("count by", "month")),
    (WEEK, pgettext_lazy("count by", "week")),
]


class StatisticsFilterForm(forms.Form):
    """from, to (both included) and the period to group by; empty means the last 12 months."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        date_widget = LocalDateInput()
        self.fields["from"] = forms.DateField(
            label=pgettext_lazy("start date", "From"), required=False, widget=date_widget
        )
        self.fields["to"] = forms.DateField(
            label=pgettext_lazy("end date", "To"), required=False, widget=date_widget
        )
        self.fields["period"] = forms.ChoiceField(
            label=gettext_lazy("Count calls by"),
            required=False,
            choices=PERIOD_CHOICES,
        )

    def clean(self):
        data = super().clean()
        for name in ("from", "to"):
            day = data.get(name)
            if day is not None and not EARLIEST <= day <= LATEST:
                self.add_error(name, _("Enter a date between 2000 and 2099."))
        if self.errors:
            return data
        period = data.get("period") or MONTH
        date_to = data.get("to") or timezone.localdate()
        date_from = data.get("from") or default_range(date_to, period)[0]
        if date_from > date_to:
            raise forms.ValidationError(_("The start date is after the end date."))
        if date_to - date_from > MAX_RANGE:
            raise forms.ValidationError(_("Choose a period of at most five years."))
        data.update({"from": date_from, "to": date_to, "period": period})
        return data

    def query(self) -> str:
        d = self.cleaned_data
        return urlencode(
            {"from": d["from"].isoformat(), "to": d["to"].isoformat(), "period": d["period"]}
        )


def _member(request):
    m = request.membership
    if not can_view_statistics(m):
        raise PermissionDenied
    return m


def _chart_desc(title: str, stats) -> str:
    return _("%(title)s from %(from)s to %(to)s. The numbers are in the table below.") % {
        "title": title,
        "from": local_date(stats.date_from),
        "to": local_date(stats.date_to),
    }


@login_required
def hotline_statistics(request):
    """Counts of the organisation's logged calls, as charts with their tables."""
    m = _member(request)
    form = StatisticsFilterForm(request.GET)
    context = {"form": form, "stats": None}
    if form.is_valid():
        d = form.cleaned_data
        stats = selectors.hotline_statistics(
            m, date_from=d["from"], date_to=d["to"], period=d["period"]
        )
        trend_title = period_title(stats.period)
        tables = count_tables(stats)
        context.update(
            {
                # Show the dates actually used, defaults included.
                "form": StatisticsFilterForm(
                    initial={"from": d["from"], "to": d["to"], "period": d["period"]}
                ),
                "stats": stats,
                "query": form.query(),
                "trend_title": trend_title,
                # Here rather than in the template: a "%" in {% translate %} becomes "%%".
                "share_header": _("Share of calls (%)"),
                "trend": charts.trend_chart(
                    "chart-trend", trend_title, _chart_desc(trend_title, stats), stats.by_period
                ),
                "bar_charts": [
                    (
                        table,
                        charts.bar_chart(
                            f"chart-{table.key}",
                            table.title,
                            _chart_desc(table.title, stats),
                            table.rows,
                        ),
                    )
                    for table in tables
                ],
            }
        )
    return render(request, "hotline/statistics.html", context)


# --- Export ---------------------------------------------------------------------------


def export_sections(stats, organization) -> list[dict]:
    """The dashboard's tables as sections of rows, headers and labels in the active language."""
    sections = [
        {
            "key": "summary",
            "title": _("Hotline statistics"),
            "header": [_("Item"), _("Value")],
            "rows": [
                [_("Organisation"), organization.name],
                [pgettext("start date", "From"), stats.date_from],
                [pgettext("end date", "To"), stats.date_to],
                [_("Count calls by"), str(dict(PERIOD_CHOICES)[stats.period])],
                [_("Calls"), stats.total],
            ],
            "note": _("Logged calls only; drafts are not counted."),
        },
        {
            "key": "period",
            "title": period_title(stats.period),
            "header": [
                _("Period"),
                pgettext("start date", "From"),
                pgettext("end date", "To"),
                _("Calls"),
            ],
            "rows": [[p.label, p.first_day, p.last_day, p.count] for p in stats.by_period],
            "note": "",
        },
    ]
    for table in count_tables(stats):
        sections.append(
            {
                "key": table.key,
                "title": table.title,
                "header": [table.label_header, _("Calls"), _("Share of calls (%)")],
                "rows": [[r.label, r.count, r.share] for r in table.rows],
                "note": table.note,
            }
        )
    return sections


def _csv_value(value):
    if isinstance(value, date):
        return value.isoformat()
    return neutralise_formula(value)


def export_csv(sections) -> bytes:
    """One file, the sections one after the other; UTF-8 with a BOM so Excel reads Cyrillic."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for i, section in enumerate(sections):
        if i:
            writer.writerow([])
        writer.writerow([neutralise_formula(section["title"])])
        writer.writerow([neutralise_formula(h) for h in section["header"]])
        for row in section["rows"]:
            writer.writerow([_csv_value(v) for v in row])
        if section["note"]:
            writer.writerow([neutralise_formula(section["note"])])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(sections) -> bytes:
    """One sheet per section."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    for section in sections:
        sheet = book.create_sheet(sheet_name(section["title"], taken))
        sheet.append([neutralise_formula(section["title"])])
        sheet.cell(row=1, column=1).font = bold
        sheet.append([neutralise_formula(h) for h in section["header"]])
        for cell in sheet[2]:
            cell.font = bold
        for row in section["rows"]:
            sheet.append([neutralise_formula(v) for v in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
        if section["note"]:
            sheet.append([])
            sheet.append([neutralise_formula(section["note"])])
        sheet.column_dimensions["A"].width = 48
        for column in ("B", "C", "D"):
            sheet.column_dimensions[column].width = 16
        sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@login_required
def hotline_statistics_export(request, fmt=None):
    """/export.csv, /export.xlsx, or /export/?format=csv|xlsx, with the dashboard's filter."""
    m = _member(request)
    fmt = (fmt or request.GET.get("format") or "csv").lower()
    if fmt not in FORMATS:
        raise Http404
    form = StatisticsFilterForm(request.GET)
    if not form.is_valid():
        messages = [str(e) for errors in form.errors.values() for e in errors]
        return HttpResponseBadRequest(" ".join(messages), content_type="text/plain; charset=utf-8")
    d = form.cleaned_data
    stats = selectors.hotline_statistics(
        m, date_from=d["from"], date_to=d["to"], period=d["period"]
    )
    sections = export_sections(stats, m.organization)
    if fmt == "csv":
        body, content_type = export_csv(sections), "text/csv; charset=utf-8"
    else:
        body, content_type = export_xlsx(sections), XLSX_TYPE
    audit.record(
        AuditEntry.Action.EXPORT,
        user=m.user,
        organization=m.organization,
        target_type="hotline_statistics",
        detail={
            "from": stats.date_from.isoformat(),
            "to": stats.date_to.isoformat(),
            "period": stats.period,
            "format": fmt,
        },
        request=request,
    )
    filename = f"hotline-statistics_{stats.date_from.isoformat()}_{stats.date_to.isoformat()}"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
