"""Hotline statistics: counts that reconcile, scoping, the charts page and the exports."""

import csv
import io
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from apps.core.charts import bar_chart, nice_ceiling, trend_chart
from apps.core.models import AuditEntry, ReferenceValue
from apps.hotline.services import save_call
from apps.hotline.statistics import (
    calls_for_statistics,
    default_range,
    hotline_statistics,
)
from apps.people.validation import neutralise_formula

BISHKEK = ZoneInfo("Asia/Bishkek")
URL = "/hotline/statistics/"


def at(y, m, d, hour=12, minute=0):
    return datetime(y, m, d, hour, minute, tzinfo=BISHKEK)


@pytest.fixture
def operator(org, make_member):
    return make_member(org, "operator")


@pytest.fixture
def log_call(operator):
    def log(started_at, membership=None, **over):
        data = {
            "channel": "phone",
            "direction": "incoming",
            "caller_category": "anonymous",
            "urgency": "routine",
            "topics": ["safe_migration"],
            "caller_region": "osh",
            "outcome": "information_given",
            "started_at": started_at,
        }
        data.update(over)
        return save_call(membership=membership or operator, data=data, finish=True)

    return log


@pytest.fixture
def year_of_calls(log_call, operator, other_org, make_member):
    """Calls in January, March and (two) in April 2025; nothing in February."""
    log_call(at(2025, 1, 10), channel="messenger", urgency="urgent",
             topics=["missing_relative", "danger_now"], caller_region="")  # fmt: skip
    log_call(at(2025, 3, 3), caller_category="relative", urgency="emergency",
             topics=["danger_now"], outcome="emergency_response")  # fmt: skip
    log_call(at(2025, 4, 1), channel="walk_in", topics=["safe_migration", "agency_check"])
    log_call(at(2025, 4, 30, 23, 30), channel="email", caller_region="bishkek")
    # A draft in the period: never counted.
    save_call(membership=operator, data={"started_at": at(2025, 2, 14), "topics": ["other"]})
    # Another organisation's call in the period: never counted.
    elsewhere = make_member(other_org, "operator")
    log_call(at(2025, 2, 20), membership=elsewhere, topics=["labour_rights"])


def _counts(rows):
    return {r.code: r.count for r in rows}


def test_totals_reconcile_and_topics_count_in_each(operator, year_of_calls):
    stats = hotline_statistics(operator, date_from=date(2025, 1, 1), date_to=date(2025, 4, 30))
    assert stats.total == 4
    for rows in (stats.by_urgency, stats.by_channel, stats.by_caller_category, stats.by_outcome,
                 stats.by_region, stats.by_period):  # fmt: skip
        assert sum(r.count for r in rows) == stats.total
    topics = _counts(stats.by_topic)
    assert topics["danger_now"] == 2 and topics["missing_relative"] == 1
    assert topics["safe_migration"] == 2 and topics["agency_check"] == 1
    assert topics["labour_rights"] == 0  # only the other organisation's call has it
    assert stats.topic_mentions == sum(topics.values()) == 6
    assert _counts(stats.by_urgency) == {"emergency": 1, "urgent": 1, "routine": 2}
    assert _counts(stats.by_channel)["phone"] == 1
    regions = _counts(stats.by_region)
    assert regions["osh"] == 2 and regions["bishkek"] == 1 and regions[""] == 1
    assert stats.by_region[-1].label == "not recorded"


def test_drafts_and_other_organisations_are_excluded(operator, other_org, year_of_calls):
    assert calls_for_statistics(operator).count() == 4
    stats = hotline_statistics(operator, date_from=date(2025, 2, 1), date_to=date(2025, 2, 28))
    assert stats.total == 0
    assert all(r.count == 0 for r in stats.by_topic)


def test_empty_months_are_in_the_trend(operator, year_of_calls):
    stats = hotline_statistics(operator, date_from=date(2024, 12, 15), date_to=date(2025, 5, 10))
    assert [(p.label, p.count) for p in stats.by_period] == [
        ("2024-12", 0), ("2025-01", 1), ("2025-02", 0), ("2025-03", 1), ("2025-04", 2),
        ("2025-05", 0),
    ]  # fmt: skip
    assert stats.by_period[0].first_day == date(2024, 12, 15)
    assert stats.by_period[-1].last_day == date(2025, 5, 10)


