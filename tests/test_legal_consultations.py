"""The consultation log: quick entry for a named or anonymous client, and per-year
counts of people helped that reconcile with the log."""

# The shared fixtures of tests/legal_fixtures.py are imported by name, then used as
# arguments, which ruff takes for redefinitions.
# ruff: noqa: F811

from datetime import date

import pytest

from apps.legal import selectors, services
from apps.legal.models import Consultation
from tests.legal_fixtures import lawyer, legal_admin, legal_reference  # noqa: F401

pytestmark = pytest.mark.django_db


def _log(m, given_on, person=None, **kw):
    return services.record_consultation(
        membership=m,
        data={"given_on": given_on, "channel": "phone", "legal_area": "labour_abroad",
              "question": "Паспорт отобрал работодатель", "outcome": "advice", "person": person,
              **kw},
    )  # fmt: skip


def test_people_helped_per_year_reconcile_with_the_log(lawyer, make_person):
    a = make_person(lawyer, given_name="Асел")
    b = make_person(lawyer, given_name="Бермет")
    _log(lawyer, date(2025, 3, 1), a)
    _log(lawyer, date(2025, 4, 1), a)  # the same person twice in a year counts once
    _log(lawyer, date(2025, 5, 1), b)
    _log(lawyer, date(2025, 6, 1), sex="F", age_band="18-29", region="osh")
    _log(lawyer, date(2026, 1, 5), a)
    years = {y.year: y for y in selectors.people_helped_by_year(lawyer)}
    assert (years[2025].consultations, years[2025].people) == (4, 3)
    assert (years[2026].consultations, years[2026].people) == (1, 1)
    assert sum(y.consultations for y in years.values()) == Consultation.objects.count()


def test_named_client_takes_sex_and_region_from_the_person(lawyer, make_person):
    person = make_person(lawyer, sex="F", region="naryn")
    c = _log(lawyer, date(2025, 3, 1), person, sex="M", region="osh")
    assert (c.sex, c.region) == ("F", "naryn")


def test_quick_form_logs_and_refuses_with_everything_typed_kept(lawyer, login, make_person):
    c = login(lawyer)
    response = c.post(
        "/legal/consultations/",
        {"given_on": "2099-01-01", "channel": "phone", "legal_area": "housing",
         "question": "Квартиру отобрали", "outcome": "advice", "age_band": "unknown"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Квартиру отобрали" in response.content.decode()
    assert "in the future" in response.content.decode()
    response = c.post(
        "/legal/consultations/",
        {"given_on": "2025-01-01", "channel": "phone", "legal_area": "housing",
         "question": "Квартиру отобрали", "outcome": "advice", "age_band": "unknown",
         "person_code": "P-999999"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "No person of your organisation has this code" in response.content.decode()
    person = make_person(lawyer)
    response = c.post(
        "/legal/consultations/",
        {"given_on": "2025-01-01", "channel": "phone", "legal_area": "housing",
         "question": "Квартиру отобрали", "outcome": "advice", "age_band": "unknown",
         "person_code": person.code},
    )  # fmt: skip
    assert response.status_code == 302
    assert Consultation.objects.get().person == person


def test_lawyer_sees_own_consultations_admin_sees_all(lawyer, legal_admin, org, make_member):
    colleague = make_member(org, "lawyer", email="second.lawyer@test.example")
    _log(lawyer, date(2025, 3, 1))
    _log(colleague, date(2025, 3, 2))
    assert selectors.consultations_visible_to(lawyer).count() == 1
    assert selectors.consultations_visible_to(legal_admin).count() == 2


def test_demo_data_seeds_a_torture_proceeding_with_a_conviction(org, make_member, make_org):
    import random

    from apps.legal import demo_data
    from apps.legal.models import Proceeding, Verdict

    lawyer_member = make_member(org, "lawyer", email="lawyer@demo.example")
    demo_data.seed(
        members={"lawyer@demo.example": lawyer_member}, organizations={}, rng=random.Random(1)
    )
    p = Proceeding.objects.get(kind="criminal")
    assert [s.stage_type for s in p.stages.order_by("started_on")][:3] == [
        "complaint", "opening_decision", "challenge",
    ]  # fmt: skip
    assert Verdict.objects.get().outcome == "conviction"
    assert Consultation.objects.count() == 4
