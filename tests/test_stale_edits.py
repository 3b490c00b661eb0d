"""Two users saving the same record: the second save is refused and nothing of it is
half-written. Where the rest is proved:

- people and cases through their forms and the API: tests/test_concurrent_edit.py;
- violations (an event's facts): tests/test_violations_incident.py
  (test_event_is_changed_and_a_stale_form_is_refused);
- grants: tests/test_grants_edit.py (test_grant_edit_saves_audits_and_refuses_a_stale_or_bad_edit).

Here: a person's refused save leaves the blind indexes as the first save wrote them, a
case's refused save through the service, and the legal outcomes two lawyers may record at
once: a stage's decision, a protection request's decision, a hearing's result, a deadline
met, a witness who stopped taking part and a charge's verdict."""

# The shared fixtures of tests/legal_fixtures.py are imported by name, then used as
# arguments, which ruff takes for redefinitions.
# ruff: noqa: F811

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from apps.cases.models import Case
from apps.people.selectors import people_with_phone, search_people
from apps.people.services import StaleEdit, update_person
from tests.legal_fixtures import (  # noqa: F401
    days_ago,
    lawyer,
    legal_reference,
    proceeding,
    torture_case,
    trial_with_charge,
)

STALE = "Someone else saved this record"
JSON = "application/json"


@pytest.fixture
def colleague(org, make_member, proceeding):
    """A second lawyer of the same organisation, who leads the proceeding (the first is
    the case's lawyer): both may work on it."""
    member = make_member(org, "lawyer", email="second.lawyer@test.example")
    proceeding.lawyer = member.user
    proceeding.save(update_fields=["lawyer"])
    return member


@pytest.fixture
def two_lawyers(lawyer, colleague, login):
    """Two browsers, one per lawyer, both signed in."""
    first, second = Client(), Client()
    return login(lawyer, first), login(colleague, second)


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
    lawyer, proceeding, two_lawyers
):
    from apps.legal import services

    stage = services.add_stage(
        membership=lawyer,
        proceeding=proceeding,
        data={"stage_type": "first_instance", "started_on": days_ago(60)},
    )
    first, second = two_lawyers
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


def test_a_protection_decision_recorded_by_a_colleague_first_is_not_overwritten(
    lawyer, proceeding, two_lawyers
):
    from apps.legal import services

    item = services.request_protection(
        membership=lawyer, proceeding=proceeding, measure="interpreter", requested_on=days_ago(10)
    )
    first, second = two_lawyers
    url = f"/legal/proceedings/{proceeding.pk}/protection/{item.pk}/"
    prefix = f"protection-{item.pk}"

    def form(status, by):
        return {
            f"{prefix}-status": status,
            f"{prefix}-decided_by": by,
            f"{prefix}-decided_on": days_ago(3).isoformat(),
        }

    # Both had the proceeding page open with the request undecided.
    assert first.post(url, form("granted", "Investigator Asanov")).status_code == 302
    refused = second.post(url, form("refused", "Prosecutor Bekova"))

    assert refused.status_code == 400
    page = refused.content.decode()
    assert STALE in page
    assert 'value="Prosecutor Bekova"' in page  # what the second lawyer typed is kept
    item.refresh_from_db()
    assert (item.status, item.decided_by) == ("granted", "Investigator Asanov")


def test_the_api_refuses_to_decide_a_protection_request_twice(lawyer, proceeding, two_lawyers):
    from apps.legal import services

    item = services.request_protection(
        membership=lawyer, proceeding=proceeding, measure="interpreter", requested_on=days_ago(10)
    )
    first, second = two_lawyers
    url = f"/api/v1/proceedings/{proceeding.pk}/protection/{item.pk}/decision/"
    body = {
        "status": "granted",
        "decided_by": "Investigator",
        "decided_on": days_ago(2).isoformat(),
    }
    assert first.post(url, body, content_type=JSON).status_code == 200
    r = second.post(url, {**body, "status": "refused"}, content_type=JSON)
    assert r.status_code == 400 and STALE in r.json()["version"][0]
    item.refresh_from_db()
    assert item.status == "granted"


