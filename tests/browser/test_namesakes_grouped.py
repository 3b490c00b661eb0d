"""A case worker searching a common name sees one row per spelling, the spelling typed
first, and opens a group of namesakes to reach each of them."""

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_namesakes_written_alike_share_one_row(page, caseworker, make_person):
    latin = []
    for _ in range(3):
        latin.append(make_person(caseworker, given_name="Aigul", family_name="Tolonbaeva"))
        # Another Latin spelling of the same name, ranked between them (lower id).
        make_person(caseworker, given_name="Aygul", family_name="Tolonbaeva")
    cyrillic = make_person(caseworker, given_name="Айгүл", family_name="Төлөнбаева")

    sign_in(page, caseworker.user.email, PASSWORD)
    page.goto("/people/")
    page.fill("input[name=q]", "Айгүл Төлөнбаева")
    page.wait_for_selector("tr.namesakes summary")
    rows = page.locator("#results .table-scroll > table > tbody > tr")
    assert rows.count() == 3  # the person as typed, then one row per Latin spelling
    assert cyrillic.code in rows.nth(0).inner_text()
    summary = page.locator("tr.namesakes summary").filter(has_text="Tolonbaeva Aigul")
    assert "Tolonbaeva Aigul" in summary.inner_text() and "3" in summary.inner_text()
    assert latin[0].code not in page.inner_text("#results")  # folded until opened
    summary.click()
    shown = page.inner_text("#results")
    assert all(p.code in shown for p in latin)
