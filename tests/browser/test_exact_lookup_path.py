"""An operator types a caller's number into the intake form and sees the person registered
with it; on the people page a document number typed loosely finds its holder."""

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_number_typed_anywhere_finds_the_person(page, org, make_member, make_person):
    operator = make_member(org, "operator")
    aigul = make_person(operator, phones=["+996 555 12-34-56"], document_numbers=["AN1234567"])

    sign_in(page, operator.user.email, PASSWORD)
    page.goto("/hotline/new/")
    page.check("input[name=caller_category][value=relative]")
    page.fill("input[name=caller_phone]", "0555 123 456")
    page.wait_for_selector("ul.people-with-phone")
    assert aigul.code in page.inner_text("#earlier-calls")

    page.goto("/people/")
    page.fill("input[name=q]", "an 123 45 67")
    page.wait_for_selector("td.match-document")
    assert aigul.code in page.inner_text("#results")
