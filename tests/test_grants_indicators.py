"""Grants, event links and indicators: results against targets per period, with
disaggregation, computed from events and from the statistics' counting rules."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.grants import selectors, services
from apps.prevention import services as prevention
from apps.prevention.services import Attendance

Q2_FROM, Q2_TO = datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)


@pytest.fixture
def me_officer(org, make_member):
    return make_member(org, "me_officer")


@pytest.fixture
def grant(me_officer):
    donor = services.create_donor(membership=me_officer, name="Demo Foundation")
    return services.create_grant(
        membership=me_officer,
        donor=donor,
        reference="G-1",
        title="Safe migration",
        amount=100000,
        currency="USD",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
    )


def event(me, day, title, **attendance):
    return prevention.record_event(
        membership=me,
        data={
            "event_type": "village_tour_stop",
            "title": title,
            "starts_on": day,
            "ends_on": day,
            "region": "issyk_kul",
            "materials_distributed": 0,
        },
        attendance=Attendance(**attendance),
    )


def test_event_outside_the_grant_period_is_refused_with_both_periods(me_officer, grant):
    old = event(me_officer, datetime.date(2025, 11, 3), "Last year's stop", total=10)
    with pytest.raises(ValidationError) as caught:
        services.link_event(membership=me_officer, grant=grant, event=old)
    message = caught.value.messages[0]
    assert "outside the period of grant G-1" in message and "Last year's stop" in message


def test_people_reached_per_period_against_target_with_disaggregation(me_officer, grant):
    a = event(me_officer, datetime.date(2026, 4, 5), "Stop 1", total=50, by_sex={"F": 30, "M": 20})
    b = event(
        me_officer,
        datetime.date(2026, 5, 5),
        "Stop 2",
        total=40,
        cells={("F", "11_24"): 25, ("M", "25_64"): 15},
    )
    other_quarter = event(me_officer, datetime.date(2026, 7, 5), "Stop 3", total=7)
    event(me_officer, datetime.date(2026, 5, 6), "Not this grant's", total=1000)
    for e in (a, b, other_quarter):
        services.link_event(membership=me_officer, grant=grant, event=e)
    indicator = services.create_indicator(
        membership=me_officer,
        code="P1",
        name="People reached",
        source="people_reached",
        disaggregation=["sex", "region"],
    )
    use = services.use_indicator(
        membership=me_officer, grant=grant, indicator=indicator, life_target=400
    )
    services.set_period_target(
        membership=me_officer, use=use, period_from=Q2_FROM, period_to=Q2_TO, target=120
    )
    (row,) = selectors.results_for(grant, Q2_FROM, Q2_TO)
    assert row.value == 90 and row.target == 120 and row.achieved == 75
    assert row.cumulative == 90 and row.life_target == 400
    assert row.codes["sex"] == {"F": 55, "M": 35}
    assert row.codes["region"] == {"issyk_kul": 90}
    assert "age_band" not in row.codes  # not among the indicator's disaggregations


def test_victims_assisted_follow_the_statistics_counting_rules(
    me_officer, grant, caseworker, make_person, make_case
):
    from apps.assistance.services import record_delivered_service
    from apps.statistics import counting

    person = make_person(caseworker, sex="F", birth_year=1990)
    case = make_case(caseworker, person)
    record_delivered_service(
        membership=caseworker,
        case=case,
        data={"service_type": "psychological", "delivered_on": datetime.date(2026, 4, 20)},
    )
    indicator = services.create_indicator(
        membership=me_officer,
        code="V1",
        name="Victims assisted",
        source="victims_assisted",
        disaggregation=["sex"],
    )
    services.use_indicator(membership=me_officer, grant=grant, indicator=indicator)
    (row,) = selectors.results_for(grant, Q2_FROM, Q2_TO)
    expected = sum(counting.assisted_counts([grant.organization_id], Q2_FROM, Q2_TO).values())
    assert expected == 1 and row.value == 1
    assert row.codes["sex"] == {"F": 1}


def test_one_indicator_feeds_several_donors_frameworks(me_officer, grant):
    other_donor = services.create_donor(membership=me_officer, name="Second donor")
    second = services.create_grant(
        membership=me_officer,
        donor=other_donor,
        reference="G-2",
        title="Second",
        amount=5000,
        currency="EUR",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
    )
    indicator = services.create_indicator(
        membership=me_officer, code="P1", name="People reached", source="people_reached"
    )
    services.use_indicator(membership=me_officer, grant=grant, indicator=indicator)
    services.use_indicator(membership=me_officer, grant=second, indicator=indicator)
    assert {u.grant.reference for u in indicator.uses.all()} == {"G-1", "G-2"}


def test_manual_result_needs_evidence_and_counts(me_officer, grant):
    indicator = services.create_indicator(
        membership=me_officer, code="M1", name="Women elected", source="manual", unit="women"
    )
    services.use_indicator(membership=me_officer, grant=grant, indicator=indicator)
    with pytest.raises(ValidationError, match="evidence"):
        services.record_manual_result(
            membership=me_officer,
            grant=grant,
            indicator=indicator,
            period_from=Q2_FROM,
            period_to=Q2_TO,
            value=3,
        )
    result = services.record_manual_result(
        membership=me_officer,
        grant=grant,
        indicator=indicator,
        period_from=Q2_FROM,
        period_to=Q2_TO,
        value=3,
        evidence=SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes"),
    )
    assert services.read_evidence(membership=me_officer, result=result) == b"%PDF-1.4 minutes"
    (row,) = selectors.results_for(grant, Q2_FROM, Q2_TO)
    assert row.value == Decimal(3)


def test_computed_value_changed_after_sending_is_flagged(me_officer, grant):
    first = event(me_officer, datetime.date(2026, 4, 5), "Stop 1", total=50)
    services.link_event(membership=me_officer, grant=grant, event=first)
    indicator = services.create_indicator(
        membership=me_officer, code="P1", name="People reached", source="people_reached"
    )
    services.use_indicator(membership=me_officer, grant=grant, indicator=indicator)
    services.record_report_sent(
        membership=me_officer,
        grant=grant,
        period_from=Q2_FROM,
        period_to=Q2_TO,
        values={"P1": Decimal(50)},
    )
    (row,) = selectors.results_for(grant, Q2_FROM, Q2_TO)
    assert not row.changed_since_sent
    late = event(me_officer, datetime.date(2026, 6, 1), "Reported late", total=12)
    services.link_event(membership=me_officer, grant=grant, event=late)
    (row,) = selectors.results_for(grant, Q2_FROM, Q2_TO)
    assert row.changed_since_sent and row.sent_value == "50" and row.value == 62


def test_sub_grants_stay_within_their_grant(me_officer, grant):
    with pytest.raises(ValidationError, match="more than the grant"):
        services.create_grant(
            membership=me_officer,
            donor=grant.donor,
            reference="G-1-S",
            title="Partner",
            amount=100001,
            currency="USD",
            starts_on=grant.starts_on,
            ends_on=grant.ends_on,
            parent=grant,
            partner_name="Partner NGO",
        )
    with pytest.raises(ValidationError, match="within the period"):
        services.create_grant(
            membership=me_officer,
            donor=grant.donor,
            reference="G-1-S",
            title="Partner",
            amount=100,
            currency="USD",
            starts_on=grant.starts_on,
            ends_on=datetime.date(2027, 3, 1),
            parent=grant,
            partner_name="Partner NGO",
        )


def test_budget_and_spending_refuse_impossible_amounts(me_officer, grant):
    with pytest.raises(ValidationError, match="more than the grant"):
        services.add_budget_line(membership=me_officer, grant=grant, name="All", amount=200000)
    line = services.add_budget_line(membership=me_officer, grant=grant, name="Tours", amount=500)
    with pytest.raises(ValidationError):
        services.record_spending(
            membership=me_officer, budget_line=line, spent_on=datetime.date(2026, 3, 1), amount=-5
        )
    with pytest.raises(ValidationError, match="outside the grant"):
        services.record_spending(
            membership=me_officer, budget_line=line, spent_on=datetime.date(2027, 3, 1), amount=5
        )
    services.record_spending(
        membership=me_officer, budget_line=line, spent_on=datetime.date(2026, 3, 1), amount=120
    )
    assert selectors.grant_budget(grant)["spent"] == Decimal("120.00")
