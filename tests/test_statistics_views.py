"""The national statistics page, its downloads, the aggregates API and the dashboards:
labels in the user's language, small numbers suppressed when figures leave the
organisation, every run audited, and the national coordinator kept away from people."""

import csv
import io
import json
import re
from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from apps.core.charts import line_chart
from apps.core.models import AuditEntry
from apps.core.selectors import reference_labels
from apps.statistics.report import SUPPRESSED

URL = "/statistics/"
API = "/api/v1/statistics/"
LAST_YEAR = timezone.localdate().year - 1
YEAR_QUERY = {"period": "year", "year": str(LAST_YEAR)}


@pytest.fixture
def admin(org, make_member):
    return make_member(org, "org_admin")


@pytest.fixture
def coordinator(make_org, make_member):
    body = make_org("coordination", type="government")
    return make_member(body, "national_coordinator")


@pytest.fixture
def two_victims(admin, make_person, make_case):
    """Two trafficking cases opened last year: a small number, suppressed when it leaves
    the organisation."""
    cases = []
    for family in ("Маматова", "Сыдыкова"):
        person = make_person(admin, family_name=family, sex="F", birth_date="1990-04-02")
        cases.append(
            make_case(
                admin,
                person,
                exploitation=["forced_labour"],
                opened_on=date(LAST_YEAR, 3, 10),
                exploitation_began_on=date(LAST_YEAR, 1, 5),
            )
        )
    return cases


def _row(html: str, label: str) -> str:
    """The table row whose first cell is `label` (the first such row on the page)."""
    match = re.search(r"<tr><th scope=\"row\">" + re.escape(label) + r"</th>.*?</tr>", html)
    assert match, label
    return match.group(0)


def _cells(row_html: str) -> list[str]:
    return re.findall(r'<td class="num[^"]*">([^<]*)</td>', row_html)


# --- The page ------------------------------------------------------------------------


def test_page_renders_in_russian_with_charts(client, login, coordinator, two_victims):
    coordinator.user.language = "ru"
    coordinator.user.save(update_fields=["language"])
    login(coordinator)
    r = client.get(URL, YEAR_QUERY)
    assert r.status_code == 200
    html = r.content.decode()
    assert '<html lang="ru">' in html
    assert "<svg" in html and "chart-line" in html and "chart-bar" in html
    with translation.override("ru"):
        trafficking = reference_labels("case_type")["trafficking"]
        english = translation.override("en")
    with english:
        assert reference_labels("case_type")["trafficking"] != trafficking
    assert trafficking in html  # the code shown by its Russian name
    assert "Маматова" not in html and "Сыдыкова" not in html


@pytest.fixture
def exact_counts(monkeypatch):
    """Counts without their cell-key noise: for tests of how a suppressed cell is shown,
    whatever noise the run's record ids would draw (ids differ between runs)."""
    from apps.statistics import cellkey

    monkeypatch.setattr(cellkey, "perturbed", lambda count, key_sum: count)


def test_suppressed_cell_shows_the_mark_not_the_number(
    client, login, coordinator, two_victims, exact_counts
):
    login(coordinator)
    html = client.get(URL, YEAR_QUERY).content.decode()
    trafficking = reference_labels("case_type")["trafficking"]
    row = _row(html, trafficking)
    assert _cells(row) == ["suppr."], row
    assert "suppressed" in row
    assert "a small number (below 5)" in html  # the legend says what the mark means


def test_own_organisation_sees_exact_numbers_without_disclosure_control(
    client, login, admin, two_victims
):
    login(admin)
    html = client.get(URL, YEAR_QUERY).content.decode()
    trafficking = reference_labels("case_type")["trafficking"]
    assert _cells(_row(html, trafficking)) == ["2"]


def test_own_organisation_can_switch_disclosure_control_on(
    client, login, admin, two_victims, exact_counts
):
    login(admin)
    html = client.get(URL, {**YEAR_QUERY, "disclosure_control": "on"}).content.decode()
    trafficking = reference_labels("case_type")["trafficking"]
    assert _cells(_row(html, trafficking)) == ["suppr."]


