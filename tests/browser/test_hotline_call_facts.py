"""A mother calls again about her son: the operator sees her earlier call as she gives
her number, links the agency she names, notes Russia as the destination, and opens a
case where the mother is a contact person and the agency and country came over."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.hotline.services import save_call
from apps.monitoring.services import save_agency
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_call_facts_reach_the_case(page, org, make_member):
    operator = make_member(org, "operator")
    agency = save_agency(
        membership=operator,
        data={"name": "Jumush Plus", "licence_number": "LIC-0077", "licence_status": "revoked"},
    )
    earlier = save_call(
        membership=operator,
        finish=True,
        data={
            "caller_category": "relative",
            "topics": ["missing_relative"],
            "outcome": "information_given",
            "caller_phone": "+996 555 123 456",
            "started_at": timezone.now() - timedelta(days=12),
        },
    )

    sign_in(page, operator.user.email, PASSWORD)
    page.goto("/hotline/new/")
    page.check("input[name=caller_category][value=relative]")
    page.check("input[name=topics][value=missing_relative]")
    page.fill("input[name=caller_name]", "Гүлнара Асанова")
    page.fill("input[name=caller_phone]", "0555123456")
    page.wait_for_selector(f"#earlier-calls a:has-text('{earlier.reference}')")
    page.select_option("select[name=destination_country]", "RU")
    page.fill("textarea[name=summary]", "Son went to Moscow through Jumush Plus, no news")
    page.fill("input[placeholder='Agency name or licence number']", "Жумуш Плюс")
    page.wait_for_selector("#agency-results li")
    page.check(f"#agency-results input[name=agency][value='{agency.pk}']")
    page.select_option("select[name=outcome]", "follow_up")
    page.fill("input[name=follow_up_due]", timezone.localdate().isoformat())
    page.click("#intake-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/hotline/\d+/$"))
    details = page.inner_text("main")
    assert "Jumush Plus" in details and "Russia" in details

    page.click("text=Open a case from this call")
    page.fill("input[name=given_name]", "Бакыт")
    page.select_option("select[name=case_type]", "trafficking")
    # The mother is proposed as the contact person; say how she is related.
    assert page.input_value("input[name='contacts-0-name']") == "Гүлнара Асанова"
    page.select_option("select[name='contacts-0-relation']", "mother")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/cases/\d+/$"))
    case_page = page.inner_text("main")
    assert "Гүлнара Асанова" in case_page and "mother" in case_page
    assert "Jumush Plus" in case_page and "Russia" in case_page
