"""A case worker types a Latin name into the person form and sees the person already
registered in Cyrillic before saving."""

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_latin_name_shows_the_cyrillic_match_before_saving(page, caseworker, make_person):
    existing = make_person(
        caseworker, family_name="Сооронбаева", given_name="Айгүл", birth_date="1995-03-14"
    )
    sign_in(page, caseworker.user.email, PASSWORD)
    page.goto("/people/new/")
    page.fill("input[name=family_name]", "Sooronbaeva")
    page.fill("input[name=given_name]", "Aigul")
    page.fill("input[name=birth_date]", "14.03.1995")
    # The warning follows the typing: it names the date once the date is typed.
    page.locator("#duplicate-warnings", has_text="same date of birth").wait_for()
    warning = page.inner_text("#duplicate-warnings")
    assert existing.code in warning
    assert "Сооронбаева Айгүл" in warning
    assert "same date of birth" in warning
    assert page.url.endswith("/people/new/")  # nothing saved yet
