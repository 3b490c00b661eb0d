"""An operator logs a call about a relative missing in Kazakhstan, checks an agency,
opens a case from the call for a case worker, screens the person (presumed victim,
with reasons); the case worker finds the case; the hotline dashboard counts the call."""

import re

import pytest

from apps.monitoring.services import save_agency
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operator_call_to_screening_to_case_worker(page, org, make_member):
    operator = make_member(org, "operator")
    worker = make_member(org, "case_worker")
    save_agency(membership=make_member(org, "org_admin"), data={
        "name": "Jumush Plus", "licence_number": "LIC-0077", "licence_status": "revoked",
    })  # fmt: skip

    sign_in(page, operator.user.email, PASSWORD)
    page.goto("/hotline/new/")
    page.check("input[name=channel][value=phone]")
    page.check("input[name=caller_category][value=relative]")
    page.check("input[name=urgency][value=urgent]")
    page.check("input[name=topics][value=missing_relative]")
    page.select_option("select[name=caller_region]", "naryn")
    page.fill(
        "textarea[name=summary]",
        "Her brother left for a construction job in Almaty through Jumush Plus; no news for a month",
    )
    # Check the agency while still on the phone.
    page.fill("input[placeholder='Agency name or licence number']", "Жумуш Плюс")
    page.wait_for_selector("#agency-results li")
    assert "revoked" in page.inner_text("#agency-results").lower()
    page.fill(
        "textarea[name=answer]",
        "The agency's licence is revoked; told her how to reach the consulate",
    )
    page.select_option("select[name=outcome]", "information_given")
    page.focus("textarea[name=answer]")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r".*/hotline/\d+/$"))
    assert "H-" in page.inner_text("h1")
    call_url = page.url

    # One click to a case carrying the facts over, handed to the case worker.
    page.click("text=Open a case from this call")
    page.fill("input[name=family_name]", "Осмонов")
    page.fill("input[name=given_name]", "Нурбек")
    page.select_option("select[name=sex]", "M")
    page.select_option("select[name=case_type]", "trafficking")
    page.select_option("select[name=assigned_to]", str(worker.user_id))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/cases/\d+/$"))
    case_ref = page.inner_text("h1").split()[1]

    # Screening from the call: presumed victim, and why.
    page.goto(call_url)
    page.click("text=Screen for trafficking")
    page.check("input[name=under_18_at_exploitation][value=no]")
    page.check("input[name=answer_documents_taken][value=yes]")
    page.check("input[name=answer_confined][value=yes]")
    page.check("input[name=answer_wages_withheld][value=yes]")
    page.click("button[name=action][value=save]")
    page.wait_for_url(re.compile(r".*/screenings/\d+/$"))
    result = page.inner_text("main")
    assert "presumed victim" in result
    assert "passport" in result and "locked in" in result
    assert "2026.1" in result

    # The hotline dashboard counts the call.
    page.goto("/hotline/statistics/")
    assert "1 logged call" in page.inner_text("main")

    # The case worker finds the case on their desk.
    page.context.clear_cookies()
    sign_in(page, worker.user.email, PASSWORD)
    desk = page.inner_text("main")
    assert case_ref in desk and "Осмонов" in desk
