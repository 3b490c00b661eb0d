"""The national report as people read it: codes turned into labels in the active
language, suppressed cells turned into a mark, and the charts' geometry.

Used by the statistics page, the dashboards and the PDF, so that all three say
the same thing. Nothing here counts: the numbers come from `build_report` as they
are; a figure made from several cells is suppressed when any of them is.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from apps.accounts.models import Organization
from apps.assistance.models import ServiceType
from apps.core import charts
from apps.core.dates import local_date
from apps.core.selectors import reference_labels
from apps.hotline.models import CallerCategory, Urgency
from apps.people.models import Sex
from apps.referrals.models import ReferralStatus
from apps.statistics import sources
from apps.statistics.report import SUPPRESSED, Report, Table

MONTH = "month"
UNKNOWN = "unknown"  # the engine's code for a value not recorded
# Tables whose rows are a time series: drawn as a line, oldest month first.
TREND_TABLES = ("cases_opened_by_month", "hotline_calls_by_month")

TABLE_TITLES = {
    "cases_opened_by_type": gettext_lazy("Cases opened, by type"),
    "cases_closed_by_reason": gettext_lazy("Cases closed, by reason"),
    "cases_opened_by_month": gettext_lazy("Cases opened, by month"),
    "victims_by_status": gettext_lazy("Victims by status"),
    "victims_by_exploitation_sex_age": gettext_lazy(
        "Victims by form of exploitation, sex and age at exploitation"
    ),
    "victims_by_exploitation": gettext_lazy("Victims by form of exploitation"),
    "victims_by_sex_age": gettext_lazy("Victims by sex and age at exploitation"),
    "victims_by_citizenship": gettext_lazy("Victims by citizenship"),
    "victims_by_country_of_exploitation": gettext_lazy("Victims by country of exploitation"),
    "victims_by_region_of_origin": gettext_lazy("Victims by region of origin"),
    "victims_by_recruitment_channel": gettext_lazy("Victims by recruitment channel"),
    "victims_assisted_by_sex_age": gettext_lazy("Victims assisted, by sex and age"),
    "services_delivered_by_type": gettext_lazy("Services delivered, by type"),
    "referrals_by_status_and_receiver_type": gettext_lazy(
        "Referrals by status and type of receiving organisation"
    ),
    "shelter_admissions": gettext_lazy("Shelter admissions"),
    "shelter_bed_nights": gettext_lazy("Shelter bed-nights"),
    "hotline_calls_by_topic": gettext_lazy("Hotline calls by topic"),
    "hotline_calls_by_region": gettext_lazy("Hotline calls by caller's region"),
    "hotline_calls_by_caller_category": gettext_lazy("Hotline calls by caller"),
    "hotline_calls_by_urgency": gettext_lazy("Hotline calls by urgency"),
    "hotline_calls_by_month": gettext_lazy("Hotline calls by month"),
}

DIMENSION_TITLES = {
    "case_type": gettext_lazy("Case type"),
    "closure_reason": gettext_lazy("Reason for closing"),
    "reason": gettext_lazy("Reason for closing"),
    MONTH: gettext_lazy("Month"),
    "status": gettext_lazy("Status"),
    "exploitation": gettext_lazy("Form of exploitation"),
    "sex": gettext_lazy("Sex"),
    "age_group": gettext_lazy("Age at exploitation"),
    "citizenship": gettext_lazy("Citizenship"),
    "country": gettext_lazy("Country"),
    "country_of_exploitation": gettext_lazy("Country of exploitation"),
    "region": gettext_lazy("Region"),
    "region_of_origin": gettext_lazy("Region of origin"),
    "recruitment_channel": gettext_lazy("Recruitment channel"),
    "service_type": gettext_lazy("Service"),
    "receiver_type": gettext_lazy("Receiving organisation"),
    "organization_type": gettext_lazy("Type of organisation"),
    "shelter_type": gettext_lazy("Type of organisation"),
    "topic": gettext_lazy("Topic"),
    "caller_category": gettext_lazy("Caller"),
    "urgency": gettext_lazy("Urgency"),
}


def _choices(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def _own_labels() -> dict[str, dict[str, str]]:
    """Codes the report makes up itself (groups rather than recorded values)."""
    return {
        "age_group": {
            "child": _("child"),
            "adult": _("adult"),
            "unknown": pgettext("age group", "unknown"),
        },
        "status": {
            "identified": _("identified"),
            "presumed": _("presumed"),
            "assisted": _("assisted"),
        },
        "exploitation": {
            "labour": _("labour exploitation"),
            "sexual": _("sexual exploitation"),
            "labour_and_sexual": _("both labour and sexual"),
            "both": _("both labour and sexual"),
            "other": _("other forms"),
            "unknown": pgettext("form of exploitation", "not recorded"),
        },
    }


def code_labels(table_name: str, dimension: str) -> dict[str, str]:
    """Code → label in the active language for one dimension of one table."""
    source = sources.source_table(table_name)
    if source is not None:
        return {str(k): str(v) for k, v in source.labels(dimension).items()}
    own = _own_labels()
    labels: dict[str, str] = {}
    if dimension == "case_type":
        labels = reference_labels("case_type")
    elif dimension in ("closure_reason", "reason"):
        labels = reference_labels("closure_reason")
    elif dimension == "exploitation":
        labels = {**reference_labels("exploitation"), **own["exploitation"]}
    elif dimension == "sex":
        labels = _choices(Sex)
    elif dimension == "age_group":
        labels = own["age_group"]
    elif dimension in ("citizenship", "country", "country_of_exploitation"):
        labels = reference_labels("country")
    elif dimension in ("region", "region_of_origin", "caller_region"):
        labels = reference_labels("region")
    elif dimension == "recruitment_channel":
        labels = reference_labels("recruitment_channel")
    elif dimension == "service_type":
        labels = _choices(ServiceType)
    elif dimension in ("receiver_type", "organization_type", "shelter_type"):
        labels = _choices(Organization.Type)
    elif dimension == "status" and table_name.startswith("referrals"):
        labels = _choices(ReferralStatus)
    elif dimension == "status":
        labels = own["status"]
    elif dimension == "topic":
        labels = reference_labels("call_topic")
    elif dimension == "caller_category":
        labels = _choices(CallerCategory)
    elif dimension == "urgency":
        labels = _choices(Urgency)
    return labels


def suppressed_mark() -> str:
    return pgettext("suppressed cell", "suppr.")


def suppressed_legend(threshold: int) -> str:
    return _(
        "%(mark)s: a small number (below %(threshold)s), or a number hidden so that a "
        "small one cannot be worked out from the totals."
    ) % {"mark": suppressed_mark(), "threshold": threshold}


def perturbation_note() -> str:
    """The label of a report whose counts carry cell-key noise."""
    from apps.statistics.counting_tables import perturbation_note as note

    return note()


def shown(count) -> str:
    """A count as printed: the number, or the mark for a suppressed cell."""
    return suppressed_mark() if count == SUPPRESSED else str(count)


@dataclass(frozen=True)
class Row:
    labels: list[str]
    count: int | str  # int or SUPPRESSED
    display: str
    code: str = ""

    @property
    def label(self) -> str:
        return " · ".join(self.labels)

    @property
    def suppressed(self) -> bool:
        return self.count == SUPPRESSED


@dataclass(frozen=True)
class ShownTable:
    name: str
    title: str
    headers: list[str]
    rows: list[Row]
    total: int | str
    total_display: str
    is_trend: bool
    chart: object  # charts.BarChart or charts.LineChart

    @property
    def has_suppressed(self) -> bool:
        return self.total == SUPPRESSED or any(r.suppressed for r in self.rows)


def table_title(name: str) -> str:
    source = sources.source_table(name)
    if source is not None:
        return str(source.title)
    return str(TABLE_TITLES.get(name, name.replace("_", " ")))


def dimension_title(name: str) -> str:
    if name not in DIMENSION_TITLES:
        for source in sources.source_tables():
            if name in source.dimension_titles:
                return str(source.dimension_titles[name])
    return str(DIMENSION_TITLES.get(name, name.replace("_", " ")))


def label_rows(table: Table) -> list[Row]:
    """The table's rows with labels; months oldest first, others in the engine's order."""
    maps = {d: code_labels(table.name, d) for d in table.dimensions}
    not_recorded = _("not recorded")
    rows = []
    for r in table.rows:
        labels = []
        for d in table.dimensions:
            code = r.get(d)
            if code in (None, "") or (code == UNKNOWN and code not in maps[d]):
                labels.append(not_recorded)
            else:
                labels.append(maps[d].get(str(code), str(code)))
        code = "|".join(str(r.get(d) or "") for d in table.dimensions)
        rows.append(Row(labels, r["count"], shown(r["count"]), code))
    if table.dimensions == [MONTH]:
        rows.sort(key=lambda row: row.code)
    return rows


@dataclass(frozen=True)
class _Bucket:
    label: str
    axis_label: str
    count: int | str
    display: str


def _month_axis(code: str) -> str:
    # "2025-03" → "03.25", as the hotline charts write months.
    return f"{code[5:7]}.{code[2:4]}" if len(code) == 7 else code


def chart_desc(title: str, report: Report) -> str:
    return _("%(title)s from %(from)s to %(to)s. The numbers are in the table below.") % {
        "title": title,
        "from": local_date(report.scope.date_from),
        "to": local_date(report.scope.date_to),
    }


def shown_table(table: Table, report: Report, *, max_bars: int = 30) -> ShownTable:
    title = table_title(table.name)
    rows = label_rows(table)
    chart_id = "chart-" + table.name.replace("_", "-")
    desc = chart_desc(title, report)
    is_trend = table.dimensions == [MONTH]
    if is_trend:
        chart = charts.line_chart(
            chart_id,
            title,
            desc,
            [_Bucket(r.code, _month_axis(r.code), r.count, r.display) for r in rows],
        )
    else:
        # Zero rows of a cross-tab would bury the bars that say something.
        drawn = [r for r in rows if r.count != 0] if len(table.dimensions) > 1 else rows
        chart = charts.bar_chart(chart_id, title, desc, drawn[:max_bars])
    return ShownTable(
        name=table.name,
        title=title,
        headers=[dimension_title(d) for d in table.dimensions],
        rows=rows,
        total=table.total,
        total_display=shown(table.total),
        is_trend=is_trend,
        chart=chart,
    )


def shown_tables(report: Report) -> list[ShownTable]:
    return [shown_table(t, report) for t in report.tables]


# The report's sections, in reading order, and their tables: key figures (the margins)
# before the cross-tab they summarise.
SECTIONS = [
    (
        "victims",
        gettext_lazy("Victims"),
        [
            "victims_by_status",
            "victims_by_exploitation",
            "victims_by_sex_age",
            "victims_by_exploitation_sex_age",
            "victims_by_citizenship",
            "victims_by_region_of_origin",
            "victims_by_country_of_exploitation",
            "victims_by_recruitment_channel",
        ],
    ),
    (
        "cases",
        gettext_lazy("Cases"),
        ["cases_opened_by_type", "cases_opened_by_month", "cases_closed_by_reason"],
    ),
    (
        "assistance",
        gettext_lazy("Assistance"),
        ["victims_assisted_by_sex_age", "services_delivered_by_type"],
    ),
    ("referrals", gettext_lazy("Referrals"), ["referrals_by_status_and_receiver_type"]),
    ("shelters", gettext_lazy("Shelters"), ["shelter_admissions", "shelter_bed_nights"]),
    (
        "hotline",
        gettext_lazy("Hotline"),
        [
            "hotline_calls_by_month",
            "hotline_calls_by_topic",
            "hotline_calls_by_region",
            "hotline_calls_by_caller_category",
            "hotline_calls_by_urgency",
        ],
    ),
]


@dataclass(frozen=True)
class ShownSection:
    slug: str
    title: str
    tables: list[ShownTable]

    @property
    def anchor(self) -> str:
        return f"section-{self.slug}"


def shown_sections(report: Report) -> list[ShownSection]:
    """The report's tables grouped into its sections, in reading order; a table no section
    names comes last under "Other tables", so nothing counted is ever left out."""
    tables = {t.name: t for t in report.tables}
    out, placed = [], set()
    sections = list(SECTIONS)
    for source in sources.source_tables():
        slug, title = source.section
        for i, (s_slug, s_title, names) in enumerate(sections):
            if s_slug == slug:
                sections[i] = (s_slug, s_title, [*names, source.name])
                break
        else:
            sections.append((slug, title, [source.name]))
    for slug, title, names in sections:
        shown_here = [shown_table(tables[n], report) for n in names if n in tables]
        placed.update(names)
        if shown_here:
            out.append(ShownSection(slug, str(title), shown_here))
    rest = [shown_table(t, report) for t in report.tables if t.name not in placed]
    if rest:
        out.append(ShownSection("other", _("Other tables"), rest))
    return out


def marginal(table: Table, dimension: str) -> list[Row]:
    """Counts by one dimension of a cross-tab; a group holding a suppressed cell is
    itself suppressed (its partial sum would be a false, too-low number)."""
    labels = code_labels(table.name, dimension)
    sums: dict[str, int | str] = {}
    for r in table.rows:
        code = str(r.get(dimension) or "")
        before = sums.get(code, 0)
        if before == SUPPRESSED or r["count"] == SUPPRESSED:
            sums[code] = SUPPRESSED
        else:
            sums[code] = before + r["count"]
    not_recorded = _("not recorded")
    return [
        Row(
            [labels.get(code) or (not_recorded if code in ("", UNKNOWN) else code)],
            n,
            shown(n),
            code,
        )
        for code, n in sums.items()
    ]


def marginal_chart(chart_id: str, title: str, table: Table, dimension: str, report: Report):
    return charts.bar_chart(chart_id, title, chart_desc(title, report), marginal(table, dimension))