def test_months_are_cut_in_bishkek_time(operator, log_call):
    # 1 May 02:00 in Bishkek is 30 April 20:00 UTC: it belongs to May, not April.
    log_call(at(2025, 5, 1, 2, 0))
    log_call(at(2025, 4, 30, 23, 59))
    stats = hotline_statistics(operator, date_from=date(2025, 4, 1), date_to=date(2025, 5, 31))
    assert [(p.label, p.count) for p in stats.by_period] == [("2025-04", 1), ("2025-05", 1)]
    may = hotline_statistics(operator, date_from=date(2025, 5, 1), date_to=date(2025, 5, 1))
    assert may.total == 1


def test_date_filter_includes_both_days(operator, year_of_calls):
    stats = hotline_statistics(operator, date_from=date(2025, 3, 3), date_to=date(2025, 4, 1))
    assert stats.total == 2
    stats = hotline_statistics(operator, date_from=date(2025, 3, 4), date_to=date(2025, 3, 31))
    assert stats.total == 0


def test_week_buckets(operator, log_call):
    log_call(at(2025, 3, 3, 0, 30))  # Monday, week 10
    log_call(at(2025, 3, 9, 23, 30))  # Sunday, still week 10
    log_call(at(2025, 3, 24))  # week 13
    stats = hotline_statistics(
        operator, date_from=date(2025, 3, 5), date_to=date(2025, 3, 27), period="week"
    )
    assert [(p.label, p.start, p.count) for p in stats.by_period] == [
        ("2025-W10", date(2025, 3, 3), 1),  # the Monday is before the range
        ("2025-W11", date(2025, 3, 10), 0),
        ("2025-W12", date(2025, 3, 17), 0),
        ("2025-W13", date(2025, 3, 24), 1),
    ]
    assert stats.by_period[0].first_day == date(2025, 3, 5)
    assert stats.by_period[-1].last_day == date(2025, 3, 27)


def test_default_range_is_twelve_months():
    assert default_range(date(2026, 3, 15)) == (date(2025, 4, 1), date(2026, 3, 15))
    assert default_range(date(2026, 12, 31)) == (date(2026, 1, 1), date(2026, 12, 31))
    start, end = default_range(date(2026, 3, 15), "week")
    assert start.weekday() == 0 and (end - start).days < 52 * 7


def test_nobody_without_the_permissions_gets_counts(org, make_member, year_of_calls):
    for role in ("monitor", "auditor", "lawyer"):
        assert calls_for_statistics(make_member(org, role)).count() == 0
    assert calls_for_statistics(None).count() == 0
    assert calls_for_statistics(make_member(org, "me_officer")).count() == 4


# --- Charts ---------------------------------------------------------------------------


def test_chart_geometry():
    assert nice_ceiling(0) == (1, 1)
    assert nice_ceiling(7) == (8, 2)
    assert nice_ceiling(23) == (25, 5)
    assert nice_ceiling(480) == (500, 100)

    class R:
        def __init__(self, label, count, not_recorded=False):
            self.label, self.count, self.axis_label = label, count, label
            self.not_recorded = not_recorded

    chart = bar_chart("c", "t", "d", [R("a", 10), R("b", 5), R("c", 0), R("none", 1, True)])
    widths = [b.bar_width for b in chart.bars]
    assert widths[0] == 2 * widths[1] and widths[2] == 0 and widths[3] > 0
    assert chart.bars[3].muted and chart.height == 4 * 40
    trend = trend_chart("t", "t", "d", [R(f"m{i}", i) for i in range(24)])
    assert trend.columns[-1].show_label and sum(c.show_label for c in trend.columns) <= 12
    assert trend.columns[0].height == 0 and trend.columns[-1].y >= 0


# --- Page -----------------------------------------------------------------------------


