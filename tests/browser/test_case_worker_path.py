"""A case worker finds a person by a Latin spelling, opens a case, adds a note and a task;
the auditor sees all of it."""

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_find_open_case_note_task_then_audit(page, org, make_member, make_person):
    worker = make_member(org, "case_worker")
    auditor = make_member(org, "auditor")
    person = make_person(worker, given_name="Чыңгыз", family_name="Жээнбеков", sex="M")

    # Choose Kyrgyz on the sign-in page; the choice is kept on the account.
    page.goto("/accounts/login/")
    page.select_option("#language-select", "ky")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ky"
    sign_in(page, worker.user.email, PASSWORD)
    assert page.locator("html").get_attribute("lang") == "ky"

    page.goto("/people/")
    page.fill("input[name=q]", "Chingiz Zheenbekov")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"a[href='/people/{person.pk}/']")
    page.click(f"a[href='/people/{person.pk}/']")
    assert "Жээнбеков" in page.content()

    page.click(f"a[href='/cases/open/{person.pk}/']")
    page.select_option("select[name=case_type]", "trafficking")
    page.check("input[name=exploitation][value=forced_labour]")
    page.select_option("select[name=countries_of_exploitation]", ["RU"])
    page.click("main form button[type=submit]")
    page.wait_for_url("**/cases/*/")
    case_url = page.url

    page.fill("#note-form textarea[name=body]", "Met the client at the Osh office")
    page.click("#note-form button[type=submit]")
    page.wait_for_selector("text=Met the client at the Osh office")

    page.fill("#task-form input[name=title]", "Call the consulate in Moscow")
    page.fill("#task-form input[name=due_on]", "2030-01-15")
    page.click("#task-form button[type=submit]")
    page.wait_for_selector("text=Call the consulate in Moscow")

    page.goto("/")
    assert "Call the consulate in Moscow" in page.content()

    # The auditor sees who looked at the person and what was created.
    page.context.clear_cookies()
    sign_in(page, auditor.user.email, PASSWORD)
    page.goto("/audit/")
    rows = page.locator("table tbody").inner_text()
    case_id = case_url.rstrip("/").split("/")[-1]
    assert f"person {person.pk}" in rows
    assert f"case {case_id}" in rows
    assert "casenote" in rows and "task" in rows
    assert worker.user.email in rows
    # The auditor cannot open the person.
    response = page.goto(f"/people/{person.pk}/")
    assert response.status == 403


def test_validation_error_keeps_what_was_typed(page, org, make_member):
    worker = make_member(org, "case_worker")
    sign_in(page, worker.user.email, PASSWORD)
    page.goto("/people/new/")
    page.fill("input[name=family_name]", "Осмонова")
    page.fill("input[name=given_name]", "Бермет")
    page.fill("input[name=birth_date]", "31.02.1999")
    page.fill("input[name=phones]", "+996 555 123 456")
    page.click("main form button[type=submit]")
    assert page.locator(".errorlist").count() >= 1
    assert page.input_value("input[name=family_name]") == "Осмонова"
    assert page.input_value("input[name=phones]") == "+996 555 123 456"
    page.fill("input[name=birth_date]", "1999-02")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/people/*/")
    assert "Осмонова" in page.content()
