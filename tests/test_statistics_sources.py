"""A table that a domain app adds to the national report (apps.statistics.sources) is
counted, labelled, perturbed and suppressed like the report's own tables, in the JSON,
on the page and in the downloads."""

from datetime import date

import pytest
from django.db.models import Count
from django.utils.translation import gettext_lazy

from apps.statistics import counting, sources
from apps.statistics.report import SUPPRESSED, ReportScope, build_report

FROM, TO = date(2025, 1, 1), date(2025, 12, 31)


def _cases_by_status(scope):
    from apps.cases.models import Case

    cells = counting.Cells()
    rows = (
        Case.objects.filter(
            organization_id__in=scope.organization_ids,
            opened_on__range=(scope.date_from, scope.date_to),
        )
        .values_list("status")
        .annotate(n=Count("id"), k=counting.record_keys(Case, "test-case"))
    )
    for status, n, k in rows:
        cells.add((status or "unknown",), n, k)
    return sources.Counted(cells)


PLUGGED = sources.SourceTable(
    name="test_cases_by_status",
    dimensions=("case_status",),
    title=gettext_lazy("Cases by status"),
    section=("tests", gettext_lazy("Test section")),
    count=_cases_by_status,
    labels=lambda dimension: {"open": "Open (label)", "closed": "Closed (label)"},
    dimension_titles={"case_status": gettext_lazy("Case status")},
    domains={"case_status": ["open", "closed"]},
    notes=(gettext_lazy("A note from the plugged table."),),
)


@pytest.fixture
def plugged(monkeypatch):
    monkeypatch.setattr(sources, "source_tables", lambda: (PLUGGED,))


@pytest.fixture
def cases(org, caseworker, make_person, make_case):
    from apps.cases.models import Case

    for i in range(8):
        make_case(caseworker, make_person(caseworker))
    ids = list(Case.objects.filter(organization=org).values_list("id", flat=True))
    Case.objects.filter(id__in=ids).update(opened_on=date(2025, 3, 1), status="open")
    Case.objects.filter(id=ids[0]).update(status="closed")
    return org


def test_plugged_table_counts_exactly_without_disclosure_control(plugged, cases):
    report = build_report(ReportScope(FROM, TO, (cases.id,), disclosure_control=False, threshold=5))
    table = report.table("test_cases_by_status")
    assert {r["case_status"]: r["count"] for r in table.rows} == {"open": 7, "closed": 1}
    assert table.total == 8
    assert "A note from the plugged table." in report.notes
    # Plugged tables come after the report's own, in the JSON's fixed order.
    assert report.as_json()[-1]["table"] == "test_cases_by_status"


def test_plugged_table_is_perturbed_and_its_small_cell_suppressed(plugged, cases):
    report = build_report(ReportScope(FROM, TO, (cases.id,), disclosure_control=True))
    table = report.table("test_cases_by_status")
    assert table.perturbed
    counts = {r["case_status"]: r["count"] for r in table.rows}
    # The single closed case never shows as itself.
    assert counts["closed"] in (SUPPRESSED, 0)
    assert counts["closed"] != 1


def test_plugged_table_has_its_labels_and_section_on_the_page(plugged, cases):
    from apps.statistics import display

    report = build_report(ReportScope(FROM, TO, (cases.id,), disclosure_control=False, threshold=5))
    sections = display.shown_sections(report)
    section = next(s for s in sections if s.slug == "tests")
    shown = section.tables[0]
    assert shown.title == "Cases by status"
    assert display.dimension_title("case_status") == "Case status"
    labels = [row.labels[0] for row in display.label_rows(report.table("test_cases_by_status"))]
    assert labels == ["Open (label)", "Closed (label)"]


def test_discovery_finds_statistics_tables_modules_of_installed_apps():
    sources.source_tables.cache_clear()
    names = [t.name for t in sources.source_tables()]
    assert len(names) == len(set(names))
    for table in sources.source_tables():
        assert isinstance(table, sources.SourceTable)
