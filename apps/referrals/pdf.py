"""The printable referral form for organisations outside Koldoo (ReportLab)."""

from io import BytesIO
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import override
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from apps.assistance.models import ServiceType
from apps.core.dates import local_date

FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    base = settings.BASE_DIR / "static/vendor/fonts"
    pdfmetrics.registerFont(TTFont(FONT, str(base / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(base / "DejaVuSans-Bold.ttf")))


def referral_form_pdf(referral, rows: list[tuple[str, str]], lang: str) -> bytes:
    """A one-page form in `lang` with the consented rows only."""
    _register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13)
    head = ParagraphStyle("head", fontName=FONT_BOLD, fontSize=15, leading=19, spaceAfter=6)
    sub = ParagraphStyle("sub", fontName=FONT_BOLD, fontSize=11, leading=14, spaceBefore=8)
    buf = BytesIO()
    with override(lang):
        labels = dict(ServiceType.choices)
        doc = SimpleDocTemplate(
            buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, title=referral.reference
        )
        p = lambda text, style=body: Paragraph(escape(str(text)), style)  # noqa: E731
        story = [
            p(_("Referral form") + f" {referral.reference}", head),
            p(_("From: %(org)s") % {"org": referral.from_organization.name}),
            p(_("To: %(org)s") % {"org": referral.recipient_name}),
            p(_("Date: %(date)s") % {"date": local_date(referral.sent_at)}),
            p(_("Services requested"), sub),
            p(", ".join(str(labels.get(s, s)) for s in referral.services)),
            p(_("Consent"), sub),
            p(
                _("The person consented to share the data below for this referral until %(d)s.")
                % {"d": local_date(referral.consent.valid_until) or "—"}
            ),
        ]
        # The free texts (purpose, reason, needs) are printed only where the consent
        # includes them: they come in `rows` from the shared view.
        story.append(p(_("Data shared"), sub))
        if rows:
            table = Table(
                [[p(label), p(value)] for label, value in rows], colWidths=[55 * mm, 115 * mm]
            )
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.4, "#888888"),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story.append(table)
        else:
            story.append(p(_("No personal data is shared.")))
        story += [Spacer(1, 14 * mm), p(_("Signature of the referring worker: ____________"))]
        doc.build(story)
    return buf.getvalue()