def test_me_officer_sees_the_dashboard(client, login, org, make_member, year_of_calls):
    login(make_member(org, "me_officer"))
    r = client.get(URL, {"from": "2025-01-01", "to": "2025-04-30"})
    assert r.status_code == 200
    body = r.content.decode()
    assert "4 logged calls from 2025-01-01 to 2025-04-30" in body
    assert body.count('role="img"') == 7  # the trend and six breakdowns
    assert "<script" not in body.split("</head>")[1]
    assert ' style="' not in body
    assert "Person in danger now" in body and "not recorded" in body
    assert "A call about several topics counts once under each of them" in body
    assert "Share of calls (%)" in body
    # The other organisation's call (labour rights) is not counted.
    assert _counts(r.context["stats"].by_topic)["labour_rights"] == 0


def test_default_dashboard_and_localised_numbers(client, login, operator, log_call):
    log_call(timezone.now() - timedelta(days=3))
    login(operator)
    r = client.get(URL)
    assert r.status_code == 200
    stats = r.context["stats"]
    assert stats.total == 1 and len(stats.by_period) == 12
    # Russian uses a decimal comma; the SVG geometry must not.
    operator.user.language = "ru"
    operator.user.save(update_fields=["language"])
    r = client.get(URL, {"period": "week"})
    assert r.status_code == 200
    body = r.content.decode()
    assert len(r.context["stats"].by_period) == 52
    for attr in re.findall(r' (?:x|y|width|height|y1|y2)="([^"]*)"', body):
        assert "," not in attr


@pytest.mark.parametrize("role", ["monitor", "auditor"])
def test_other_roles_are_refused(client, login, org, make_member, role):
    login(make_member(org, role))
    assert client.get(URL).status_code == 403
    assert client.get(URL + "export.csv").status_code == 403


def test_other_organisations_calls_never_appear(client, login, other_org, make_member,
                                                year_of_calls):  # fmt: skip
    login(make_member(other_org, "me_officer"))
    r = client.get(URL, {"from": "2025-01-01", "to": "2025-04-30"})
    stats = r.context["stats"]
    assert stats.total == 1 and _counts(stats.by_topic)["labour_rights"] == 1


@pytest.mark.parametrize(
    "query, message",
    [
        ({"from": "2025-13-45"}, "Enter a valid date."),
        ({"from": "not a date", "to": "2025-01-01"}, "Enter a valid date."),
        ({"from": "2025-05-01", "to": "2025-04-01"}, "The start date is after the end date."),
        ({"from": "1900-01-01"}, "Enter a date between 2000 and 2099."),
        ({"from": "2010-01-01", "to": "2025-01-01"}, "Choose a period of at most five years."),
        ({"period": "year"}, "Select a valid choice."),
    ],
)
def test_bad_filter_shows_errors(client, login, operator, query, message):
    login(operator)
    r = client.get(URL, query)
    assert r.status_code == 200
    assert message in r.content.decode()
    assert r.context["stats"] is None
    assert client.get(URL + "export.csv", query).status_code == 400


# --- Export ---------------------------------------------------------------------------


def _csv_sections(content: bytes) -> dict[str, list[list[str]]]:
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sections, current = {}, None
    for row in rows:
        if not row:
            current = None
        elif current is None:
            current = sections.setdefault(row[0], [])
        else:
            current.append(row)
    return sections


def test_csv_export_parses_back_with_the_same_numbers(client, login, operator, year_of_calls):
    login(operator)
    r = client.get(URL + "export.csv", {"from": "2025-01-01", "to": "2025-04-30"})
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/csv")
    assert 'filename="hotline-statistics_2025-01-01_2025-04-30.csv"' in r["Content-Disposition"]
    sections = _csv_sections(r.content)
    assert ["Calls", "4"] in sections["Hotline statistics"]
    months = sections["Calls by month"]
    assert months[0] == ["Period", "From", "To", "Calls"]
    assert [(m[0], int(m[3])) for m in months[1:]] == [
        ("2025-01", 1), ("2025-02", 0), ("2025-03", 1), ("2025-04", 2)
    ]  # fmt: skip
    urgency = {row[0]: int(row[1]) for row in sections["Calls by urgency"][1:]}
    assert urgency == {"emergency": 1, "urgent": 1, "routine": 2}
    topics = {row[0]: int(row[1]) for row in sections["Calls by topic"][1:] if len(row) > 1}
    assert topics["Person in danger now"] == 2
    assert any("counts once under each" in row[0] for row in sections["Calls by topic"])
    for title in ("Calls by caller's region", "Calls by caller", "Calls by channel",
                  "Calls by outcome"):  # fmt: skip
        assert sum(int(row[1]) for row in sections[title][1:]) == 4
    # The query-string form gives the same file.
    again = client.get(URL + "export/", {"from": "2025-01-01", "to": "2025-04-30",
                                         "format": "csv"})  # fmt: skip
    assert again.status_code == 200 and again.content == r.content
    assert client.get(URL + "export/", {"format": "pdf"}).status_code == 404