def test_coordinator_cannot_switch_disclosure_control_off(client, login, coordinator, two_victims):
    login(coordinator)
    # No disclosure_control in the query: for the coordinator it stays on anyway.
    html = client.get(URL, YEAR_QUERY).content.decode()
    trafficking = reference_labels("case_type")["trafficking"]
    # Two cases: under control never printed as 2. Cell-key noise may turn a small count
    # into 0 (published as such) for some record keys; otherwise it is suppressed.
    assert _cells(_row(html, trafficking)) in (["suppr."], ["0"])
    assert 'name="disclosure_control"' in html and "disabled" in html


def test_report_run_is_audited(client, login, coordinator, two_victims):
    login(coordinator)
    client.get(URL, YEAR_QUERY)
    entry = AuditEntry.objects.filter(target_type="national_statistics").latest("id")
    assert entry.action == AuditEntry.Action.VIEW
    assert entry.actor == coordinator.user
    assert entry.detail["from"] == f"{LAST_YEAR}-01-01"
    assert entry.detail["disclosure_control"] is True


@pytest.mark.parametrize(
    "query, message",
    [
        (
            {"period": "custom", "date_from": "2025-06-01", "date_to": "2025-01-01"},
            "The start date is after the end date.",
        ),
        (
            {"period": "custom", "date_from": "2010-01-01", "date_to": "2024-12-31"},
            "Choose a period of at most 10 years.",
        ),
        ({"period": "year", "year": "1850"}, "Enter a year between 2000 and 2099."),
        ({"period": "custom", "date_from": "2025-02-30", "date_to": ""}, "Enter a valid date."),
    ],
)
def test_bad_filter_rerenders_with_message_and_keeps_input(client, login, admin, query, message):
    login(admin)
    r = client.get(URL, query)
    assert r.status_code == 200
    html = r.content.decode()
    assert message in html
    for value in query.values():
        if value and value not in ("custom", "year"):
            assert f'value="{value}"' in html, value
    assert "<svg" not in html
    assert not AuditEntry.objects.filter(target_type="national_statistics").exists()


def test_me_officer_reports_on_own_organisation_only(client, login, org, make_member, two_victims):
    login(make_member(org, "me_officer"))
    html = client.get(URL, YEAR_QUERY).content.decode()
    trafficking = reference_labels("case_type")["trafficking"]
    assert _cells(_row(html, trafficking)) == ["2"]
    assert 'type="checkbox" name="organization"' not in html  # nothing else to pick


def test_quarter_covers_its_three_months(client, login, admin, two_victims):
    login(admin)
    html = client.get(URL, {"period": "quarter", "year": LAST_YEAR, "quarter": "1"}).content
    assert f"From {LAST_YEAR}-01-01 to {LAST_YEAR}-03-31" in html.decode()


# --- Downloads -----------------------------------------------------------------------


def _download(client, fmt, **extra):
    return client.get(f"/statistics/download.{fmt}", {**YEAR_QUERY, **extra})


def test_xlsx_download_opens_with_the_suppressed_mark(client, login, coordinator, two_victims):
    from openpyxl import load_workbook

    login(coordinator)
    r = _download(client, "xlsx", lang="ru")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in r["Content-Disposition"]
    book = load_workbook(io.BytesIO(r.content))
    values = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert values, "an empty workbook"
    # The two cases are a small number: the sheet says "suppressed", never 2 for them.
    assert any(isinstance(v, str) and "suppr" in v.lower() for v in values)
    assert "Маматова" not in str(values)
    with translation.override("ru"):
        assert reference_labels("case_type")["trafficking"] in values  # labels in Russian
    entry = AuditEntry.objects.filter(target_type="national_statistics").latest("id")
    assert entry.action == AuditEntry.Action.EXPORT
    assert entry.detail["format"] == "xlsx" and entry.detail["language"] == "ru"


def test_csv_download_has_the_tables(client, login, admin, two_victims):
    login(admin)
    r = _download(client, "csv")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/csv")
    text = r.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) > 10
    assert "Маматова" not in text


