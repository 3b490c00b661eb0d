"""The donor report of a grant for a period: results against targets with their
disaggregation, the events the grant paid for and the budget, as XLSX (openpyxl) and as
PDF (ReportLab, the DejaVu fonts vendored for Cyrillic), written in the report's
language. The page's download buttons and `manage.py donor_report` call the same code."""

from dataclasses import dataclass, field
from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override, pgettext

from apps.grants import selectors
from apps.people.validation import neutralise_formula

FORMATS = ("xlsx", "pdf")
LANGUAGES = ("ky", "ru", "en")


@dataclass
class DonorReport:
    title: str
    lines: list  # [(label, value)] about the grant
    headers: list
    rows: list  # results against targets
    breakdown_rows: list  # (indicator, dimension, group, value)
    events_headers: list
    events: list
    budget_headers: list
    budget: list
    values: dict  # {indicator code: value} as sent
    # [(indicator label, result, target)] for the PDF's results-against-targets charts
    chart: list = field(default_factory=list)
    chart_labels: tuple = ("", "")  # (result, target) in the report's language


def _num(value):
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


def build(grant, period_from, period_to, language: str) -> DonorReport:
    """Everything the report says, its words in `language`."""
    with override(language):
        results = selectors.results_for(grant, period_from, period_to)
        period = (
            f"{date_format(period_from, 'SHORT_DATE_FORMAT')} – "
            f"{date_format(period_to, 'SHORT_DATE_FORMAT')}"
        )
        lines = [
            (_("Grant"), f"{grant.reference} · {grant.title}"),
            (_("Donor"), grant.donor.name),
            (_("Organisation"), grant.organization.name),
            (_("Reporting period"), period),
            (_("Amount"), f"{grant.amount} {grant.currency}"),
            (_("Prepared on"), date_format(timezone.localdate(), "SHORT_DATE_FORMAT")),
        ]
        headers = [
            _("Indicator"),
            _("Unit"),
            _("Baseline"),
            _("Target for the period"),
            _("Result for the period"),
            _("Achieved, %"),
            _("Since the grant began"),
            _("Life-of-grant target"),
            _("Data quality"),
        ]
        rows, breakdown_rows, values, chart = [], [], {}, []
        for r in results:
            name = f"{r.indicator.code} · {r.indicator.name}"
            flag = ""
            if not r.available:
                flag = _("not available in this installation")
            elif r.changed_since_sent:
                flag = _("changed since the report was sent (sent: %(value)s)") % {
                    "value": r.sent_value
                }
            rows.append(
                [
                    name,
                    r.indicator.unit,
                    _num(r.indicator.baseline),
                    _num(r.target),
                    _num(r.value),
                    r.achieved,
                    _num(r.cumulative),
                    _num(r.life_target),
                    flag,
                ]
            )
            values[r.indicator.code] = r.value
            if r.value is not None or r.target is not None:
                chart.append((name, _num(r.value), _num(r.target)))
            for title, cells in r.breakdown:
                for label, n in cells:
                    breakdown_rows.append([r.indicator.code, title, label, _num(n)])
        events_headers = [
            _("Dates"),
            _("Type"),
            pgettext("prevention event", "Event"),
            _("Place"),
            _("Attendance"),
            _("Broadcast reach"),
        ]
        events = []
        for link in (
            selectors.linked_events(grant)
            .filter(event__starts_on__gte=period_from, event__starts_on__lte=period_to)
            .order_by("event__starts_on")
        ):
            e = link.event
            events.append(
                [
                    date_format(e.starts_on, "SHORT_DATE_FORMAT"),
                    str(e.get_event_type_display()),
                    e.title,
                    ", ".join(p for p in (e.village, e.district) if p),
                    e.total_attendance,
                    e.broadcast_reach,
                ]
            )
        budget = selectors.grant_budget(grant)
        budget_headers = [_("Budget line"), _("Budget"), _("Spent")]
        budget_rows = [
            [b["line"].name, _num(b["line"].amount), _num(b["spent"])] for b in budget["lines"]
        ]
        return DonorReport(
            title=_("Donor report"),
            lines=lines,
            headers=headers,
            rows=rows,
            breakdown_rows=breakdown_rows,
            events_headers=events_headers,
            events=events,
            budget_headers=budget_headers,
            budget=budget_rows,
            values=values,
            chart=chart,
            chart_labels=(
                pgettext("indicator value", "result"),
                pgettext("indicator value", "target"),
            ),
        )


def _safe(row):
    return [neutralise_formula(v) for v in row]


