"""Tasks: overdue ones stand out, lists page, and "done" can be undone for a minute."""

import datetime
import re

from django.utils import timezone

from apps.cases.models import Task
from apps.core.models import AuditEntry


def _yesterday():
    return timezone.localdate() - datetime.timedelta(days=1)


def _task(case, title="Visit the family", **kw):
    kw.setdefault("assigned_to", case.assigned_to or case.created_by)
    return Task.objects.create(case=case, title=title, **kw)


def _row_of(html: str, title: str) -> str:
    match = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*{re.escape(title)}.*?</tr>", html, re.S)
    assert match, f"no row for {title}"
    return match.group(0)


# --- overdue ------------------------------------------------------------------------


def test_overdue_task_is_marked_overdue_in_words_on_case_page_dashboard_and_my_tasks(
    client, login, caseworker, make_person, make_case
):
    case = make_case(caseworker, make_person(caseworker), assigned_to=caseworker.user)
    _task(case, "Call the consulate", due_on=_yesterday())
    _task(case, "Book the bus", due_on=timezone.localdate() + datetime.timedelta(days=2))
    login(caseworker)
    for url in (f"/cases/{case.pk}/", "/", "/cases/tasks/"):
        html = client.get(url).content.decode()
        late = _row_of(html, "Call the consulate")
        assert 'class="task-overdue"' in late and ">overdue</span>" in late, url
        assert "overdue" not in _row_of(html, "Book the bus"), url


def test_done_task_is_never_overdue(client, login, caseworker, make_person, make_case):
    case = make_case(caseworker, make_person(caseworker))
    _task(case, "Collect the passport", due_on=_yesterday(), done_at=timezone.now())
    login(caseworker)
    assert "overdue" not in _row_of(
        client.get(f"/cases/{case.pk}/").content.decode(), "Collect the passport"
    )


def test_open_tasks_come_before_done_ones_on_the_case_page(
    client, login, caseworker, make_person, make_case
):
    case = make_case(caseworker, make_person(caseworker))
    _task(case, "Finished earlier", due_on=_yesterday(), done_at=timezone.now())
    _task(case, "Still to do", due_on=timezone.localdate() + datetime.timedelta(days=5))
    login(caseworker)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    tasks = html[html.index('id="tasks"') :]
    assert tasks.index("Still to do") < tasks.index("Finished earlier")


# --- paging -------------------------------------------------------------------------


def test_my_tasks_pages_through_all_open_tasks(client, login, caseworker, make_person, make_case):
    case = make_case(caseworker, make_person(caseworker), assigned_to=caseworker.user)
    start = timezone.localdate()
    for n in range(30):
        _task(case, f"Task number {n:02d}", due_on=start + datetime.timedelta(days=n))
    login(caseworker)
    first = client.get("/cases/tasks/").content.decode()
    second = client.get("/cases/tasks/?page=2").content.decode()
    assert "Task number 00" in first and "Task number 24" in first
    assert "Task number 25" not in first and "Page 1 of 2" in first
    assert "Task number 25" in second and "Task number 29" in second
    assert "Task number 00" not in second


def test_bad_page_numbers_are_answered_with_a_page(
    client, login, caseworker, make_person, make_case
):
    case = make_case(caseworker, make_person(caseworker), assigned_to=caseworker.user)
    for n in range(30):
        _task(case, f"Task number {n:02d}")
    login(caseworker)
    for bad in ("abc", "0", "-3", "999", "1e9", "2.5"):
        r = client.get(f"/cases/tasks/?page={bad}")
        assert r.status_code == 200, bad
        assert "Task number" in r.content.decode(), bad
        r = client.get(f"/cases/{case.pk}/?tasks_page={bad}")
        assert r.status_code == 200, bad
        assert "Task number" in r.content.decode(), bad


def test_case_page_pages_its_tasks(client, login, caseworker, make_person, make_case):
    case = make_case(caseworker, make_person(caseworker))
    start = timezone.localdate()
    for n in range(25):
        _task(case, f"Task number {n:02d}", due_on=start + datetime.timedelta(days=n))
    login(caseworker)
    first = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Task number 19" in first and "Task number 20" not in first
    assert 'href="?tasks_page=2#tasks"' in first
    second = client.get(f"/cases/{case.pk}/?tasks_page=2").content.decode()
    assert "Task number 20" in second and "Task number 24" in second


def test_my_tasks_shows_only_my_open_tasks_of_my_organisation(
    client, login, org, other_org, make_member, caseworker, make_person, make_case
):
    colleague = make_member(org, "lawyer")
    stranger = make_member(other_org, "case_worker")
    case = make_case(caseworker, make_person(caseworker))
    _task(case, "Mine and open", assigned_to=caseworker.user)
    _task(case, "Mine but done", assigned_to=caseworker.user, done_at=timezone.now())
    _task(case, "The lawyer's", assigned_to=colleague.user)
    elsewhere = make_case(stranger, make_person(stranger))
    _task(elsewhere, "Another organisation's", assigned_to=caseworker.user)
    login(caseworker)
    html = client.get("/cases/tasks/").content.decode()
    assert "Mine and open" in html
    for hidden in ("Mine but done", "The lawyer's", "Another organisation's"):
        assert hidden not in html


# --- done, and undo for a minute ------------------------------------------------------