def test_csv_export_in_russian(client, login, operator, year_of_calls):
    operator.user.language = "ru"
    operator.user.save(update_fields=["language"])
    login(operator)
    r = client.get(URL + "export.csv", {"from": "2025-01-01", "to": "2025-04-30"})
    text = r.content.decode("utf-8-sig")
    assert "Человек в опасности сейчас" in text


def test_xlsx_export_has_the_sheets(client, login, operator, year_of_calls):
    from openpyxl import load_workbook

    login(operator)
    r = client.get(URL + "export.xlsx", {"from": "2025-01-01", "to": "2025-04-30",
                                         "period": "week"})  # fmt: skip
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == [
        "Hotline statistics", "Calls by week", "Calls by topic", "Calls by caller's region",
        "Calls by caller", "Calls by channel", "Calls by urgency", "Calls by outcome",
    ]  # fmt: skip
    weeks = list(book["Calls by week"].iter_rows(min_row=3, values_only=True))
    assert sum(row[3] for row in weeks) == 4
    assert weeks[0][0] == "2025-W01" and weeks[0][1].date() == date(2025, 1, 1)
    urgency = {row[0]: row[1] for row in book["Calls by urgency"].iter_rows(min_row=3,
                                                                          values_only=True)}  # fmt: skip
    assert urgency == {"emergency": 1, "urgent": 1, "routine": 2}


def test_formula_looking_labels_are_neutralised(client, login, operator, log_call):
    from openpyxl import load_workbook

    ReferenceValue.objects.create(kind="call_topic", code="evil", name_en="=HYPERLINK(1)",
                                  name_ru="=1+1", name_ky="@SUM(A1)")  # fmt: skip
    log_call(at(2025, 3, 3), topics=["evil"])
    login(operator)
    query = {"from": "2025-03-01", "to": "2025-03-31"}
    book = load_workbook(io.BytesIO(client.get(URL + "export.xlsx", query).content))
    labels = [row[0] for row in book["Calls by topic"].iter_rows(values_only=True)]
    assert "'=HYPERLINK(1)" in labels
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
    # The Russian label, in a Russian user's CSV.
    operator.user.language = "ru"
    operator.user.save(update_fields=["language"])
    rows = list(csv.reader(io.StringIO(client.get(URL + "export.csv", query).content
                                       .decode("utf-8-sig"))))  # fmt: skip
    cells = [cell for row in rows for cell in row]
    assert "'=1+1" in cells and "=1+1" not in cells


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+7 700", "'+7 700"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("  =1", "'  =1"),
        ("Osh region", "Osh region"),
        (5, 5),
        (12.5, 12.5),
        ("", ""),
    ],
)
def test_neutralise_formula(value, expected):
    assert neutralise_formula(value) == expected


def test_export_is_audited(client, login, org, make_member, year_of_calls):
    officer = make_member(org, "me_officer")
    login(officer)
    before = AuditEntry.objects.filter(action="export").count()
    client.get(URL + "export.xlsx", {"from": "2025-01-01", "to": "2025-04-30"})
    entry = AuditEntry.objects.filter(action="export").latest("id")
    assert AuditEntry.objects.filter(action="export").count() == before + 1
    assert entry.target_type == "hotline_statistics"
    assert entry.actor == officer.user and entry.organization == org
    assert entry.detail == {"from": "2025-01-01", "to": "2025-04-30", "period": "month",
                            "format": "xlsx"}  # fmt: skip
    # Viewing the page is not an export.
    client.get(URL)
    assert AuditEntry.objects.filter(action="export").count() == before + 1