def test_pdf_download_is_a_pdf_in_the_language_asked_for(client, login, admin, two_victims):
    login(admin)
    r = _download(client, "pdf", lang="ru")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    assert len(r.content) > 2000
    assert r["Content-Disposition"].endswith('_ru.pdf"')
    entry = AuditEntry.objects.filter(target_type="national_statistics").latest("id")
    assert entry.detail["format"] == "pdf" and entry.detail["language"] == "ru"


def test_json_download_is_the_report(client, login, admin, two_victims):
    login(admin)
    r = _download(client, "json")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/json")
    tables = {t["table"]: t for t in json.loads(r.content)}
    opened = tables["cases_opened_by_type"]
    assert opened["dimensions"] == ["case_type"]
    assert {"case_type": "trafficking", "count": 2} in opened["rows"]


def test_download_with_bad_filter_says_why(client, login, admin):
    login(admin)
    r = client.get(
        "/statistics/download.xlsx",
        {"period": "custom", "date_from": "2025-06-01", "date_to": "2025-01-01"},
    )
    assert r.status_code == 400
    assert "The start date is after the end date." in r.content.decode()


# --- Who may see what ----------------------------------------------------------------


@pytest.mark.parametrize("role", ["case_worker", "operator", "lawyer", "auditor", "monitor"])
def test_roles_without_statistics_get_403(client, login, org, make_member, role):
    login(make_member(org, role))
    assert client.get(URL).status_code == 403
    assert client.get("/statistics/download.xlsx", YEAR_QUERY).status_code == 403
    assert client.get(API, {"from": "2025-01-01", "to": "2025-12-31"}).status_code == 403


def test_another_organisations_admin_cannot_pick_my_organisation(
    client, login, org, other_org, make_member, two_victims
):
    login(make_member(other_org, "org_admin"))
    r = client.get(URL, {**YEAR_QUERY, "organization": org.slug})
    html = r.content.decode()
    # The choice is refused on the form, with what was asked kept, and no report runs.
    assert r.status_code == 200
    assert f"You may not report on “{org.slug}”" in html
    assert "<svg" not in html
    assert not AuditEntry.objects.filter(target_type="national_statistics").exists()
    api = client.get(API, {"from": f"{LAST_YEAR}-01-01", "to": f"{LAST_YEAR}-12-31",
                           "organization": org.slug})  # fmt: skip
    assert api.status_code == 404


def test_organisation_that_does_not_share_is_not_in_the_coordinators_report(
    client, login, org, coordinator, two_victims, exact_counts
):
    # exact_counts: cell-key noise may publish a count of two as zero (other record ids).
    login(coordinator)
    period = {"from": f"{LAST_YEAR}-01-01", "to": f"{LAST_YEAR}-12-31"}

    def opened_total():
        r = client.get(API, period)
        assert r.status_code == 200, r.content
        return {t["table"]: t for t in r.json()}["cases_opened_by_type"]["total"]

    assert opened_total() != 0  # counted while it shares
    org.shares_aggregates = False
    org.save(update_fields=["shares_aggregates"])
    assert opened_total() == 0


def test_coordinator_reaches_no_person_in_ui(
    client, login, coordinator, admin, two_victims, other_org
):
    login(coordinator)
    case = two_victims[0]
    for url in (
        "/people/",
        f"/people/{case.person_id}/",
        "/cases/",
        f"/cases/{case.pk}/",
        "/hotline/",
        "/hotline/new/",
        "/assistance/check-ins/",
        "/referrals/",
    ):
        r = client.get(url)
        assert r.status_code in (403, 404), (url, r.status_code)
        assert "Маматова" not in r.content.decode()


# --- The aggregates API --------------------------------------------------------------


@pytest.fixture
def coordinator_token(coordinator, capsys):
    call_command(
        "create_api_token", coordinator.user.email, "--organization", coordinator.organization.slug
    )
    return capsys.readouterr().out.strip().splitlines()[-1]


