"""Colleagues appear by their name, not their e-mail address, and work is given only to
the roles that work on cases."""

import datetime
import re

import pytest
from django.utils import timezone

from apps.accounts.roles import CASE_WORK_ROLES, Role
from apps.hotline.services import open_case_from_call, save_call


def _named(membership, name):
    membership.user.full_name = name
    membership.user.save(update_fields=["full_name"])
    return membership


@pytest.fixture
def worker(org, make_member):
    return _named(make_member(org, "case_worker"), "Гүлнара Асанова")


@pytest.fixture
def lawyer(org, make_member):
    return _named(make_member(org, "lawyer"), "Эрлан Мамытов")


@pytest.fixture
def admin(org, make_member):
    return _named(make_member(org, "org_admin"), "Айнура Токтосунова")


@pytest.fixture
def operator(org, make_member):
    return _named(make_member(org, "operator"), "Бакыт Жумабеков")


@pytest.fixture
def not_case_workers(org, make_member):
    return [make_member(org, role) for role in ("monitor", "me_officer", "auditor")]


@pytest.fixture
def case(worker, lawyer, make_person, make_case):
    return make_case(worker, make_person(worker), assigned_to=lawyer.user)


# Names ---------------------------------------------------------------------------------


def test_case_page_names_the_assigned_worker_and_task_assignee(client, login, worker, lawyer, case):
    login(worker)
    client.post(
        f"/cases/{case.pk}/tasks/", {"title": "Call the embassy", "assigned_to": lawyer.user_id}
    )
    client.post(f"/cases/{case.pk}/notes/", {"body": "First meeting"})
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Эрлан Мамытов" in page  # assigned worker and task assignee
    assert "Гүлнара Асанова" in page  # author of the note, history
    assert lawyer.user.email not in page


def test_case_list_names_the_assigned_worker(client, login, worker, lawyer, case):
    login(worker)
    page = client.get("/cases/").content.decode()
    assert "Эрлан Мамытов" in page and lawyer.user.email not in page


def test_header_names_the_signed_in_user(client, login, worker):
    login(worker)
    page = client.get("/").content.decode()
    assert "Гүлнара Асанова" in page and worker.user.email not in page


def test_account_without_a_name_is_shown_by_its_address(client, login, worker, make_member, org):
    nameless = make_member(org, "case_worker", email="nameless@test.example")
    login(nameless)
    assert "nameless@test.example" in client.get("/").content.decode()


def test_audit_trail_names_who_did_it_and_finds_them_by_name(client, login, admin, worker, case):
    login(admin)
    page = client.get("/audit/").content.decode()
    assert "Гүлнара Асанова" in page  # who opened the case
    found = client.get("/audit/", {"user": "Асанова"}).content.decode()
    rows = found[found.index("<tbody") : found.index("</tbody>")]
    assert "Гүлнара Асанова" in rows and "Айнура Токтосунова" not in rows


def test_call_page_names_the_operator(client, login, operator):
    call = save_call(
        membership=operator,
        finish=True,
        data={"channel": "phone", "caller_category": "anonymous", "topics": ["safe_migration"],
              "urgency": "routine", "outcome": "information_given", "language": "ky"},
    )  # fmt: skip
    login(operator)
    page = client.get(f"/hotline/{call.pk}/").content.decode()
    assert "Бакыт Жумабеков" in page and operator.user.email not in page


def test_referral_page_names_who_sent_it(client, login, worker, case, make_org, make_member):
    from apps.referrals.services import accept_referral, create_referral

    shelter = make_org("shelter-a", type="shelter")
    receiver = make_member(shelter, "case_worker")
    referral = create_referral(
        membership=worker,
        case=case,
        to_organization=shelter,
        services=["shelter"],
        shared_fields=["case_type"],
        consent_valid_until=timezone.localdate() + datetime.timedelta(days=90),
        purpose="Размещение в приюте",
        confirm_unlisted=True,
    )
    accept_referral(membership=receiver, referral=referral)
    login(receiver)
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Гүлнара Асанова" in page and worker.user.email not in page


# Who may be given work -----------------------------------------------------------------


def test_case_work_roles_are_those_that_change_cases_and_read_their_notes():
    assert set(CASE_WORK_ROLES) == {Role.CASE_WORKER, Role.LAWYER, Role.ORG_ADMIN}


def test_assigned_worker_picker_lists_only_roles_that_work_on_cases(
    client, login, worker, lawyer, admin, operator, not_case_workers, case
):
    login(worker)
    page = client.get(f"/cases/{case.pk}/edit/").content.decode()
    picker = page[
        page.index('name="assigned_to"') : page.index("</select>", page.index('name="assigned_to"'))
    ]
    for m in (worker, lawyer, admin):
        assert f'value="{m.user_id}"' in picker
        assert m.user.full_name in picker  # by name, not address
    for m in (operator, *not_case_workers):
        assert f'value="{m.user_id}"' not in picker


def test_hand_over_picker_of_a_call_lists_only_roles_that_work_on_cases(
    client, login, worker, operator, not_case_workers
):
    call = save_call(
        membership=operator,
        finish=True,
        data={"channel": "phone", "caller_category": "anonymous", "topics": ["safe_migration"],
              "urgency": "routine", "outcome": "information_given", "language": "ky"},
    )  # fmt: skip
    login(operator)
    page = client.get(f"/hotline/{call.pk}/open-case/").content.decode()
    # Only the picker's own options count (other inputs of the page carry numbers too).
    picker = re.search(r'<select name="assigned_to".*?</select>', page, re.S).group(0)
    assert f'value="{worker.user_id}"' in picker and "Гүлнара Асанова" in picker
    for m in (operator, *not_case_workers):
        assert f'value="{m.user_id}"' not in picker


def test_a_monitor_cannot_be_given_a_case_through_the_api(
    client, login, worker, case, not_case_workers
):
    monitor = not_case_workers[0]
    login(worker)
    r = client.patch(
        f"/api/v1/cases/{case.pk}/",
        {"assigned_to": monitor.user_id, "version": case.version},
        content_type="application/json",
    )
    assert r.status_code == 400
    case.refresh_from_db()
    assert case.assigned_to_id != monitor.user_id


def test_a_task_cannot_be_given_to_an_operator(client, login, worker, operator, case):
    login(worker)
    r = client.post(
        f"/cases/{case.pk}/tasks/", {"title": "Call back", "assigned_to": operator.user_id}
    )
    assert r.status_code == 400
    assert not case.tasks.exists()


def test_operator_opening_a_case_from_a_call_leaves_it_for_a_worker(operator, worker):
    call = save_call(
        membership=operator,
        finish=True,
        data={"channel": "phone", "caller_category": "person_concerned", "topics": ["trafficking_report"],
              "urgency": "urgent", "outcome": "information_given", "language": "ky"},
    )  # fmt: skip
    case = open_case_from_call(membership=operator, call=call, person_data={"given_name": "Айгүл"})
    assert case.assigned_to is None
    handed = save_call(
        membership=operator,
        finish=True,
        data={"channel": "phone", "caller_category": "person_concerned", "topics": ["trafficking_report"],
              "urgency": "urgent", "outcome": "information_given", "language": "ky"},
    )  # fmt: skip
    case = open_case_from_call(
        membership=operator,
        call=handed,
        person_data={"given_name": "Асель"},
        case_data={"assigned_to": worker.user},
    )
    assert case.assigned_to == worker.user
