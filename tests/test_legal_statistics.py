"""The legal tables of the national report count exactly what the records say (without
disclosure control) and pass through the same disclosure control as the others."""

# The shared fixtures of tests/legal_fixtures.py are imported by name, then used as
# arguments, which ruff takes for redefinitions.
# ruff: noqa: F811

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.legal import services
from apps.statistics.report import ReportScope, build_report
from tests.legal_fixtures import lawyer, legal_reference, torture_case  # noqa: F401

pytestmark = pytest.mark.django_db
FROM, TO = date(2025, 1, 1), date(2025, 12, 31)


def _stage(m, p, stage_type, started_on, **kw):
    return services.add_stage(
        membership=m, proceeding=p, data={"stage_type": stage_type, "started_on": started_on, **kw}
    )


def _convict(m, p, trial, charge, outcome, on, sentence=None):
    if not trial.documents.exists():
        services.attach_document(
            membership=m, stage=trial, kind="verdict",
            uploaded_file=SimpleUploadedFile("v.pdf", b"verdict"),
        )  # fmt: skip
    return services.record_verdict(
        membership=m, charge=charge, stage=trial, outcome=outcome, decided_on=on,
        sentence=sentence,
    )  # fmt: skip


@pytest.fixture
def records(lawyer, torture_case, make_person, make_case):
    m = lawyer
    a = services.open_proceeding(
        membership=m, case=torture_case,
        data={"kind": "criminal", "client_role": "victim", "opened_on": date(2025, 1, 2)},
    )  # fmt: skip
    _stage(m, a, "complaint", date(2025, 1, 2))
    refusal = _stage(m, a, "opening_decision", date(2025, 1, 5), decision="refused",
                     decided_on=date(2025, 1, 10))  # fmt: skip
    _stage(m, a, "challenge", date(2025, 1, 20), challenges=refusal, decision="upheld",
           decided_on=date(2025, 2, 1))  # fmt: skip
    _stage(m, a, "investigation", date(2025, 2, 10))
    _stage(m, a, "indictment", date(2025, 5, 1))
    trial = _stage(m, a, "first_instance", date(2025, 6, 1))
    official = services.add_defendant(
        membership=m, proceeding=a, data={"name": "Officer", "public_official": True}
    )
    torture = services.add_charge(membership=m, defendant=official,
                                  article=services.find_article(edition="2021", number="159"))  # fmt: skip
    trafficking = services.add_charge(membership=m, defendant=official,
                                      article=services.find_article(edition="2021", number="166"))  # fmt: skip
    _convict(m, a, trial, torture, "conviction", date(2025, 9, 1), {"prison_days": 7 * 365})
    _convict(m, a, trial, trafficking, "acquittal", date(2025, 9, 1))
    services.record_compensation(membership=m, proceeding=a, data={
        "event": "claimed", "amount": Decimal("500000"), "currency": "KGS", "on": date(2025, 6, 1)})  # fmt: skip
    services.record_compensation(membership=m, proceeding=a, data={
        "event": "awarded", "amount": Decimal("200000"), "currency": "KGS", "on": date(2025, 9, 1)})  # fmt: skip
    services.record_compensation(membership=m, proceeding=a, data={
        "event": "paid", "amount": Decimal("50000"), "currency": "KGS", "on": date(2025, 10, 1)})  # fmt: skip

    # A second case reached court in 2024: its conviction in 2025 counts, its
    # prosecution does not.
    case_b = make_case(m, make_person(m, given_name="Нуриза"), assigned_to=m.user)
    b = services.open_proceeding(
        membership=m, case=case_b,
        data={"kind": "criminal", "client_role": "victim", "opened_on": date(2024, 9, 1)},
    )  # fmt: skip
    _stage(m, b, "indictment", date(2024, 11, 1))
    trial_b = _stage(m, b, "first_instance", date(2025, 1, 15))
    trafficker = services.add_defendant(membership=m, proceeding=b, data={"name": "Recruiter"})
    charge_b = services.add_charge(membership=m, defendant=trafficker,
                                   article=services.find_article(edition="2016", number="124"))  # fmt: skip
    _convict(m, b, trial_b, charge_b, "conviction", date(2025, 3, 1),
             {"prison_days": 3 * 365, "suspended": True})  # fmt: skip
    for area, on in (("torture", date(2025, 2, 1)), ("torture", date(2025, 3, 1)),
                     ("housing", date(2024, 12, 31))):  # fmt: skip
        services.record_consultation(membership=m, data={
            "given_on": on, "channel": "phone", "legal_area": area, "question": "?",
            "outcome": "advice", "sex": "F"})  # fmt: skip
    return m.organization


