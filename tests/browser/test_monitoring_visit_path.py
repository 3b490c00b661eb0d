"""The monitor's path of issue 14: record a visit to a pre-trial detention centre where
access was partly denied, add a recommendation and the authority's reply, and document a
torture incident with two victims and a named officer (with the duplicate warning)."""

import re

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visit_recommendation_reply_and_torture_incident(page, live_server, org, make_member):
    from apps.institutions.models import Recommendation, Visit
    from apps.violations.models import ActType, Event, PerpetratorType
    from apps.violations.vocabulary import load_vocabularies

    load_vocabularies(ActType, PerpetratorType)
    monitor = make_member(org, "monitor")
    sign_in(page, monitor.user.email, PASSWORD)

    # The register: a pre-trial detention centre.
    page.click("nav >> text=Closed institutions")
    page.click("summary:has-text('Add an institution')")
    page.fill("#institution-name", "СИЗО-1 Бишкек")
    page.select_option("#institution-kind", "pre_trial_detention")
    page.fill("#institution-capacity", "450")
    page.fill("#institution-population", "612")
    with page.expect_navigation():
        page.click("#institution-form button[type=submit]")
    page.click("text=СИЗО-1 Бишкек")

    # The visit: access partly denied, with who denied it and why.
    page.click("summary:has-text('Record a visit')")
    page.select_option("#visit-kind", "ad_hoc")
    page.fill("#visit-visited_on", "2026-11-20")
    page.select_option("#visit-access", "partial")
    page.fill("#visit-team", "Айбек, Нургүл")
    with page.expect_navigation():
        page.click("#visit-form button[type=submit]")
    # Forgot who denied access: the form comes back with what was typed.
    assert page.input_value("#visit-team") == "Айбек, Нургүл"
    page.fill("#visit-denied_by", "Deputy head on duty")
    page.fill("#visit-denial_reason", "Punishment cells 'under repair'")
    with page.expect_navigation():
        page.click("#visit-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/institutions/visits/\d+/$"))
    assert "access partly denied" in page.inner_text("#access")
    assert Visit.objects.get().denied_by == "Deputy head on duty"

    # A recommendation after the visit, then the authority's reply.
    page.click("summary:has-text('Add a recommendation')")
    page.fill("#recommendation-text", "Examine every detainee by a doctor on arrival.")
    page.fill("#recommendation-addressee", "State Penitentiary Service")
    page.fill("#recommendation-made_on", "2026-11-21")
    with page.expect_navigation():
        page.click("#recommendation-form button[type=submit]")
    page.click("a:text-matches('^R-\\\\d+$')")
    page.fill("#response-on", "2026-12-01")
    page.select_option("#response-status", "rejected")
    page.fill("#response-response", "No budget for a doctor.")
    with page.expect_navigation():
        page.click("#response-form button[type=submit]")
    assert "rejected" in page.inner_text("#status")
    assert "No budget for a doctor." in page.inner_text("#history")
    assert Recommendation.objects.get().status == "rejected"

    # The torture incident: two victims and a named officer, in one form.
    page.click("nav >> text=Violations")
    page.click("text=Record an incident")
    page.fill("#id_title", "Beatings during questioning")
    page.fill("#id_occurred_on", "2026-11-15")
    beating = str(ActType.objects.get(code="beating").pk)
    suffocation = str(ActType.objects.get(code="suffocation").pk)
    page.fill("#id_victims-0-family_name", "Осмонов")
    page.fill("#id_victims-0-given_name", "Бакыт")
    page.select_option("#id_victims-0-act_type", beating)
    page.fill("#id_victims-1-family_name", "Садыков")
    page.fill("#id_victims-1-given_name", "Нурлан")
    page.select_option("#id_victims-1-act_type", suffocation)
    page.fill("#id_perpetrators-0-family_name", "Жумабеков")
    page.fill("#id_perpetrators-0-given_name", "Эркин")
    page.fill("#id_perpetrators-0-position", "captain")
    page.select_option(
        "#id_perpetrators-0-perpetrator_type", str(PerpetratorType.objects.get(code="police").pk)
    )
    with page.expect_navigation():
        page.click("#incident-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/violations/\d+/$"))
    assert "Осмонов Бакыт" in page.inner_text("#acts")
    assert "Садыков Нурлан" in page.inner_text("#acts")
    assert "Жумабеков Эркин" in page.inner_text("#involvements")
    assert Event.objects.get().acts.count() == 2

    # A second incident: typing a known victim's name offers the existing record.
    page.goto("/violations/new/")
    page.fill("#id_victims-0-family_name", "Осмонов")
    page.fill("#id_victims-0-given_name", "Бакыт")
    page.wait_for_selector("#victims-0-similar input[type=radio][value]:not([value=''])")
    assert "Осмонов Бакыт" in page.inner_text("#victims-0-similar")
