"""An organisation admin imports a register in which a person already entered in
Cyrillic comes back in Latin: the preview flags her before anything is saved, the
confirmed import runs as a job whose page shows the bar and what was imported."""

import pytest

from tests.browser.conftest import check_register_file, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REGISTER = (
    "external_id,family_name,given_name,sex,birth_date,phone,case_type\n"
    "N-001,Sooronbaeva,Aigul,F,1995-03-14,,legal_aid\n"
    "N-002,Токтогулова,Бермет,F,1988-11-02,+996 700 300400,legal_aid\n"
)


def test_the_preview_flags_her_and_the_job_page_reports_the_import(
    page, settings, tmp_path, org, make_member, make_person
):
    from apps.people.models import Person

    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    admin = make_member(org, "org_admin")
    existing = make_person(
        admin, family_name="Сооронбаева", given_name="Айгүл", birth_date="1995-03-14"
    )

    sign_in(page, admin.user.email, PASSWORD)
    check_register_file(page, REGISTER)

    flagged = page.locator(".possible-existing")
    assert flagged.count() == 1
    assert existing.code in flagged.inner_text()
    assert "Сооронбаева Айгүл" in flagged.inner_text()
    assert Person.objects.count() == 1  # nothing saved before the confirmation

    with page.expect_navigation():
        page.get_by_role("button", name="Confirm import").click()
    page.wait_for_url("**/operations/jobs/*/")
    assert page.locator("progress").get_attribute("value") == "100"
    status = page.get_by_role("status").filter(has_text="Register imported")
    assert "2 people registered" in status.inner_text()
    assert Person.objects.count() == 3

    page.get_by_role("button", name="Open the register").click()
    page.wait_for_url("**/people/")
    assert "Токтогулова" in page.inner_text("main")