def _held_hearing(lawyer, proceeding):
    from apps.legal import services

    return services.schedule_hearing(
        membership=lawyer,
        proceeding=proceeding,
        data={
            "starts_at": timezone.now() - timedelta(hours=3),
            "court": "Pervomaisky district court",
            "status": "held",
        },
    )


def _seen_on_page(client, proceeding, hearing) -> str:
    """The outcome tag the proceeding page put in the hearing's update form."""
    page = client.get(f"/legal/proceedings/{proceeding.pk}/").content.decode()
    match = re.search(rf'name="result-{hearing.pk}-seen" value="([0-9a-f]+)"', page)
    assert match, "the update form carries what it showed"
    return match.group(1)


def test_a_hearing_result_recorded_by_a_colleague_first_is_not_overwritten(
    lawyer, proceeding, two_lawyers
):
    hearing = _held_hearing(lawyer, proceeding)
    first, second = two_lawyers
    # Both lawyers open the proceeding page before either saves.
    seen_first, seen_second = (_seen_on_page(c, proceeding, hearing) for c in two_lawyers)
    url = f"/legal/proceedings/{proceeding.pk}/hearings/{hearing.pk}/"
    prefix = f"result-{hearing.pk}"

    def form(result, next_on, seen):
        return {
            f"{prefix}-status": "held",
            f"{prefix}-result": result,
            f"{prefix}-next_on": next_on.isoformat(),
            f"{prefix}-seen": seen,
        }

    assert (
        first.post(url, form("Postponed for the expert", days_ago(-14), seen_first)).status_code
        == 302
    )
    refused = second.post(url, form("Witness heard, adjourned", days_ago(-7), seen_second))

    assert refused.status_code == 400
    page = refused.content.decode()
    assert STALE in page
    assert "Witness heard, adjourned" in page  # what the second lawyer typed is kept
    hearing.refresh_from_db()
    assert (hearing.result, hearing.next_on) == ("Postponed for the expert", days_ago(-14))

    # Opening the page again shows the colleague's result; a correction from there is saved.
    fresh = _seen_on_page(second, proceeding, hearing)
    assert (
        second.post(
            url, form("Postponed for the expert's report", days_ago(-14), fresh)
        ).status_code
        == 302
    )
    hearing.refresh_from_db()
    assert hearing.result == "Postponed for the expert's report"


def test_the_api_refuses_a_hearing_result_over_a_colleagues_change(lawyer, proceeding, two_lawyers):
    hearing = _held_hearing(lawyer, proceeding)
    first, second = two_lawyers
    url = f"/api/v1/hearings/{hearing.pk}/"
    version = second.get(url).json()["version"]
    ok = first.patch(url, {"status": "held", "result": "Adjourned", "version": version},
                     content_type=JSON)  # fmt: skip
    assert ok.status_code == 200 and ok.json()["version"] != version
    stale = second.patch(url, {"status": "held", "result": "Verdict announced", "version": version},
                         content_type=JSON)  # fmt: skip
    assert stale.status_code == 400 and STALE in stale.json()["version"][0]
    hearing.refresh_from_db()
    assert hearing.result == "Adjourned"