def to_xlsx(report: DonorReport, language: str) -> bytes:
    """The report as a workbook; every text cell made formula-safe (names and titles are
    typed by users)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from apps.core.spreadsheets import sheet_name

    with override(language):
        wb = Workbook()
        taken: set[str] = set()
        ws = wb.active
        ws.title = sheet_name(_("Results"), taken)
        ws.append([report.title])
        ws["A1"].font = Font(bold=True, size=14)
        for label, value in report.lines:
            ws.append(_safe([label, value]))
        ws.append([])
        ws.append(report.headers)
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        for row in report.rows:
            ws.append(_safe(row))
        ws.column_dimensions["A"].width = 48
        sheets = (
            (
                _("Disaggregation"),
                [_("Indicator"), _("Breakdown"), _("Group"), _("Value")],
                report.breakdown_rows,
            ),
            (pgettext("prevention event", "Events"), report.events_headers, report.events),
            (_("Budget"), report.budget_headers, report.budget),
        )
        for title, headers, rows in sheets:
            sheet = wb.create_sheet(sheet_name(title, taken))
            sheet.append(headers)
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for row in rows:
                sheet.append(_safe(row))
        out = BytesIO()
        wb.save(out)
        return out.getvalue()


RESULT_COLOUR = "#1565c0"  # the page's chart colour
TARGET_COLOUR = "#9e9e9e"
CHART_BAR = 14  # points per bar


def result_drawings(report: DonorReport, width: float) -> list:
    """One small horizontal bar chart per indicator: the period's result and its target,
    drawn with ReportLab graphics as apps.statistics.pdf draws the statistics charts.
    An indicator with neither a result nor a target draws nothing; a missing value
    draws as an empty bar with its label saying so."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    from apps.referrals.pdf import FONT, FONT_BOLD

    result_label, target_label = report.chart_labels
    drawings = []
    for name, result, target in report.chart:
        values = [result or 0, target or 0]
        if not any(values):
            continue
        label_w = width * 0.2
        height = CHART_BAR * 2
        drawing = Drawing(width, height + 22)
        drawing.add(String(0, height + 10, name[:110], fontName=FONT_BOLD, fontSize=8))
        bc = HorizontalBarChart()
        bc.x, bc.y = label_w, 4
        bc.width, bc.height = width - label_w - 60, height
        # ReportLab draws the first category at the bottom: the target below the result.
        bc.data = [[values[1], values[0]]]
        bc.categoryAxis.categoryNames = [target_label, result_label]
        bc.categoryAxis.labels.fontName = FONT
        bc.categoryAxis.labels.fontSize = 7
        bc.categoryAxis.labels.boxAnchor = "e"
        bc.categoryAxis.labels.dx = -4
        bc.categoryAxis.visibleTicks = False
        bc.valueAxis.visible = False
        bc.valueAxis.valueMin = 0
        bc.bars.strokeColor = None
        bc.bars[(0, 0)].fillColor = colors.HexColor(TARGET_COLOUR)
        bc.bars[(0, 1)].fillColor = colors.HexColor(RESULT_COLOUR)
        bc.barWidth = CHART_BAR * 0.6
        bc.barLabelFormat = "values"
        bc.barLabelArray = [
            ["–" if target is None else str(target), "–" if result is None else str(result)]
        ]
        bc.barLabels.fontName = FONT
        bc.barLabels.fontSize = 7
        bc.barLabels.boxAnchor = "w"
        bc.barLabels.dx = 3
        drawing.add(bc)
        drawings.append(drawing)
    return drawings


def to_pdf(report: DonorReport, language: str) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from apps.referrals.pdf import FONT, FONT_BOLD
    from apps.referrals.pdf import _register_fonts as register_fonts

    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=8, leading=10)
    head = ParagraphStyle("head", fontName=FONT_BOLD, fontSize=15, leading=19, spaceAfter=6)
    sub = ParagraphStyle("sub", fontName=FONT_BOLD, fontSize=11, leading=14, spaceBefore=8)

    def cell(v):
        return Paragraph(escape("" if v is None else str(v)), body)

    def table(headers, rows):
        data = [[cell(h) for h in headers]] + [[cell(v) for v in r] for r in rows]
        t = Table(data, repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3eaf5")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return t

    with override(language):
        buf = BytesIO()
        doc = SimpleDocTemplate(
            buf,
            pagesize=landscape(A4),
            leftMargin=12 * mm,
            rightMargin=12 * mm,
            topMargin=12 * mm,
            bottomMargin=12 * mm,
            title=report.title,
        )
        story = [Paragraph(escape(report.title), head)]
        story.append(table([_("About"), ""], report.lines))
        story += [
            Paragraph(escape(_("Results against targets")), sub),
            table(report.headers, report.rows),
        ]
        drawings = result_drawings(report, doc.width)
        if drawings:
            story.append(Spacer(1, 6))
            story += drawings
        if report.breakdown_rows:
            story += [
                Paragraph(escape(_("Disaggregation")), sub),
                table(
                    [_("Indicator"), _("Breakdown"), _("Group"), _("Value")], report.breakdown_rows
                ),
            ]
        story += [
            Paragraph(escape(pgettext("prevention event", "Events")), sub),
            table(report.events_headers, report.events),
        ]
        if report.budget:
            story += [
                Spacer(1, 4),
                Paragraph(escape(_("Budget")), sub),
                table(report.budget_headers, report.budget),
            ]
        doc.build(story)
        return buf.getvalue()


def render(grant, period_from, period_to, fmt: str, language: str) -> tuple[bytes, DonorReport]:
    report = build(grant, period_from, period_to, language)
    data = to_xlsx(report, language) if fmt == "xlsx" else to_pdf(report, language)
    return data, report


def filename(grant, period_from, period_to, fmt: str, language: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in grant.reference)
    return f"donor-report-{safe}-{period_from.isoformat()}-{period_to.isoformat()}-{language}.{fmt}"
