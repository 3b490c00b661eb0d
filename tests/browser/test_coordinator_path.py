"""The national coordinator signs in, switches to Russian, sees the dashboard's charts,
opens last year's report, downloads it as XLSX and PDF, and cannot reach a person."""

import io
from datetime import date

import pytest
from django.utils import timezone

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAST_YEAR = timezone.localdate().year - 1


def test_coordinator_sees_charts_downloads_the_annual_report_and_no_person(
    page, org, make_org, make_member, make_person, make_case
):
    admin = make_member(org, "org_admin")
    person = None
    for i, (sex, form) in enumerate([("F", "forced_labour")] * 6 + [("M", "sexual")] * 2):
        person = make_person(admin, family_name=f"Асанова{i}", sex=sex, birth_date="1994-05-01")
        make_case(admin, person, exploitation=[form], opened_on=date(LAST_YEAR, 2 + i, 3))
    coordinator = make_member(make_org("coordination", type="government"), "national_coordinator")

    sign_in(page, coordinator.user.email, PASSWORD)
    page.select_option("#language-select", "ru")
    page.wait_for_function("document.documentElement.lang === 'ru'")
    main = page.locator("main")
    assert main.locator("svg.chart-svg").count() >= 2
    assert "Асанова" not in main.inner_text()

    # Last year's report.
    page.click("main a[href='/statistics/']")
    page.check("input[name=period][value=year]")
    page.fill("input[name=year]", str(LAST_YEAR))
    page.click("main form.stats-filter button[type=submit]")
    page.wait_for_url(f"**/statistics/?*year={LAST_YEAR}*")
    assert page.locator("main svg.chart-svg").count() >= 5
    text = main.inner_text()
    # In the reader's convention (Russian: DD.MM.YYYY).
    assert f"01.01.{LAST_YEAR}" in text and f"31.12.{LAST_YEAR}" in text
    assert "Асанова" not in text

    with page.expect_download() as xlsx_info:
        page.click("main a[href^='/statistics/download.xlsx']:not([href*='lang='])")
    xlsx = xlsx_info.value
    assert xlsx.suggested_filename.endswith("_ru.xlsx")
    from openpyxl import load_workbook

    with open(xlsx.path(), "rb") as f:
        book = load_workbook(io.BytesIO(f.read()))
    assert book.worksheets

    with page.expect_download() as pdf_info:
        page.click("main a[href^='/statistics/download.pdf']:not([href*='lang='])")
    with open(pdf_info.value.path(), "rb") as f:
        assert f.read(4) == b"%PDF"

    # No way to a person, by the UI or the API.
    for url in (f"/people/{person.pk}/", "/people/", "/cases/", f"/api/v1/people/{person.pk}/"):
        response = page.goto(url)
        assert response.status in (403, 404), url
        assert "Асанова" not in page.content()
