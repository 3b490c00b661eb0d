"""The donor report: XLSX and PDF in the report's language, formula-safe, audited, from
the page and from `manage.py donor_report`; sending keeps the values."""

import datetime
from io import BytesIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from apps.core.models import AuditEntry
from apps.grants import services
from apps.grants.models import SentReport
from apps.prevention import services as prevention
from apps.prevention.services import Attendance

PERIOD = "period_from=2026-04-01&period_to=2026-06-30"


@pytest.fixture
def me_officer(org, make_member):
    return make_member(org, "me_officer")


@pytest.fixture
def grant(me_officer):
    donor = services.create_donor(membership=me_officer, name="Demo Foundation")
    grant = services.create_grant(
        membership=me_officer,
        donor=donor,
        reference="G-7",
        title="Safe migration",
        amount=5000,
        currency="USD",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
    )
    event = prevention.record_event(
        membership=me_officer,
        data={
            "event_type": "village_tour_stop",
            "title": '=HYPERLINK("http://bad")',  # a title a spreadsheet must not run
            "starts_on": datetime.date(2026, 5, 4),
            "ends_on": datetime.date(2026, 5, 4),
            "region": "issyk_kul",
            "materials_distributed": 0,
        },
        attendance=Attendance(total=80, by_sex={"F": 50, "M": 30}),
    )
    services.link_event(membership=me_officer, grant=grant, event=event)
    indicator = services.create_indicator(
        membership=me_officer,
        code="P1",
        name="People reached",
        source="people_reached",
        disaggregation=["sex"],
    )
    use = services.use_indicator(membership=me_officer, grant=grant, indicator=indicator)
    services.set_period_target(
        membership=me_officer,
        use=use,
        period_from=datetime.date(2026, 4, 1),
        period_to=datetime.date(2026, 6, 30),
        target=100,
    )
    return grant


def cells(content: bytes) -> list:
    wb = load_workbook(BytesIO(content))
    return [v for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v is not None]


@pytest.mark.parametrize(
    "language, words",
    [("en", ["Donor report", "Result for the period", "women"]), ("ru", ["Организация"])],
)
def test_xlsx_download_in_the_reports_language(grant, me_officer, login, language, words):
    client = login(me_officer)
    response = client.get(f"/grants/{grant.pk}/report.xlsx?{PERIOD}&language={language}")
    assert response.status_code == 200
    assert f"-{language}.xlsx" in response["Content-Disposition"]
    values = cells(response.content)
    for word in words:
        assert word in values
    assert "P1 · People reached" in values and 80 in values and 100 in values and 80 in values
    assert '\'=HYPERLINK("http://bad")' in " ".join(str(v) for v in values)
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    entry = AuditEntry.objects.filter(action="export", target_type="grant").latest("id")
    assert entry.detail["language"] == language and entry.detail["format"] == "xlsx"


def test_pdf_download(grant, me_officer, login):
    response = login(me_officer).get(f"/grants/{grant.pk}/report.pdf?{PERIOD}&language=ky")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_bad_period_comes_back_with_a_message(grant, me_officer, login):
    response = login(me_officer).get(
        f"/grants/{grant.pk}/report.xlsx?period_from=2026-06-30&period_to=2026-04-01"
    )
    assert response.status_code == 400
    assert "The period ends before it starts." in response.content.decode()


def test_command_writes_the_report_and_can_mark_it_sent(grant, tmp_path):
    out = tmp_path / "report.xlsx"
    call_command(
        "donor_report",
        "--grant", "G-7", "--from", "2026-04-01", "--to", "2026-06-30",
        "--format", "xlsx", "--language", "ru", "--output", str(out), "--mark-sent",
    )  # fmt: skip
    assert "P1 · People reached" in cells(out.read_bytes())
    sent = SentReport.objects.get()
    assert sent.values == {"P1": "80"}
    assert AuditEntry.objects.filter(action="export", detail__via="command").exists()
    pdf = tmp_path / "report.pdf"
    call_command(
        "donor_report",
        "--grant", "G-7", "--from", "2026-04-01", "--to", "2026-06-30",
        "--format", "pdf", "--language", "en", "--output", str(pdf),
    )  # fmt: skip
    assert pdf.read_bytes().startswith(b"%PDF")


def test_page_shows_results_chart_and_flags_a_change_after_sending(grant, me_officer, login):
    client = login(me_officer)
    response = client.post(
        f"/grants/{grant.pk}/sent/",
        {"period_from": "2026-04-01", "period_to": "2026-06-30"},
    )
    assert response.status_code == 302
    page = client.get(f"/grants/{grant.pk}/?{PERIOD}").content.decode()
    assert "<svg" in page and "By sex" in page and "Changed since" not in page
    late = prevention.record_event(
        membership=me_officer,
        data={
            "event_type": "campaign_day",
            "title": "Late entry",
            "starts_on": datetime.date(2026, 6, 2),
            "ends_on": datetime.date(2026, 6, 2),
            "materials_distributed": 0,
        },
        attendance=Attendance(total=5),
    )
    services.link_event(membership=me_officer, grant=grant, event=late)
    page = client.get(f"/grants/{grant.pk}/?{PERIOD}").content.decode()
    assert "Changed since the report was sent (sent: 80)" in page


def test_pdf_draws_results_against_targets_per_indicator(grant, me_officer):
    from reportlab.graphics.charts.barcharts import HorizontalBarChart

    from apps.grants import donor_report

    report = donor_report.build(grant, datetime.date(2026, 4, 1), datetime.date(2026, 6, 30), "ru")
    drawings = donor_report.result_drawings(report, 700)
    assert len(drawings) == 1  # one chart for the one indicator
    chart = next(c for c in drawings[0].contents if isinstance(c, HorizontalBarChart))
    # 80 people reached by the linked event against the target of 100.
    assert chart.data == [[100, 80]]
    assert chart.categoryAxis.categoryNames == list(reversed(report.chart_labels))
    content, _report = donor_report.render(
        grant, datetime.date(2026, 4, 1), datetime.date(2026, 6, 30), "pdf", "ru"
    )
    assert content.startswith(b"%PDF")