def test_api_returns_the_report_with_suppression(client, coordinator_token, two_victims):
    auth = {"HTTP_AUTHORIZATION": f"Token {coordinator_token}"}
    r = client.get(API, {"from": f"{LAST_YEAR}-01-01", "to": f"{LAST_YEAR}-12-31"}, **auth)
    assert r.status_code == 200
    tables = {t["table"]: t for t in r.json()}
    assert set(tables) >= {
        "cases_opened_by_type",
        "victims_by_exploitation_sex_age",
        "hotline_calls_by_topic",
    }
    trafficking = [
        row for row in tables["cases_opened_by_type"]["rows"] if row["case_type"] == "trafficking"
    ]
    # Two cases: never published as 2. Cell-key noise may make a small count 0 for some
    # record keys (ids differ between runs on PostgreSQL); otherwise it is suppressed.
    assert trafficking in (
        [{"case_type": "trafficking", "count": SUPPRESSED}],
        [{"case_type": "trafficking", "count": 0}],
    )
    entry = AuditEntry.objects.filter(target_type="national_statistics").latest("id")
    assert entry.action == AuditEntry.Action.EXPORT and entry.detail["format"] == "json"


def test_api_refuses_bad_periods_with_a_message(client, coordinator_token):
    auth = {"HTTP_AUTHORIZATION": f"Token {coordinator_token}"}
    r = client.get(API, {"from": "2025-06-01", "to": "2025-01-01"}, **auth)
    assert r.status_code == 400
    assert "The start date is after the end date." in r.content.decode()
    r = client.get(API, {"from": "2025-06-01"}, **auth)
    assert r.status_code == 400 and "to" in r.json()


def test_coordinator_token_reaches_nothing_else(client, coordinator_token, two_victims):
    auth = {"HTTP_AUTHORIZATION": f"Token {coordinator_token}"}
    case = two_victims[0]
    for url in (
        "/api/v1/people/",
        f"/api/v1/people/{case.person_id}/",
        "/api/v1/cases/",
        f"/api/v1/cases/{case.pk}/",
        "/api/v1/calls/",
        "/api/v1/screenings/",
        "/api/v1/referrals/",
        "/api/v1/consents/",
        "/api/v1/delivered-services/",
        "/api/v1/service-plans/",
        "/api/v1/needs-assessments/",
    ):
        r = client.get(url, **auth)
        assert r.status_code in (403, 404), (url, r.status_code)
        assert "Маматова" not in r.content.decode()


def test_statistics_endpoint_is_in_the_schema(client, login, admin):
    login(admin)
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/statistics/" in schema
    assert "statistics_report" in schema


# --- Dashboards ----------------------------------------------------------------------


def test_coordinator_dashboard_shows_aggregates_and_no_person(
    client, login, coordinator, admin, two_victims
):
    login(coordinator)
    html = client.get("/").content.decode()
    assert "<svg" in html
    assert "Open the statistics report" in html
    assert "Маматова" not in html and "C-0" not in html
    assert "My tasks" not in html and "My cases" not in html


def test_admin_dashboard_shows_figures_above_their_work(client, login, admin, two_victims):
    login(admin)
    html = client.get("/").content.decode()
    assert "Cases opened" in html and "<svg" in html
    assert html.index("Cases opened") < html.index("My tasks")


def test_dashboard_report_is_cached_per_scope_and_every_look_audited(
    client, login, admin, two_victims, monkeypatch
):
    from apps.statistics import services as statistics_services

    built = []
    real_build = statistics_services.build_report
    monkeypatch.setattr(
        statistics_services, "build_report", lambda scope: built.append(scope) or real_build(scope)
    )
    login(admin)
    client.get("/")
    client.get("/")
    assert len(built) == 1
    assert AuditEntry.objects.filter(target_type="national_statistics").count() == 2


def test_case_worker_dashboard_has_no_figures(client, login, caseworker):
    login(caseworker)
    html = client.get("/").content.decode()
    assert "Open the statistics report" not in html
    assert "My tasks" in html


# --- Charts --------------------------------------------------------------------------


class _B:
    def __init__(self, label, count):
        self.label, self.axis_label, self.count = label, label, count


def test_line_chart_breaks_at_a_suppressed_month_instead_of_drawing_zero():
    chart = line_chart("c", "t", "d", [_B("a", 7), _B("b", SUPPRESSED), _B("c", 9), _B("d", 8)])
    assert len(chart.segments) == 2
    assert chart.segments[0].count(",") == 1 and chart.segments[1].count(",") == 2
    assert [p.drawn for p in chart.points] == [True, False, True, True]
