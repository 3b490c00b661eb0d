"""Assigning work to someone outside one's organisation answers the same whether that
account exists or not: the assignee fields cannot be used to find out who has an account."""

import pytest

from apps.accounts.models import User
from apps.assistance.models import PlannedService
from apps.cases.models import Case, Task


@pytest.fixture
def outsider(other_org, make_member):
    return make_member(other_org, "case_worker", email="outsider@test.example")


@pytest.fixture
def case(caseworker, make_person, make_case):
    return make_case(caseworker, make_person(caseworker))


def _no_such_user_id():
    return (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


def test_case_api_answers_the_same_for_an_outsider_and_for_nobody(
    client, login, caseworker, outsider, case
):
    login(caseworker)
    answers = []
    for user_id in (outsider.user_id, _no_such_user_id(), "not-a-number"):
        r = client.post(
            "/api/v1/cases/",
            {"person": case.person_id, "case_type": "trafficking", "assigned_to": user_id},
            content_type="application/json",
        )
        answers.append((r.status_code, r.json()))
    assert answers[0][0] == 400
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][1] == {
        "assigned_to": [
            "Work can only be assigned to people of your organisation who work on cases."
        ]
    }
    assert Case.objects.count() == 1


def test_case_api_change_answers_the_same(client, login, caseworker, outsider, case):
    login(caseworker)
    answers = [
        client.patch(
            f"/api/v1/cases/{case.pk}/",
            {"assigned_to": user_id, "version": case.version},
            content_type="application/json",
        )
        for user_id in (outsider.user_id, _no_such_user_id())
    ]
    assert [r.status_code for r in answers] == [400, 400]
    assert answers[0].json() == answers[1].json()
    case.refresh_from_db()
    assert case.assigned_to_id != outsider.user_id


def test_planned_service_api_answers_the_same(client, login, caseworker, outsider, case):
    login(caseworker)
    answers = [
        client.post(
            "/api/v1/planned-services/",
            {"case": case.pk, "service_type": "legal", "responsible": user_id},
            content_type="application/json",
        )
        for user_id in (outsider.user_id, _no_such_user_id())
    ]
    assert [r.status_code for r in answers] == [400, 400]
    assert answers[0].json() == answers[1].json()
    assert not PlannedService.objects.exists()


def test_task_form_answers_the_same(client, login, caseworker, outsider, case):
    login(caseworker)
    errors = []
    for user_id in (outsider.user_id, _no_such_user_id()):
        r = client.post(
            f"/cases/{case.pk}/tasks/", {"title": "Call the embassy", "assigned_to": user_id}
        )
        assert r.status_code == 400
        errors.append(r.context["task_form"].errors.get_json_data())
    assert errors[0] == errors[1]
    assert not Task.objects.exists()


def test_a_colleague_can_still_be_given_work(client, login, caseworker, org, make_member, case):
    colleague = make_member(org, "lawyer")
    login(caseworker)
    r = client.post(
        "/api/v1/cases/",
        {"person": case.person_id, "case_type": "legal_aid", "assigned_to": colleague.user_id},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["assigned_to"] == colleague.user_id
