"""On a phone a case worker reads the case summary, jumps to the tasks from the page's
menu, sees the overdue task flagged, marks it done by mistake and takes it back."""

import datetime

import pytest
from django.utils import timezone

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_summary_tasks_overdue_and_undo_on_a_375px_phone(
    browser, live_server, caseworker, make_person, make_case
):
    from apps.cases.models import Task

    case = make_case(caseworker, make_person(caseworker), assigned_to=caseworker.user)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    task = Task.objects.create(
        case=case, title="Call the consulate", due_on=yesterday, assigned_to=caseworker.user
    )
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 375, "height": 740}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, caseworker.user.email, PASSWORD)
    page.goto(f"/cases/{case.pk}/")

    summary = page.locator("#summary")
    assert "1 overdue task" in summary.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    page.click("nav.page-sections >> text=Tasks")
    assert page.url.endswith("#tasks")
    row = page.locator("#tasks tr.task-overdue")
    assert "overdue" in row.inner_text()

    with page.expect_navigation():
        row.locator("button", has_text="Done").click()
    status = page.locator("ul.messages")
    assert "Task done." in status.inner_text()
    task.refresh_from_db()
    assert task.done_at is not None
    # The page lands on the tasks, where the message may be off-screen: Undo is there too.
    assert page.locator("#tasks form.undo-form button").is_visible()

    with page.expect_navigation():
        status.locator("button", has_text="Undo").click()
    assert "The task is open again." in page.locator("ul.messages").inner_text()
    task.refresh_from_db()
    assert task.done_at is None
    assert page.locator("#tasks tr.task-overdue").count() == 1
    context.close()
