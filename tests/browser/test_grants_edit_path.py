"""An M&E officer corrects a grant's title from its page, and a second tab's older edit
is refused with what was typed still in the form."""

import datetime

import pytest

from apps.grants import services
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_grant_edit_and_stale_edit(page, org, make_member):
    me = make_member(org, "me_officer")
    donor = services.create_donor(membership=me, name="Demo Foundation")
    grant = services.create_grant(
        membership=me,
        donor=donor,
        reference="DF-9",
        title="Safe migraton",
        amount=1000,
        currency="USD",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
    )
    sign_in(page, me.user.email, PASSWORD)
    page.goto(f"/grants/{grant.pk}/")
    page.click("#edit-grant")
    second = page.context.new_page()
    second.goto(f"/grants/{grant.pk}/edit/")
    page.fill("input[name=title]", "Safe migration")
    page.click("#edit-form button[type=submit]")
    assert "DF-9 · Safe migration" in page.inner_text("h1")
    second.fill("input[name=title]", "Older edit")
    second.click("#edit-form button[type=submit]")
    assert "Someone else saved this record" in second.content()
    assert second.input_value("input[name=title]") == "Older edit"
