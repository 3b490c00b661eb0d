"""A case worker whose account is in Kyrgyz signs in on a Russian browser: the interface is
Kyrgyz, dates read 07.03.2025, a due date typed as 15.01.2030 is kept and shown that way;
switching to Russian on one browser carries over to the next one."""

import datetime

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _new_page(browser, live_server, locale):
    context = browser.new_context(base_url=live_server.url, locale=locale)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_account_language_and_day_first_dates_follow_the_user(
    browser, live_server, caseworker, make_person, make_case
):
    from apps.cases.models import Task

    caseworker.user.language = "ky"
    caseworker.user.save(update_fields=["language"])
    case = make_case(caseworker, make_person(caseworker), opened_on=datetime.date(2025, 3, 7))

    page = _new_page(browser, live_server, "ru-RU")
    try:
        page.goto("/accounts/login/")
        assert page.locator("html").get_attribute("lang") == "ru"  # the browser's, before
        sign_in(page, caseworker.user.email, PASSWORD)
        assert page.locator("html").get_attribute("lang") == "ky"  # the account's, after

        page.goto(f"/cases/{case.pk}/")
        assert "07.03.2025" in page.inner_text("main")
        due = page.locator("#task-form input[name=due_on]")
        assert due.get_attribute("type") == "text"
        due.fill("15.01.2030")
        page.fill("#task-form input[name=title]", "Call the consulate in Moscow")
        with page.expect_navigation():
            page.click("#task-form button[type=submit]")
        assert Task.objects.get(case=case).due_on == datetime.date(2030, 1, 15)
        assert "15.01.2030" in page.inner_text("main")

        # The switcher changes the account's language, not just this browser's.
        with page.expect_navigation():
            page.select_option("#language-select", "ru")
        assert page.locator("html").get_attribute("lang") == "ru"
    finally:
        page.context.close()

    other = _new_page(browser, live_server, "en-US")
    try:
        sign_in(other, caseworker.user.email, PASSWORD)
        assert other.locator("html").get_attribute("lang") == "ru"
        other.goto(f"/cases/{case.pk}/")
        assert "07.03.2025" in other.inner_text("main")
    finally:
        other.context.close()
