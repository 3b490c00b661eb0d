"""The national report as a printable PDF (ReportLab, the referral form's fonts): contents
with links, the sections of the page, and each table's chart drawn from the same bars and
points as the page's SVG (apps.core.charts)."""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from apps.core.dates import local_date

# One registration of the DejaVu fonts (Cyrillic, Kyrgyz letters) for every PDF we print.
from apps.referrals.pdf import FONT, FONT_BOLD
from apps.referrals.pdf import _register_fonts as register_fonts
from apps.statistics import display
from apps.statistics.report import Report

BAR_COLOUR = colors.HexColor("#1565c0")  # the page's chart colour
BAR_ROW = 13  # points per bar
LABEL_MAX = 42  # characters of a bar's label


def _value(count) -> int:
    """What a chart draws: a suppressed (non-numeric) count draws nothing."""
    return count if isinstance(count, int) and not isinstance(count, bool) else 0


def _short(label: str) -> str:
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1] + "…"


def bar_drawing(chart, width: float) -> Drawing | None:
    """The page's bar chart (apps.core.charts.BarChart, the same bars and values) as a
    ReportLab drawing: horizontal bars, the label left, the value (or the suppressed
    mark) at the end of each bar. None when there is nothing to draw."""
    bars = list(chart.bars)
    if not bars or not any(_value(b.value) for b in bars):
        return None
    label_w = width * 0.42
    height = BAR_ROW * len(bars)
    drawing = Drawing(width, height + 8)
    bc = HorizontalBarChart()
    bc.x, bc.y = label_w, 4
    bc.width, bc.height = width - label_w - 36, height
    # ReportLab draws the first category at the bottom: reversed, the page's order reads
    # from the top.
    bc.data = [[_value(b.value) for b in reversed(bars)]]
    bc.categoryAxis.categoryNames = [_short(b.label) for b in reversed(bars)]
    bc.categoryAxis.labels.fontName = FONT
    bc.categoryAxis.labels.fontSize = 7
    bc.categoryAxis.labels.boxAnchor = "e"
    bc.categoryAxis.labels.dx = -4
    bc.categoryAxis.visibleTicks = False
    bc.valueAxis.visible = False
    bc.valueAxis.valueMin = 0
    bc.bars[0].fillColor = BAR_COLOUR
    bc.bars[0].strokeColor = None
    bc.barWidth = BAR_ROW * 0.6
    bc.barLabelFormat = "values"
    bc.barLabelArray = [[b.value_text for b in reversed(bars)]]
    bc.barLabels.fontName = FONT
    bc.barLabels.fontSize = 7
    bc.barLabels.boxAnchor = "w"
    bc.barLabels.dx = 3
    drawing.add(bc)
    return drawing


def line_drawing(chart, width: float) -> Drawing | None:
    """The page's trend chart (apps.core.charts.LineChart) as a ReportLab line: a
    suppressed month breaks the line rather than drawing a false zero."""
    points = list(chart.points)
    if not points or not any(_value(p.value) for p in points):
        return None
    height = 110
    drawing = Drawing(width, height + 24)
    lc = HorizontalLineChart()
    lc.x, lc.y = 30, 20
    lc.width, lc.height = width - 40, height
    # One series per unbroken run of drawn months: ReportLab joins the points of a series
    # across gaps, so a suppressed month must end one series and start the next.
    runs: list[list] = []
    current = None
    for i, point in enumerate(points):
        if not point.drawn:
            current = None
            continue
        if current is None:
            current = [None] * len(points)
            runs.append(current)
        current[i] = point.value
    lc.data = runs or [[None] * len(points)]
    lc.joinedLines = 1
    for i in range(len(lc.data)):
        lc.lines[i].strokeColor = BAR_COLOUR
        lc.lines[i].strokeWidth = 1.5
        lc.lines[i].symbol = makeMarker("FilledCircle", size=3, fillColor=BAR_COLOUR)
    lc.categoryAxis.categoryNames = [p.axis_label if p.show_label else "" for p in points]
    lc.categoryAxis.labels.fontName = FONT
    lc.categoryAxis.labels.fontSize = 6.5
    # The page's axis: from zero to the same round top, in the same steps.
    ticks = [t.value for t in chart.ticks]
    lc.valueAxis.valueMin = 0
    if len(ticks) >= 2:
        lc.valueAxis.valueMax = ticks[-1]
        lc.valueAxis.valueStep = ticks[1] - ticks[0]
    lc.valueAxis.labels.fontName = FONT
    lc.valueAxis.labels.fontSize = 7
    lc.valueAxis.visibleGrid = True
    lc.valueAxis.gridStrokeColor = colors.HexColor("#dddddd")
    drawing.add(lc)
    return drawing


