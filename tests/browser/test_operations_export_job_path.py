"""An organisation admin exports the register through the job queue: the menu's
background jobs page, the progress page with its bar, the download."""

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_exports_the_register_and_downloads_it(
    page, settings, tmp_path, org, make_member, make_person
):
    settings.MEDIA_ROOT = tmp_path / "media"
    admin = make_member(org, "org_admin")
    make_person(admin, given_name="Айгүлзада", family_name="Төлөнбаева")

    sign_in(page, admin.user.email, PASSWORD)
    page.get_by_role("link", name="Background jobs").click()
    page.get_by_role("button", name="Export as CSV").click()
    page.wait_for_url("**/operations/jobs/*/")
    assert page.locator("progress").get_attribute("value") == "100"
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    content = open(info.value.path(), encoding="utf-8-sig").read()
    assert "Төлөнбаева" in content
    page.get_by_role("link", name="All your jobs").click()
    assert page.get_by_text("Person register export (CSV)").is_visible()
