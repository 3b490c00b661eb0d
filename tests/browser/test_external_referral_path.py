"""Referrals as they really happen: a case worker refers a person to a hospital outside
Koldoo and follows it to its end (their answer, the service they delivered, completed);
a legal-aid organisation's lawyer reads the summary without identity and declines with
a reason."""

import re

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _refer(page, case, *, to_organization=None, to_entry=None, service, urgency="routine"):
    page.goto(f"/referrals/new/?case={case.pk}")
    if to_organization is not None:
        page.select_option("select[name=to_organization]", str(to_organization.pk))
    if to_entry is not None:
        page.select_option("select[name=to_entry]", str(to_entry.pk))
    page.check(f"input[name=services][value={service}]")
    page.check("input[name=shared_fields][value=given_name]")
    page.select_option("select[name=urgency]", urgency)
    page.check("input[name=special_needs][value=with_children]")
    page.fill("input[name=purpose]", "Помощь пострадавшей")
    page.fill("input[name=consent_valid_until]", "2030-01-01")
    page.check("input[name=consent_given]")
    page.check("input[name=confirm_unlisted]")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/referrals/\d+/$"))
    return int(re.search(r"/referrals/(\d+)/$", page.url).group(1))


def test_outside_partner_followed_to_the_end_and_lawyer_declines_from_the_summary(
    page, make_org, make_member, make_person, make_case
):
    from apps.referrals.models import DirectoryEntry, Referral, ReferralStatus
    from apps.statistics import counting

    crisis = make_org("crisis", type="crisis_centre")
    legal = make_org("legal", type="legal_aid")
    worker = make_member(crisis, "case_worker")
    lawyer = make_member(legal, "lawyer")
    hospital = DirectoryEntry.objects.create(name="Городская больница №4", org_type="government")
    person = make_person(worker, given_name="Айпери", family_name="Осмонова", sex="F",
                         birth_date="1990-03-04", phones=["+996700111222"])  # fmt: skip
    case = make_case(worker, person)

    sign_in(page, worker.user.email, PASSWORD)
    external = _refer(page, case, to_entry=hospital, service="medical")
    to_legal = _refer(page, case, to_organization=legal, service="legal", urgency="urgent")

    # The hospital answers by phone: the worker records it, then the service, then the end.
    page.goto(f"/referrals/{external}/")
    page.select_option("#answer-form select[name=status]", "accepted")
    with page.expect_navigation():
        page.click("#answer-form button[type=submit]")
    page.goto(f"/referrals/{external}/")
    form = page.locator(f"form[action='/referrals/{external}/services/']")
    form.locator("select[name=service_type]").select_option("medical")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    page.goto(f"/referrals/{external}/")
    page.select_option("#answer-form select[name=status]", "completed")
    with page.expect_navigation():
        page.click("#answer-form button[type=submit]")
    referral = Referral.objects.get(pk=external)
    assert referral.status == ReferralStatus.COMPLETED
    assert referral.deliveries.get().service_type == "medical"
    day = referral.deliveries.get().delivered_on
    assert counting.service_counts([crisis.pk], day, day)[("medical",)] == 1
    page.context.clear_cookies()

    # The lawyer reads the summary: sex, age band, urgency, special needs; no name, no phone.
    sign_in(page, lawyer.user.email, PASSWORD)
    page.goto("/referrals/")
    with page.expect_navigation():
        page.click(f"a[href='/referrals/{to_legal}/summary/']")
    summary = page.inner_text("#referral-summary")
    assert "female" in summary and "urgent" in summary and "accompanied by children" in summary
    body = page.inner_text("main")
    assert "Айпери" not in body and "+996700111222" not in body and "1990" not in body
    page.fill("#decline-form textarea[name=reason]", "Нет свободного адвоката в этом месяце")
    with page.expect_navigation():
        page.click("#decline-form button[type=submit]")
    declined = Referral.objects.get(pk=to_legal)
    assert declined.status == ReferralStatus.DECLINED
    assert declined.decline_reason == "Нет свободного адвоката в этом месяце"
    page.context.clear_cookies()

    # The worker sees the reason.
    sign_in(page, worker.user.email, PASSWORD)
    page.goto(f"/referrals/{to_legal}/")
    assert "Нет свободного адвоката в этом месяце" in page.inner_text("main")
