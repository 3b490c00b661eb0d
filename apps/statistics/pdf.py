"""The national report as a printable PDF (ReportLab, the referral form's fonts)."""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
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


def report_pdf(report: Report, organization_names: list[str]) -> bytes:
    """Every table of the report with its labels, in the active language."""
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=11.5)
    small = ParagraphStyle("small", fontName=FONT, fontSize=8, leading=10, textColor="#555555")
    head = ParagraphStyle("head", fontName=FONT_BOLD, fontSize=15, leading=19, spaceAfter=4)
    sub = ParagraphStyle("sub", fontName=FONT_BOLD, fontSize=11, leading=14, spaceBefore=10)
    bold = ParagraphStyle("bold", parent=body, fontName=FONT_BOLD)
    p = lambda text, style=body: Paragraph(escape(str(text)), style)  # noqa: E731
    scope = report.scope
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
    width = doc.width
    for table in display.shown_tables(report):
        label_cols = max(1, len(table.headers))
        count_w = 22 * mm
        label_w = (width - count_w) / label_cols
        rows = [[p(h, bold) for h in table.headers] + [p(_("Number"), bold)]]
        rows += [[p(label) for label in r.labels] + [p(r.display)] for r in table.rows]
        if not table.rows:
            rows.append([p(_("Nothing to count in this period."))] + [""] * label_cols)
        rows.append(
            [p(_("Total"), bold)] + [""] * (label_cols - 1) + [p(table.total_display, bold)]
        )
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
        heading = [p(table.title, sub), Spacer(1, 2 * mm)]
        if len(rows) <= 30:
            # A short table stays on one page with its title.
            story.append(KeepTogether([*heading, grid]))
        else:
            # A long one starts where it is and splits, its header repeated on each page.
            story += [*heading, grid]
    if report.notes:
        story.append(p(_("Notes"), sub))
        story += [p(note) for note in report.notes]
    doc.build(story)
    return buf.getvalue()