def test_done_message_offers_undo_that_reopens_the_task(
    client, login, caseworker, make_person, make_case
):
    case = make_case(caseworker, make_person(caseworker))
    task = _task(case)
    login(caseworker)
    r = client.post(f"/cases/{case.pk}/tasks/{task.pk}/done/", follow=True)
    task.refresh_from_db()
    assert task.done_at is not None
    messages = re.search(r'<ul class="messages".*?</ul>', r.content.decode(), re.S).group(0)
    assert "Task done." in messages
    assert f'action="/cases/{case.pk}/tasks/{task.pk}/undo/"' in messages
    assert "csrfmiddlewaretoken" in messages and ">Undo</button>" in messages

    r = client.post(f"/cases/{case.pk}/tasks/{task.pk}/undo/", follow=True)
    task.refresh_from_db()
    assert task.done_at is None
    assert "The task is open again." in r.content.decode()
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.CHANGE,
        target_type="task",
        target_id=str(task.pk),
        detail__done=False,
    ).exists()


def test_undo_from_the_dashboard_returns_to_the_dashboard(
    client, login, caseworker, make_person, make_case
):
    case = make_case(caseworker, make_person(caseworker), assigned_to=caseworker.user)
    task = _task(case, "Send the documents")
    login(caseworker)
    r = client.post(f"/cases/{case.pk}/tasks/{task.pk}/done/", {"next": "dashboard"}, follow=True)
    assert r.redirect_chain[-1][0] == "/"
    assert 'name="next" value="dashboard"' in r.content.decode()
    r = client.post(f"/cases/{case.pk}/tasks/{task.pk}/undo/", {"next": "dashboard"})
    assert r.status_code == 302 and r["Location"] == "/"
    assert "Send the documents" in client.get("/").content.decode()


def test_undo_after_a_minute_is_refused_with_a_message(
    client, login, caseworker, make_person, make_case
):
    case = make_case(caseworker, make_person(caseworker))
    done_at = timezone.now() - datetime.timedelta(seconds=61)
    task = _task(case, done_at=done_at)
    login(caseworker)
    r = client.post(f"/cases/{case.pk}/tasks/{task.pk}/undo/", follow=True)
    task.refresh_from_db()
    assert task.done_at == done_at
    assert "Too late to undo" in r.content.decode()
    assert not AuditEntry.objects.filter(target_type="task", detail__done=False).exists()


def test_case_page_offers_undo_by_a_task_only_within_the_minute(
    client, login, caseworker, make_person, make_case
):
    case = make_case(caseworker, make_person(caseworker))
    _task(case, "Just done", done_at=timezone.now() - datetime.timedelta(seconds=5))
    _task(case, "Done before", done_at=timezone.now() - datetime.timedelta(seconds=61))
    login(caseworker)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert ">Undo</button>" in _row_of(html, "Just done")
    assert "Undo" not in _row_of(html, "Done before")


def test_undo_within_the_minute_is_accepted(client, login, caseworker, make_person, make_case):
    case = make_case(caseworker, make_person(caseworker))
    task = _task(case, done_at=timezone.now() - datetime.timedelta(seconds=50))
    login(caseworker)
    client.post(f"/cases/{case.pk}/tasks/{task.pk}/undo/")
    task.refresh_from_db()
    assert task.done_at is None


def test_undo_of_an_open_task_changes_nothing(client, login, caseworker, make_person, make_case):
    case = make_case(caseworker, make_person(caseworker))
    task = _task(case)
    login(caseworker)
    r = client.post(f"/cases/{case.pk}/tasks/{task.pk}/undo/", follow=True)
    assert "This task is open already." in r.content.decode()
    assert not AuditEntry.objects.filter(target_type="task", detail__done=False).exists()


def test_other_organisation_gets_404_on_undo(
    client, login, other_org, make_member, caseworker, make_person, make_case
):
    case = make_case(caseworker, make_person(caseworker))
    task = _task(case, done_at=timezone.now())
    login(make_member(other_org, "case_worker"))
    assert client.post(f"/cases/{case.pk}/tasks/{task.pk}/undo/").status_code == 404
    task.refresh_from_db()
    assert task.done_at is not None


def test_task_of_another_case_gets_404_on_undo(client, login, caseworker, make_person, make_case):
    person = make_person(caseworker)
    case, other_case = make_case(caseworker, person), make_case(caseworker, person)
    task = _task(other_case, done_at=timezone.now())
    login(caseworker)
    assert client.post(f"/cases/{case.pk}/tasks/{task.pk}/undo/").status_code == 404


def test_weaker_role_gets_403_on_undo(
    client, login, org, make_member, caseworker, make_person, make_case
):
    case = make_case(caseworker, make_person(caseworker))
    task = _task(case, done_at=timezone.now())
    login(make_member(org, "auditor"))
    assert client.post(f"/cases/{case.pk}/tasks/{task.pk}/undo/").status_code == 403
    task.refresh_from_db()
    assert task.done_at is not None


def test_undo_needs_a_post(client, login, caseworker, make_person, make_case):
    case = make_case(caseworker, make_person(caseworker))
    task = _task(case, done_at=timezone.now())
    login(caseworker)
    assert client.get(f"/cases/{case.pk}/tasks/{task.pk}/undo/").status_code == 405
    task.refresh_from_db()
    assert task.done_at is not None
