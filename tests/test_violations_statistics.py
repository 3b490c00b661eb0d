"""The monitoring tables of the national report reconcile with the records: violations
by act type and perpetrator type, visits by access, recommendations by status."""

from datetime import date

import pytest

from apps.statistics.report import ReportScope, build_report

pytestmark = pytest.mark.django_db

FROM, TO = date(2026, 1, 1), date(2026, 6, 30)


@pytest.fixture
def records(org, make_member, reference_data):
    from apps.institutions import services as inst
    from apps.violations import services
    from apps.violations.models import ActType, PerpetratorType
    from apps.violations.vocabulary import load_vocabularies

    load_vocabularies(ActType, PerpetratorType)
    monitor = make_member(org, "monitor")
    act = {t.code: t for t in ActType.objects.all()}
    perp = {t.code: t for t in PerpetratorType.objects.all()}

    def incident(day, victims, perpetrators):
        return services.record_incident(
            membership=monitor,
            event={"title": "t", "occurred_on": day},
            victims=[{"given_name": "А", "act_type": act[c]} for c in victims],
            perpetrators=[
                {"group_name": "g", "role": "perpetrator", "perpetrator_type": perp.get(c)}
                for c in perpetrators
            ],
        )

    incident(date(2026, 2, 1), ["beating", "electric_shock", "threats"], ["police", "police"])
    incident(date(2026, 3, 1), ["wage_theft"], ["employer", None])
    incident(date(2025, 3, 1), ["beating"], ["police"])  # before the period
    centre = inst.add_institution(membership=monitor, data={"name": "C", "kind": "orphanage"})
    for day, access in [(date(2026, 2, 2), "granted"), (date(2026, 2, 3), "partial"),
                        (date(2026, 4, 3), "partial"), (date(2025, 4, 3), "denied")]:  # fmt: skip
        inst.record_visit(
            membership=monitor,
            institution=centre,
            data={"kind": "follow_up", "visited_on": day, "access": access,
                  "denied_by": "x", "denial_reason": "y"},
        )  # fmt: skip
    for day, status in [(date(2026, 2, 5), "rejected"), (date(2026, 2, 6), None)]:
        rec = inst.add_recommendation(
            membership=monitor,
            data={"kind": "thematic", "text": "t", "addressee": "a", "made_on": day},
        )
        if status:
            inst.record_response(membership=monitor, recommendation=rec, data={"status": status})
    return org


def _counts(report, name, dim):
    return {r[dim]: r["count"] for r in report.table(name).rows if r["count"]}


def test_counts_reconcile_with_the_records(records):
    report = build_report(ReportScope(FROM, TO, (records.id,), disclosure_control=False))
    # Subtypes count under their top-level term; the 2025 incident is outside the period.
    assert _counts(report, "violations_by_act_type", "act_type") == {
        "torture_ill_treatment": 2,
        "threats": 1,
        "labour_abuse": 1,
    }
    assert _counts(report, "violations_by_perpetrator_type", "perpetrator_type") == {
        "police": 2,
        "employer": 1,
        "unknown": 1,
    }
    assert _counts(report, "visits_by_access", "access") == {"granted": 1, "partial": 2}
    assert _counts(report, "recommendations_by_status", "recommendation_status") == {
        "rejected": 1,
        "no_response": 1,
    }
    names = [t["table"] for t in report.as_json()]
    for name in ("violations_by_act_type", "violations_by_perpetrator_type",
                 "visits_by_access", "recommendations_by_status"):  # fmt: skip
        assert name in names


def test_other_organisations_records_are_not_counted(records, other_org):
    report = build_report(ReportScope(FROM, TO, (other_org.id,), disclosure_control=False))
    assert report.table("violations_by_act_type").total == 0
    assert report.table("visits_by_access").total == 0


def test_tables_are_labelled_and_controlled(records):
    from apps.statistics import display

    report = build_report(
        ReportScope(date(2026, 1, 1), date(2026, 3, 31), (records.id,), disclosure_control=True)
    )
    assert report.table("visits_by_access").perturbed
    assert display.table_title("violations_by_act_type") == "Violations by type of act"
    labels = display.code_labels("violations_by_act_type", "act_type")
    assert labels["torture_ill_treatment"] == "Torture and ill-treatment"


def test_violations_by_institution_type_region_and_month_reconcile(records, make_member):
    from apps.institutions.models import Institution
    from apps.violations import services
    from apps.violations.models import ActType

    monitor = make_member(records, "monitor")
    colony = Institution.objects.create(organization=records, name="Colony 47", kind="penal_colony")
    services.record_incident(
        membership=monitor,
        event={"title": "t", "occurred_on": date(2026, 3, 9), "region": "bishkek",
               "institution": colony},
        victims=[{"given_name": "Б", "act_type": ActType.objects.get(code="beating")}] * 2,
        perpetrators=[],
    )  # fmt: skip
    report = build_report(ReportScope(FROM, TO, (records.id,), disclosure_control=False))
    # Six acts in the period: four in unlinked, undistricted events, two in the colony.
    assert _counts(report, "violations_by_institution_type", "institution_type") == {
        "penal_colony": 2,
        "unknown": 4,
    }
    assert _counts(report, "violations_by_region", "region") == {"bishkek": 2, "unknown": 4}
    assert _counts(report, "violations_by_month", "month") == {"2026-02": 3, "2026-03": 3}
    names = [t["table"] for t in report.as_json()]
    for name in ("violations_by_institution_type", "violations_by_region", "violations_by_month"):
        assert name in names
