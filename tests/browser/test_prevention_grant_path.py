"""An M&E officer records a three-stop village tour and a film festival with attendance
by sex and age (the festival's age breakdown does not add up and is flagged, then the
rest marked age unknown), links them to a grant with two indicators (one computed from
events, one from assisted victims) and downloads the quarter's donor report in English
and in Russian."""

from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STOPS = [
    ("Tour stop Ak-Suu", "2026-04-06", {"F_11_24": "12", "F_25_64": "20", "M_25_64": "15"}),
    ("Tour stop Tüp", "2026-04-08", {"F_25_64": "18", "M_11_24": "7"}),
    ("Tour stop Jeti-Ögüz", "2026-04-10", {"F_under_11": "5", "M_25_64": "9"}),
]


def record_event(page, title, day, kind="village_tour_stop"):
    page.goto("/prevention/events/new/")
    page.select_option("select[name=event_type]", kind)
    page.fill("input[name=title]", title)
    page.fill("input[name=starts_on]", day)
    page.select_option("select[name=region]", "issyk_kul")


def xlsx_values(download) -> list:
    wb = load_workbook(BytesIO(Path(download.path()).read_bytes()))
    return [v for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v is not None]


def test_village_tour_festival_grant_and_donor_report(page, org, make_member):
    me = make_member(org, "me_officer")
    sign_in(page, me.user.email, PASSWORD)

    for title, day, cells in STOPS:
        record_event(page, title, day)
        for cell, n in cells.items():
            page.fill(f"input[name=cell_{cell}]", n)
        page.fill("input[name=total]", str(sum(int(n) for n in cells.values())))
        page.click("#event-form button[type=submit]")
        page.wait_for_url("**/prevention/events/*/")

    record_event(page, "Film festival", "2026-05-15", kind="film_screening")
    page.fill("input[name=total]", "4838")
    page.fill("input[name=sex_F]", "2867")
    page.fill("input[name=sex_M]", "1971")
    page.fill("input[name=age_11_24]", "3895")
    page.fill("input[name=age_25_64]", "843")
    page.click("#event-form button[type=submit]")
    summary = page.locator(".error-summary")
    assert "adds up to 4,738 but the total is 4,838" in summary.inner_text()
    assert page.input_value("input[name=age_25_64]") == "843"  # kept as typed
    page.check("input[name=rest_not_recorded]")
    page.click("#event-form button[type=submit]")
    page.wait_for_url("**/prevention/events/*/")
    assert "4838" in page.inner_text("#total-attendance").replace(",", "").replace("\u00a0", "")

    page.goto("/grants/")
    page.click("text=New grant")
    page.fill("input[name=donor_name]", "Demo Foundation")
    page.fill("input[name=reference]", "DF-2026")
    page.fill("input[name=title]", "Safe migration in villages")
    page.fill("input[name=amount]", "50000")
    page.select_option("select[name=currency]", "USD")
    page.fill("input[name=starts_on]", "2026-01-01")
    page.fill("input[name=ends_on]", "2026-12-31")
    page.click("#grant-form button[type=submit]")
    page.wait_for_url("**/grants/")

    page.goto("/grants/indicators/")
    for code, name, source in (
        ("PREV-1", "People reached by events", "people_reached"),
        ("ASSIST-1", "Victims assisted", "victims_assisted"),
    ):
        page.fill("input[name=code]", code)
        page.fill("input[name=name]", name)
        page.select_option("select[name=source]", source)
        page.check("input[name=disaggregation][value=sex]")
        page.click("#indicator-form button[type=submit]")
        page.wait_for_url("**/grants/indicators/")

    page.goto("/grants/")
    page.click("text=DF-2026")
    grant_url = page.url
    for label in ("PREV-1 · People reached by events", "ASSIST-1 · Victims assisted"):
        page.select_option("#use-form select[name=indicator]", label=label)
        page.fill("#use-form input[name=life_target]", "10000")
        page.click("#use-form button[type=submit]")
        page.wait_for_url(grant_url)
    for _ in range(4):  # the three stops and the festival
        page.select_option("#link-form select[name=event]", index=1)
        page.click("#link-form button[type=submit]")
        page.wait_for_url(grant_url)
    page.select_option("#target-form select[name=use]", label="PREV-1 · People reached by events")
    page.fill("#target-form input[name=period_from]", "2026-04-01")
    page.fill("#target-form input[name=period_to]", "2026-06-30")
    page.fill("#target-form input[name=target]", "5000")
    page.click("#target-form button[type=submit]")
    page.wait_for_url(grant_url)

    for language, words in (
        ("en", ["Donor report", "Result for the period"]),
        ("ru", ["Организация"]),
    ):
        page.fill("#period-form input[name=period_from]", "2026-04-01")
        page.fill("#period-form input[name=period_to]", "2026-06-30")
        page.select_option("#period-form select[name=language]", language)
        page.click("#period-form button[type=submit]")
        assert "4924" in page.inner_text("#results").replace(",", "").replace("\u00a0", "")
        with page.expect_download() as download:
            page.click("#download-xlsx")
        values = xlsx_values(download.value)
        for word in words:
            assert word in values
        assert "PREV-1 · People reached by events" in values
        assert "ASSIST-1 · Victims assisted" in values
        assert 4924 in values and 5000 in values  # result against target
