"""Dates that cannot be true are refused by one rule per kind of date, with a message, in
forms, the API and imports alike; the statistics never see them."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.assistance.services import record_delivered_service, save_needs_assessment
from apps.cases.models import Case, Task
from apps.cases.services import add_task
from apps.statistics.counting import case_counts
from tests.test_register_import import rejected

LONG_AGO = "1800-05-01"
AHEAD = "2035-05-01"


def _case_form(opened_on, **over):
    return {"case_type": "trafficking", "opened_on": opened_on, **over}


@pytest.mark.parametrize(
    "value,message",
    [(LONG_AGO, "before 1900"), (AHEAD, "in the future")],
)
def test_case_form_refuses_a_case_opened_in_1800_or_2035(
    client, login, caseworker, make_person, value, message
):
    person = make_person(caseworker)
    login(caseworker)
    r = client.post(f"/cases/open/{person.pk}/", _case_form(value))
    assert r.status_code == 200
    body = r.content.decode()
    assert message in body
    assert 'href="#id_opened_on"' in body  # the summary links the message to the field
    assert not Case.objects.exists()


def test_a_case_opened_before_the_person_was_born_is_refused(
    client, login, caseworker, make_person
):
    person = make_person(caseworker, birth_date="1994-05-17")
    login(caseworker)
    r = client.post(f"/cases/open/{person.pk}/", _case_form("1990-01-10"))
    assert "before the person was born (1994)" in r.content.decode()
    r = client.post(
        f"/cases/open/{person.pk}/",
        _case_form(timezone.localdate().isoformat(), identified_on="1993-12-31"),
    )
    assert "before the person was born" in r.content.decode()
    assert not Case.objects.exists()


@pytest.mark.parametrize("field", ["opened_on", "identified_on"])
@pytest.mark.parametrize("value", [LONG_AGO, AHEAD])
def test_api_refuses_impossible_case_dates_naming_the_field(
    client, login, caseworker, make_person, field, value
):
    person = make_person(caseworker)
    login(caseworker)
    r = client.post(
        "/api/v1/cases/",
        {"person": person.pk, "case_type": "trafficking", field: value},
        content_type="application/json",
    )
    assert r.status_code == 400
    assert field in r.json()
    assert not Case.objects.exists()


def test_api_refuses_a_case_edited_to_1800(client, login, caseworker, make_person, make_case):
    case = make_case(caseworker, make_person(caseworker))
    login(caseworker)
    r = client.patch(
        f"/api/v1/cases/{case.pk}/",
        {"opened_on": LONG_AGO, "version": case.version},
        content_type="application/json",
    )
    assert r.status_code == 400 and "opened_on" in r.json()
    case.refresh_from_db()
    assert case.opened_on == timezone.localdate()


@pytest.mark.parametrize("value", [LONG_AGO, AHEAD])
def test_register_import_refuses_a_case_opened_in_1800_or_2035(org, make_member, value):
    admin = make_member(org, "org_admin")
    plan = rejected(
        admin,
        f"R-1,Асанова,Бермет,trafficking,{value}",
        header="external_id,family_name,given_name,case_type,opened_on",
    )
    [error] = plan.report.errors
    assert error.column == "opened_on"
    assert "1900" in error.reason or "future" in error.reason


def test_register_import_refuses_a_case_opened_before_birth(org, make_member):
    admin = make_member(org, "org_admin")
    plan = rejected(
        admin,
        "R-1,Асанова,Бермет,2001-03,trafficking,2000-12-01",
        header="external_id,family_name,given_name,birth_date,case_type,opened_on",
    )
    [error] = plan.report.errors
    assert error.column == "opened_on" and "before the person was born" in error.reason


@pytest.mark.parametrize("value", [date(1800, 5, 1), date(2035, 5, 1)])
def test_services_delivered_and_needs_assessed_only_in_the_past(
    caseworker, make_person, make_case, value
):
    case = make_case(caseworker, make_person(caseworker))
    with pytest.raises(ValidationError) as refused:
        record_delivered_service(
            membership=caseworker,
            case=case,
            data={"service_type": "medical", "delivered_on": value},
        )
    assert "delivered_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        save_needs_assessment(
            membership=caseworker, case=case, stage="after_return", needs={}, assessed_on=value
        )
    assert "assessed_on" in refused.value.message_dict


def test_a_task_due_before_2000_is_refused_but_next_year_is_fine(
    client, login, caseworker, make_person, make_case
):
    case = make_case(caseworker, make_person(caseworker))
    login(caseworker)
    r = client.post(f"/cases/{case.pk}/tasks/", {"title": "Call back", "due_on": "1999-12-31"})
    assert r.status_code == 400 and "before 2000" in r.content.decode()
    assert not Task.objects.exists()
    next_year = timezone.localdate().replace(day=1).replace(year=timezone.localdate().year + 1)
    add_task(membership=caseworker, case=case, title="Call back", due_on=next_year)
    assert Task.objects.get().due_on == next_year


def test_the_statistics_never_count_a_refused_date(
    client, login, caseworker, make_person, make_case
):
    person = make_person(caseworker)
    make_case(caseworker, person)
    login(caseworker)
    for value in (LONG_AGO, AHEAD):
        client.post(f"/cases/open/{person.pk}/", _case_form(value))
        client.post(
            "/api/v1/cases/",
            {"person": person.pk, "case_type": "trafficking", "opened_on": value},
            content_type="application/json",
        )
    counts = case_counts([caseworker.organization_id], date(1700, 1, 1), date(2100, 12, 31))
    assert sum(counts["opened_by_type"].values()) == 1