def chart_drawing(table: display.ShownTable, width: float) -> Drawing | None:
    """The chart of one shown table, as on the page."""
    if table.is_trend:
        return line_drawing(table.chart, width)
    return bar_drawing(table.chart, width)


def report_story(report: Report, organization_names: list[str], width: float) -> list:
    """The PDF's flowables: title and scope, contents (links to the sections), then each
    section with, for every table, its chart and its numbers; the notes last."""
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=11.5)
    small = ParagraphStyle("small", fontName=FONT, fontSize=8, leading=10, textColor="#555555")
    head = ParagraphStyle("head", fontName=FONT_BOLD, fontSize=15, leading=19, spaceAfter=4)
    section_style = ParagraphStyle(
        "section", fontName=FONT_BOLD, fontSize=13, leading=16, spaceBefore=12, spaceAfter=2
    )
    sub = ParagraphStyle("sub", fontName=FONT_BOLD, fontSize=11, leading=14, spaceBefore=10)
    bold = ParagraphStyle("bold", parent=body, fontName=FONT_BOLD)
    toc_style = ParagraphStyle("toc", parent=body, leftIndent=8, textColor="#0b4f9c")
    toc_sub = ParagraphStyle("toc_sub", parent=body, leftIndent=20, fontSize=8, leading=10)
    p = lambda text, style=body: Paragraph(escape(str(text)), style)  # noqa: E731

    def link(anchor: str, text: str, style) -> Paragraph:
        return Paragraph(f'<a href="#{anchor}">{escape(str(text))}</a>', style)

    def anchored(anchor: str, text: str, style) -> Paragraph:
        return Paragraph(f'<a name="{anchor}"/>{escape(str(text))}', style)

    scope = report.scope
    story = [
        p(_("National statistics"), head),
        p(
            _("From %(from)s to %(to)s")
            % {"from": local_date(scope.date_from), "to": local_date(scope.date_to)}
        ),
        p(_("Organisations:") + " " + ", ".join(organization_names)),
        p(_("Printed on %(date)s") % {"date": local_date(timezone.localdate())}, small),
    ]
    if scope.disclosure_control:
        story.append(p(display.perturbation_note(), bold))
        story.append(p(display.suppressed_legend(scope.threshold), small))
    sections = display.shown_sections(report)
    story.append(p(_("Contents"), sub))
    for number, section in enumerate(sections, start=1):
        story.append(link(section.anchor, f"{number}. {section.title}", toc_style))
        for table in section.tables:
            story.append(link(table.chart.chart_id, table.title, toc_sub))
    if report.notes:
        story.append(link("notes", f"{len(sections) + 1}. {_('Notes')}", toc_style))
    for number, section in enumerate(sections, start=1):
        story.append(anchored(section.anchor, f"{number}. {section.title}", section_style))
        for table in section.tables:
            story += _table_flowables(table, width, p, anchored, sub, bold)
    if report.notes:
        story.append(anchored("notes", f"{len(sections) + 1}. {_('Notes')}", section_style))
        story += [p(note) for note in report.notes]
    return story


def _table_flowables(table, width, p, anchored, sub, bold) -> list:
    label_cols = max(1, len(table.headers))
    count_w = 22 * mm
    label_w = (width - count_w) / label_cols
    rows = [[p(h, bold) for h in table.headers] + [p(_("Number"), bold)]]
    rows += [[p(label) for label in r.labels] + [p(r.display)] for r in table.rows]
    if not table.rows:
        rows.append([p(_("Nothing to count in this period."))] + [""] * label_cols)
    rows.append([p(_("Total"), bold)] + [""] * (label_cols - 1) + [p(table.total_display, bold)])
    grid = Table(rows, colWidths=[label_w] * label_cols + [count_w], repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, "#999999"),
                ("BACKGROUND", (0, 0), (-1, 0), "#e8eef6"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    heading = [anchored(table.chart.chart_id, table.title, sub), Spacer(1, 2 * mm)]
    drawing = chart_drawing(table, width)
    chart = [drawing, Spacer(1, 2 * mm)] if drawing is not None else []
    if len(rows) <= 30:
        # A short table stays on one page with its title and chart.
        return [KeepTogether([*heading, *chart, grid])]
    # A long one starts where it is and splits, its header repeated on each page.
    return [KeepTogether([*heading, *chart]), grid]


def report_pdf(report: Report, organization_names: list[str]) -> bytes:
    """Every table of the report with its chart and labels, in the active language."""
    buf = BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=_("National statistics"),
    )
    doc.build(report_story(report, organization_names, doc.width))
    return buf.getvalue()
