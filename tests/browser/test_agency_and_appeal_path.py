"""A monitor records an agency whose licence was revoked and a job ad linked to it that
scores high risk; the hotline's agency look-up shows the revoked licence; a mother's
appeal about her son in Russia is matched to his existing case, which a case worker
confirms."""

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_revoked_agency_high_risk_ad_lookup_and_matched_appeal(
    page, org, make_member, make_person, make_case
):
    from apps.missing.models import MissingPersonAppeal
    from apps.monitoring.models import RecruitmentAgency

    monitor = make_member(org, "monitor")
    operator = make_member(org, "operator")
    worker = make_member(org, "case_worker")
    son = make_person(worker, given_name="Азамат", family_name="Осмонов", birth_year=1999)
    case = make_case(worker, son, exploitation=["forced_labour"], countries_of_exploitation=["RU"])

    sign_in(page, monitor.user.email, PASSWORD)
    page.goto("/agencies/new/")
    page.fill("input[name=name]", "Silk Road Staffing")
    page.fill("input[name=licence_number]", "LIC-2019-077")
    page.select_option("select[name=licence_status]", "revoked")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/agencies/")
    agency = RecruitmentAgency.objects.get(name="Silk Road Staffing")

    page.goto(f"/agencies/{agency.pk}/")
    page.click("text=Record an advertisement of this agency")
    page.select_option("select[name=source_type]", "messenger")
    page.fill("input[name=promised_job]", "Warehouse worker")
    page.select_option("select[name=country]", "RU")
    page.fill("textarea[name=phones]", "+996 700 111 222")
    page.check("input[name=red_flags][value=fees_charged]")
    page.check("input[name=red_flags][value=passport_handed_over]")
    page.click("#job-ad-form button[type=submit]")
    page.wait_for_selector("#risk-band")
    assert page.inner_text("#risk-band").strip().lower() == "high"
    assert "Licence revoked" in page.inner_text("#job-ad-agency")

    page.goto("/missing/new/")
    page.fill("input[name=given_name]", "Азамат")
    page.fill("input[name=family_name]", "Осмонов")
    page.fill("input[name=reporter_name]", "Гүлмира Осмонова")
    page.select_option("select[name=reporter_relation]", "mother")
    page.select_option("select[name=destination_country]", "RU")
    page.fill("textarea[name=circumstances]", "Went to work on a building site; silent since")
    page.click("#appeal-form button[type=submit]")
    page.wait_for_selector("#possible-match")
    assert "ask a case worker" in page.inner_text("#possible-match")
    appeal = MissingPersonAppeal.objects.get()
    page.context.clear_cookies()

    sign_in(page, operator.user.email, PASSWORD)
    page.goto("/hotline/new/")
    page.fill("input[placeholder='Agency name or licence number']", "silk road")
    page.wait_for_selector("#agency-results li")
    assert "Licence revoked" in page.inner_text("#agency-results")
    page.context.clear_cookies()

    sign_in(page, worker.user.email, PASSWORD)
    page.goto(f"/missing/{appeal.pk}/")
    assert f"/cases/{case.pk}/" in page.inner_html("#matches")
    page.click("#matches button[value=confirm]")
    page.wait_for_selector("#appeal-case a")
    assert f"#{case.pk}" in page.inner_text("#appeal-case")
