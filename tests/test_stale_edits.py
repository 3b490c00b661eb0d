"""Two users saving the same record: the second save is refused and nothing of it is
half-written. Where the rest is proved:

- people and cases through their forms and the API: tests/test_concurrent_edit.py;
- violations (an event's facts): tests/test_violations_incident.py
  (test_event_is_changed_and_a_stale_form_is_refused);
- grants: tests/test_grants_edit.py (test_grant_edit_saves_audits_and_refuses_a_stale_or_bad_edit).

Here: a person's refused save leaves the blind indexes as the first save wrote them, a
case's refused save through the service, and a legal stage's decision recorded twice."""

# The shared fixtures of tests/legal_fixtures.py are imported by name, then used as
# arguments, which ruff takes for redefinitions.
# ruff: noqa: F811

import pytest

from apps.cases.models import Case
from apps.people.selectors import people_with_phone, search_people
from apps.people.services import StaleEdit, update_person
from tests.legal_fixtures import (  # noqa: F401
    days_ago,
    lawyer,
    legal_reference,
    proceeding,
    torture_case,
)


def test_a_refused_person_save_leaves_the_index_as_the_first_save_wrote_it(
    org, caseworker, make_member, make_person
):
    from apps.people.models import Person

    person = make_person(caseworker, phones=["+996 555 111 111"])
    colleague = make_member(org, "case_worker")
    # Both opened the form at version 1.
    mine = Person.objects.get(pk=person.pk)
    theirs = Person.objects.get(pk=person.pk)
    update_person(
        membership=caseworker,
        person=mine,
        data={"family_name": "Осмонова", "phones": ["+996 700 222 222"]},
        expected_version=1,
    )
    with pytest.raises(StaleEdit):
        update_person(
            membership=colleague,
            person=theirs,
            data={"family_name": "Бакирова", "phones": ["+996 777 333 333"]},
            expected_version=1,
        )

    saved = Person.objects.get(pk=person.pk)
    assert (saved.family_name, saved.phones, saved.version) == (
        "Осмонова",
        ["+996 700 222 222"],
        2,
    )
    # The index follows the first save only: nothing of the refused one is findable.
    assert people_with_phone(caseworker, "0700222222") == [saved]
    assert people_with_phone(caseworker, "0777333333") == []
    assert people_with_phone(caseworker, "0555111111") == []
    assert search_people(caseworker, "Осмонова Айгүл")[:1] == [saved]
    assert saved not in search_people(caseworker, "Бакирова Айгүл")


def test_a_refused_case_save_changes_nothing(org, caseworker, make_member, make_person, make_case):
    from apps.cases.services import update_case

    case = make_case(caseworker, make_person(caseworker))
    colleague = make_member(org, "case_worker")
    mine, theirs = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    update_case(
        membership=caseworker, case=mine, data={"case_type": "labour_rights"}, expected_version=1
    )
    with pytest.raises(StaleEdit):
        update_case(
            membership=colleague, case=theirs, data={"case_type": "legal_aid"}, expected_version=1
        )
    case.refresh_from_db()
    assert (case.case_type, case.version) == ("labour_rights", 2)


def test_a_stage_decision_recorded_by_a_colleague_first_is_not_overwritten(
    org, make_member, lawyer, proceeding, login
):
    from django.test import Client

    from apps.legal import services

    stage = services.add_stage(
        membership=lawyer,
        proceeding=proceeding,
        data={"stage_type": "first_instance", "started_on": days_ago(60)},
    )
    colleague = make_member(org, "lawyer")
    first, second = Client(), Client()
    login(lawyer, first)
    login(colleague, second)
    url = f"/legal/proceedings/{proceeding.pk}/stages/{stage.pk}/decision/"
    prefix = f"decision-{stage.pk}"

    def form(decision, body):
        return {
            f"{prefix}-decision": decision,
            f"{prefix}-decided_on": days_ago(20).isoformat(),
            f"{prefix}-deciding_body": body,
            f"{prefix}-verdict_unavailable_reason": "Not yet handed out",
        }

    # Both had the proceeding page open; the first lawyer submits first.
    assert first.post(url, form("acquittal", "Pervomaisky district court")).status_code == 302
    refused = second.post(url, form("conviction", "Oktyabrsky district court"))

    assert refused.status_code == 400
    page = refused.content.decode()
    assert "already has its decision" in page
    assert "Oktyabrsky district court" in page  # what the second lawyer typed is kept
    stage.refresh_from_db()
    assert (stage.decision, stage.deciding_body) == ("acquittal", "Pervomaisky district court")
    assert stage.decided_on == days_ago(20)
