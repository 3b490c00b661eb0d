"""Focus moves to the error summary of a failed form, and its links lead to the fields."""

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_focus_moves_to_the_summary(page, org, make_member):
    worker = make_member(org, "case_worker")
    sign_in(page, worker.user.email, PASSWORD)
    page.goto("/people/new/")
    page.fill("input[name=birth_date]", "1994-13")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.wait_for_function(
        "document.activeElement && document.activeElement.matches('[data-error-summary]')"
    )
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    link = summary.locator("a[href='#id_birth_date']")
    link.click()
    assert page.evaluate("location.hash") == "#id_birth_date"
