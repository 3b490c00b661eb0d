"""This year's key figures and charts for the dashboards of members who view statistics.

Where the figures leave the organisation (the national coordinator's dashboard) they
are those of the national report under disclosure control: the whole calendar year,
perturbed counts, small cells suppressed, and labelled so.

One report run per organisation scope, period and language, kept in the cache for a
few minutes so that the home page stays fast; a run is audited like any other.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from apps.accounts.roles import Permission
from apps.core import charts
from apps.statistics import display
from apps.statistics.report import Report, ReportScope
from apps.statistics.services import record_report_run, run_report

CACHE_SECONDS = 300


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | str
    display: str


@dataclass(frozen=True)
class DashboardFigures:
    scope: ReportScope
    figures: list[Figure]
    trend: object | None  # charts.LineChart of cases opened by month
    # charts.BarChart: victims by form of exploitation, or cases by type when suppressed
    victims_chart: object | None
    calls_chart: object | None  # charts.LineChart of hotline calls by month
    legend: str


def _cache_key(scope: ReportScope) -> str:
    ids = ",".join(str(i) for i in sorted(scope.organization_ids))
    raw = (
        f"{ids}|{scope.date_from}|{scope.date_to}|{scope.disclosure_control}|"
        f"{scope.threshold}|{get_language()}"
    )
    return "statistics:dashboard:" + hashlib.sha256(raw.encode()).hexdigest()


def _table(report: Report, name: str):
    try:
        return report.table(name)
    except KeyError:
        return None


def _row_count(table, **match) -> int | str:
    for row in table.rows if table else []:
        if all(row.get(k) == v for k, v in match.items()):
            return row["count"]
    return 0


def dashboard_figures(membership, *, request=None, today: date | None = None):
    """This year's figures for the organisations the member may report on (last year's,
    whole, where the report leaves the organisation, with cell-key noise and small numbers
    suppressed); None for members who do not view statistics."""
    from apps.statistics.selectors import disclosure_control_required, organizations_for_report

    if membership is None or not membership.can(Permission.VIEW_STATISTICS):
        return None
    ids = tuple(sorted(organizations_for_report(membership)))
    if not ids:
        return None
    today = today or timezone.localdate()
    control = disclosure_control_required(membership, ids)
    # Under disclosure control only whole calendar periods that have ended
    # (apps.statistics.periods): the last year that has ended. Inside one organisation,
    # this year so far.
    year = today.year - 1 if control else today.year
    scope = ReportScope(
        date_from=date(year, 1, 1),
        date_to=date(year, 12, 31) if control else today,
        organization_ids=ids,
        disclosure_control=control,
    )
    key = _cache_key(scope)
    report = cache.get(key)
    if report is None:
        report = run_report(membership, scope, request=request)
        cache.set(key, report, CACHE_SECONDS)
    else:
        record_report_run(membership, scope, request=request)  # each look is audited

    opened = _table(report, "cases_opened_by_type")
    closed = _table(report, "cases_closed_by_reason")
    statuses = _table(report, "victims_by_status")
    calls = _table(report, "hotline_calls_by_month")
    figures = [
        (_("Cases opened"), opened.total if opened else 0),
        (_("Cases closed"), closed.total if closed else 0),
        (_("Identified victims"), _row_count(statuses, status="identified")),
        (_("Presumed victims"), _row_count(statuses, status="presumed")),
        (_("Hotline calls"), calls.total if calls else 0),
    ]
    by_month = _table(report, "cases_opened_by_month")
    # The margin by form of exploitation, which the engine protects together with the
    # cross-tab (summing a suppressed cross-tab here would give suppressed or partial sums).
    by_form = _table(report, "victims_by_exploitation")
    second_chart = (
        charts.bar_chart(
            "chart-dash-victims",
            _("Victims by form of exploitation"),
            display.chart_desc(_("Victims by form of exploitation"), report),
            display.label_rows(by_form),
        )
        if by_form
        else None
    )
    return DashboardFigures(
        scope=scope,
        figures=[Figure(label, value, display.shown(value)) for label, value in figures],
        trend=display.shown_table(by_month, report).chart if by_month else None,
        victims_chart=second_chart,
        calls_chart=display.shown_table(calls, report).chart if calls else None,
        legend=(
            display.perturbation_note() + " " + display.suppressed_legend(scope.threshold)
            if scope.disclosure_control
            else ""
        ),
    )
