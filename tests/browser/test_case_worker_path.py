"""A case worker finds a person by a Latin spelling, opens a case, adds a note and a task;
the auditor sees all of it."""

import re

import pytest

from tests.browser.conftest import check_register_file, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


REGISTER = (
    "external_id,family_name,given_name,patronymic,sex,birth_date,citizenship,region,phone,"
    "document_number,case_type,opened_on,exploitation,country_of_exploitation,status,notes\n"
    "R-001,Жээнбеков,Чыңгыз,Асан уулу,M,1990-04,KG,naryn,+996 700 100200,ID1002003,"
    "trafficking,2026-10-01,forced_labour,RU,open,Returned from Moscow construction site\n"
    "R-002,Осмонова,Айпери,,F,1997,KG,osh,,,labour_rights,2026-10-03,,,active,\n"
)


def test_import_find_open_case_note_task_then_audit(page, org, make_member):
    from apps.people.models import Person

    admin = make_member(org, "org_admin")
    worker = make_member(org, "case_worker")
    auditor = make_member(org, "auditor")

    # The organisation admin imports the register: upload, preview, confirm.
    sign_in(page, admin.user.email, PASSWORD)
    check_register_file(page, REGISTER)
    with page.expect_navigation():
        page.click("text=Confirm import")
    person = next(p for p in Person.objects.all() if p.external_id == "R-001")
    assert Person.objects.count() == 2
    page.context.clear_cookies()

    # Choose Kyrgyz on the sign-in page; the choice is kept on the account.
    page.goto("/accounts/login/")
    with page.expect_navigation():
        page.select_option("#language-select", "ky")
    assert page.locator("html").get_attribute("lang") == "ky"
    sign_in(page, worker.user.email, PASSWORD)
    assert page.locator("html").get_attribute("lang") == "ky"

    page.goto("/people/")
    page.fill("input[name=q]", "Chingiz Zheenbekov")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"a[href='/people/{person.pk}/']")
    page.click(f"a[href='/people/{person.pk}/']")
    assert "Жээнбеков" in page.content()
    assert "C-" in page.inner_text("main")  # the imported case is listed

    page.click(f"a[href='/cases/open/{person.pk}/']")
    page.select_option("select[name=case_type]", "trafficking")
    page.check("input[name=exploitation][value=forced_labour]")
    page.select_option("select[name=countries_of_exploitation]", ["RU"])
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/cases/\d+/$"))
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
    # Records by the references the pages show, kinds in words.
    assert person.code in rows
    assert f"C-{int(case_id):06d}" in rows
    assert "case note #" in rows and "task #" in rows
    # Filtering by the person's reference finds the look at them.
    page.fill("#id_record", person.code)
    with page.expect_navigation():
        page.click("form[aria-label] button[type=submit]")
    assert person.code in page.locator("table tbody").inner_text()
    # The auditor may not open the person: the reference is not a link.
    assert page.locator(f"table tbody a:has-text('{person.code}')").count() == 0
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
    # The form is sent once its draft is sealed (decision 0032): wait for the answer.
    page.wait_for_selector(".errorlist")
    assert page.locator(".errorlist").count() >= 1
    assert page.input_value("input[name=family_name]") == "Осмонова"
    assert page.input_value("input[name=phones]") == "+996 555 123 456"
    page.fill("input[name=birth_date]", "1999-02")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/people/\d+/$"))
    assert "Осмонова" in page.content()