def _cells(report, name):
    table = report.table(name)
    dims = table.dimensions
    return {tuple(r[d] for d in dims): r["count"] for r in table.rows if r["count"]}, table.total


def test_legal_tables_reconcile_with_the_records(records):
    report = build_report(ReportScope(FROM, TO, (records.id,), disclosure_control=False))
    assert _cells(report, "prosecutions_by_article") == ({("2021:159",): 1, ("2021:166",): 1}, 1)
    assert _cells(report, "convictions_by_article") == (
        {("2021:159", "conviction"): 1, ("2021:166", "acquittal"): 1,
         ("2016:124", "conviction"): 1},
        3,
    )  # fmt: skip
    assert _cells(report, "sentences_by_length_band") == (
        {("5_10y",): 1, ("suspended",): 1}, 2
    )  # fmt: skip
    assert _cells(report, "officials_prosecuted_convicted") == (
        {("prosecuted",): 1, ("convicted",): 1}, 1
    )  # fmt: skip
    assert _cells(report, "compensation_awarded_paid") == (
        {("awarded", "KGS"): 1, ("paid", "KGS"): 1}, 2
    )  # fmt: skip
    assert _cells(report, "consultations_by_area") == ({("torture", "F"): 2}, 2)
    stages, total = _cells(report, "proceedings_by_stage")
    assert total == 2
    assert stages[("criminal", "first_instance")] == 2
    assert stages[("criminal", "challenge")] == 1
    assert ("criminal", "indictment") in stages and stages[("criminal", "indictment")] == 1
    names = [t["table"] for t in report.as_json()]
    for name in ("consultations_by_area", "proceedings_by_stage", "prosecutions_by_article",
                 "convictions_by_article", "sentences_by_length_band",
                 "officials_prosecuted_convicted", "compensation_awarded_paid"):  # fmt: skip
        assert name in names


def test_legal_tables_pass_through_disclosure_control(records):
    report = build_report(ReportScope(FROM, TO, (records.id,), disclosure_control=True))
    table = report.table("prosecutions_by_article")
    assert table.perturbed
    # Single cases never show as themselves.
    assert all(r["count"] != 1 for r in table.rows)


def test_legal_tables_have_their_section_and_labels_on_the_page(records):
    from apps.statistics import display

    report = build_report(ReportScope(FROM, TO, (records.id,), disclosure_control=False))
    section = next(s for s in display.shown_sections(report) if s.slug == "legal")
    assert len(section.tables) == 10
    rows = display.label_rows(report.table("prosecutions_by_article"))
    labels = {row.labels[0] for row in rows}
    assert "159 Torture (2021)" in labels


def test_new_legal_tables_reconcile_with_the_records(records):
    report = build_report(ReportScope(FROM, TO, (records.id,), disclosure_control=False))
    # Sums of money, not counts: 200 000 awarded and 50 000 paid; the claim is not counted.
    assert _cells(report, "compensation_amounts") == (
        {("awarded", "KGS"): 200000, ("paid", "KGS"): 50000}, 250000
    )  # fmt: skip
    assert not report.table("compensation_amounts").perturbed
    # One investigation opened in 2025, charged under two articles: once under each.
    assert _cells(report, "investigations_by_article") == (
        {("2025", "2021:159"): 1, ("2025", "2021:166"): 1}, 1
    )  # fmt: skip
    # Both clients were victims in a criminal proceeding open during 2025.
    victims, total = _cells(report, "victims_represented")
    assert total == 2
    assert sum(n for (kind, _sex), n in victims.items() if kind == "criminal") == 2


def test_victims_represented_leaves_out_proceedings_closed_before_the_period(records):
    from apps.legal.models import Proceeding

    Proceeding.objects.filter(opened_on__year=2024).update(closed_on=date(2024, 12, 31))
    report = build_report(ReportScope(FROM, TO, (records.id,), disclosure_control=False))
    assert _cells(report, "victims_represented")[1] == 1


def test_compensation_amounts_of_few_records_are_not_published(records):
    report = build_report(ReportScope(FROM, TO, (records.id,), disclosure_control=True))
    table = report.table("compensation_amounts")
    # One award and one payment: publishing the sums would disclose what one victim got.
    assert all(r["count"] in (0, "suppressed") for r in table.rows)
    assert table.total in (0, None, "suppressed")
