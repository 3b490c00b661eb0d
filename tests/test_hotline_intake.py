"""Logging calls: drafts, validation, follow-up queue, one case per call."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.hotline.models import Call
from apps.hotline.services import CallAlreadyConverted, open_case_from_call, save_call


@pytest.fixture
def operator(org, make_member):
    return make_member(org, "operator")


def _call_form(**over):
    data = {
        "channel": "phone",
        "direction": "incoming",
        "caller_category": "relative",
        "urgency": "urgent",
        "topics": ["missing_relative"],
        "caller_region": "osh",
        "language": "ky",
        "summary": "Brother has not called from Almaty for three weeks",
        "answer": "Explained how to report to the consulate; will call back",
        "outcome": "follow_up",
        "follow_up_due": timezone.localdate().isoformat(),
        "duration_minutes": "6",
    }
    data.update(over)
    return data


def test_operator_logs_a_call_and_it_is_queued(client, login, operator):
    login(operator)
    r = client.post("/hotline/new/", _call_form())
    assert r.status_code == 302
    call = Call.objects.get()
    assert not call.is_draft and call.topics == ["missing_relative"]
    home = client.get("/hotline/").content.decode()
    assert call.reference in home


def test_emergencies_come_first_in_the_queue(operator):
    from apps.hotline.selectors import operator_queue

    today = timezone.localdate()
    base = {"topics": ["other"], "outcome": "follow_up", "caller_category": "anonymous"}
    routine = save_call(membership=operator, finish=True,
                        data={**base, "urgency": "routine", "follow_up_due": today - timedelta(days=2)})  # fmt: skip
    emergency = save_call(membership=operator, finish=True,
                          data={**base, "urgency": "emergency", "follow_up_due": today})  # fmt: skip
    save_call(membership=operator, finish=True,
              data={**base, "urgency": "emergency", "follow_up_due": today + timedelta(days=1)})  # fmt: skip
    assert list(operator_queue(operator)) == [emergency, routine]


def test_invalid_call_keeps_everything_typed(client, login, operator):
    login(operator)
    r = client.post("/hotline/new/", _call_form(outcome="follow_up", follow_up_due="", topics=[]))
    assert r.status_code == 400
    body = r.content.decode()
    assert "Give the date of the follow-up." in body and "Choose at least one topic." in body
    assert "Brother has not called from Almaty" in body


def test_anonymous_call_keeps_no_identity(client, login, operator):
    login(operator)
    r = client.post("/hotline/new/", _call_form(caller_category="anonymous", caller_name="Асан"))
    assert r.status_code == 400
    assert "An anonymous call keeps no name or phone" in r.content.decode()


def test_autosave_keeps_a_draft_and_finishing_uses_it(client, login, operator):
    login(operator)
    r = client.post("/hotline/autosave/", {"summary": "Caller worried about a job offer in Dubai",
                                            "topics": ["agency_check"]})  # fmt: skip
    assert r.status_code == 200
    draft = Call.objects.get()
    assert draft.is_draft and draft.summary.startswith("Caller worried")
    assert f'value="{draft.pk}"' in r.content.decode()
    # Tab closed: the draft is listed on the desk and can be finished.
    assert draft.reference in client.get("/hotline/").content.decode()
    r = client.post("/hotline/new/", _call_form(call_id=draft.pk, topics=["agency_check"],
                                               outcome="information_given", follow_up_due=""))  # fmt: skip
    assert r.status_code == 302
    assert Call.objects.count() == 1
    draft.refresh_from_db()
    assert not draft.is_draft


def test_open_case_from_call_carries_facts_and_only_once(client, login, operator):
    login(operator)
    client.post("/hotline/new/", _call_form(caller_category="person_concerned", caller_name="Асанова Айгүл",
                                            caller_phone="+996 700 111222", topics=["trafficking_report"],
                                            outcome="information_given", follow_up_due=""))  # fmt: skip
    call = Call.objects.get()
    page = client.get(f"/hotline/{call.pk}/open-case/").content.decode()
    assert 'value="Айгүл"' in page and 'value="Асанова"' in page
    r = client.post(f"/hotline/{call.pk}/open-case/",
                    {"family_name": "Асанова", "given_name": "Айгүл", "sex": "F", "case_type": "trafficking"})  # fmt: skip
    assert r.status_code == 302
    call.refresh_from_db()
    case = call.case
    assert case.case_type == "trafficking" and case.person.phones == ["+996 700 111222"]
    assert case.person.region == "osh"
    assert "three weeks" in case.notes.get().body
    # Opening again goes to the existing case instead of making a second one.
    again = client.get(f"/hotline/{call.pk}/open-case/")
    assert again.status_code == 302 and again["Location"] == f"/cases/{case.pk}/"


def test_second_conversion_is_refused(operator, make_person):
    call = save_call(membership=operator, finish=True,
                     data={"topics": ["danger_now"], "outcome": "information_given"})  # fmt: skip
    stale_copy = Call.objects.get(pk=call.pk)
    first = open_case_from_call(
        membership=operator, call=call, person_data={"given_name": "Бермет"}
    )
    # The second operator loaded the call before the first one converted it.
    with pytest.raises(CallAlreadyConverted):
        open_case_from_call(
            membership=operator, call=stale_copy, person_data={"given_name": "Бермет"}
        )
    from apps.cases.models import Case
    from apps.people.models import Person

    assert Case.objects.count() == 1 and Person.objects.count() == 1
    assert Call.objects.get(pk=call.pk).case == first


def test_calls_are_scoped_to_the_organisation(client, login, operator, other_org, make_member):
    call = save_call(
        membership=operator, finish=True, data={"topics": ["other"], "outcome": "no_action"}
    )
    stranger = make_member(other_org, "operator")
    login(stranger)
    assert client.get(f"/hotline/{call.pk}/").status_code == 404
    assert call.reference not in client.get("/hotline/").content.decode()


@pytest.mark.parametrize("role", ["monitor", "auditor", "national_coordinator", "lawyer"])
def test_roles_without_calls_get_403(client, login, org, make_member, role):
    login(make_member(org, role))
    assert client.get("/hotline/").status_code == 403
    assert client.get("/hotline/new/").status_code == 403