def test_a_deadline_met_twice_keeps_the_first_day(lawyer, proceeding, two_lawyers):
    from apps.legal import services

    stage = services.add_stage(
        membership=lawyer,
        proceeding=proceeding,
        data={"stage_type": "first_instance", "started_on": days_ago(60)},
    )
    deadline = services.add_deadline(
        membership=lawyer,
        proceeding=proceeding,
        rule=services.DeadlineRule.objects.get(code="appeal"),
        counted_from=days_ago(5),
        stage=stage,
    )
    first, second = two_lawyers
    # A colleague marked it met two days ago (the day the appeal was filed).
    services.meet_deadline(membership=lawyer, deadline=deadline, met_on=days_ago(2))
    # The second lawyer clicks "Met" on a page opened before.
    url = f"/legal/proceedings/{proceeding.pk}/deadlines/{deadline.pk}/met/"
    r = second.post(url, follow=True)
    assert r.status_code == 200
    assert "already marked as met" in r.content.decode()
    deadline.refresh_from_db()
    assert deadline.met_on == days_ago(2)


def test_a_witness_stopped_by_a_colleague_first_keeps_their_day(lawyer, proceeding, two_lawyers):
    from apps.legal import services

    witness = services.add_participant(
        membership=lawyer, proceeding=proceeding, data={"name": "Witness A", "role": "witness"}
    )
    first, second = two_lawyers
    url = f"/legal/proceedings/{proceeding.pk}/participants/{witness.pk}/stop/"
    field = f"stop-{witness.pk}-stopped_on"
    assert first.post(url, {field: days_ago(4).isoformat()}).status_code == 302
    refused = second.post(url, {field: days_ago(1).isoformat()})

    assert refused.status_code == 400
    page = refused.content.decode()
    assert STALE in page and f'value="{days_ago(1).isoformat()}"' in page
    witness.refresh_from_db()
    assert (witness.takes_part, witness.stopped_on) == (False, days_ago(4))


def test_a_verdict_recorded_by_a_colleague_first_is_not_overwritten(lawyer, colleague, proceeding):
    from apps.legal import services
    from apps.legal.models import Charge

    trial, charge = trial_with_charge(lawyer, proceeding, started_on=days_ago(90))
    # The second lawyer's copy of the charge was read while it had no verdict yet.
    theirs = Charge.objects.get(pk=charge.pk)
    assert not hasattr(theirs, "verdict")
    services.record_verdict(membership=lawyer, charge=Charge.objects.get(pk=charge.pk),
                            stage=trial, outcome="acquittal", decided_on=days_ago(10))  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.record_verdict(membership=colleague, charge=theirs, stage=trial,
                                outcome="dismissal", decided_on=days_ago(9))  # fmt: skip
    assert "already has a verdict" in str(refused.value)
    charge.refresh_from_db()
    assert charge.verdict.outcome == "acquittal"


def test_a_verdict_form_sent_after_a_colleagues_verdict_says_so(lawyer, proceeding, two_lawyers):
    """The second lawyer's page still offered the charge: her form is refused with the
    reason (not "Select a valid choice") and what she typed is kept."""

    trial, charge = trial_with_charge(lawyer, proceeding, started_on=days_ago(90))
    first, second = two_lawyers
    page = second.get(f"/legal/proceedings/{proceeding.pk}/").content.decode()
    assert f'value="{charge.pk}"' in page  # offered while it has no verdict
    url = f"/legal/proceedings/{proceeding.pk}/verdicts/"

    def verdict(outcome, day, ground):
        return {
            "verdict-charge": charge.pk,
            "verdict-stage": trial.pk,
            "verdict-outcome": outcome,
            "verdict-decided_on": day.isoformat(),
            "verdict-ground": ground,
        }

    assert first.post(url, verdict("acquittal", days_ago(10), "")).status_code == 302
    refused = second.post(url, verdict("dismissal", days_ago(9), "Срок давности истёк"))
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "already has a verdict" in html and "Select a valid choice" not in html
    assert "Срок давности истёк" in html
    charge.refresh_from_db()
    assert charge.verdict.outcome == "acquittal"
    # Once it has one, the charge is no longer offered.
    page = second.get(f"/legal/proceedings/{proceeding.pk}/").content.decode()
    assert (
        f'<option value="{charge.pk}"'
        not in page.split('name="verdict-charge"')[1].split("</select>")[0]
    )
