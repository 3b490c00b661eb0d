"""The referral path end to end: a crisis centre case worker assesses needs, builds a
plan and refers the person to a shelter and a legal-aid NGO with consent; the shelter
accepts and records the admission, the lawyers decline with a reason; the person
withdraws consent and the shelter loses access; the referral form prints in Russian."""

import re

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _refer(page, case, *, to_organization=None, to_entry=None, services=(), shared=()):
    page.goto(f"/referrals/new/?case={case.pk}")
    if to_organization is not None:
        page.select_option("select[name=to_organization]", str(to_organization.pk))
    if to_entry is not None:
        page.select_option("select[name=to_entry]", str(to_entry.pk))
    for s in services:
        page.check(f"input[name=services][value={s}]")
    for f in shared:
        page.check(f"input[name=shared_fields][value={f}]")
    page.fill("input[name=purpose]", "Помощь пострадавшей")
    page.fill("input[name=consent_valid_until]", "2030-01-01")
    page.check("input[name=consent_given]")
    page.check("input[name=confirm_unlisted]")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/referrals/\d+/$"))
    return int(re.search(r"/referrals/(\d+)/$", page.url).group(1))


def test_needs_plan_referrals_admission_decline_withdrawal_pdf(
    page, live_server, make_org, make_member, make_person, make_case
):
    from apps.assistance.models import NeedsAssessment, ServicePlan, ShelterStay
    from apps.referrals.models import DirectoryEntry, Referral, ReferralStatus

    crisis = make_org("crisis", type="crisis_centre")
    shelter = make_org("shelter", type="shelter")
    legal = make_org("legal", type="legal_aid")
    worker = make_member(crisis, "case_worker")
    shelter_worker = make_member(shelter, "case_worker")
    lawyer = make_member(legal, "case_worker")
    entry = DirectoryEntry.objects.create(name="Кризисный центр Ош", city="Ош")
    person = make_person(worker, given_name="Айпери", family_name="Осмонова")
    case = make_case(worker, person)

    # Needs assessment and plan on the case's assistance page.
    sign_in(page, worker.user.email, PASSWORD)
    page.goto(f"/assistance/case/{case.pk}/")
    page.click("#needs-after_return-form >> xpath=ancestor::details/summary")
    page.fill("#needs-after_return-form input[name='after_return-assessed_on']", "2026-11-01")
    page.select_option(
        "#needs-after_return-form select[name='after_return-need_short_term_shelter']", "needed"
    )
    page.select_option("#needs-after_return-form select[name='after_return-need_legal']", "needed")
    with page.expect_navigation():
        page.click("#needs-after_return-form button[type=submit]")
    assessment = NeedsAssessment.objects.get(case=case, stage="after_return")
    assert assessment.needs == {"short_term_shelter": "needed", "legal": "needed"}
    page.fill("#plan-form textarea[name=goals]", "Safe housing and legal help")
    with page.expect_navigation():
        page.click("#plan-form button[type=submit]")
    assert ServicePlan.objects.get(case=case).goals == "Safe housing and legal help"

    # Two referrals with consent, and one to an organisation outside Koldoo.
    to_shelter = _refer(
        page, case, to_organization=shelter, services=["shelter"], shared=["given_name"]
    )
    to_legal = _refer(page, case, to_organization=legal, services=["legal"], shared=["case_type"])
    external = _refer(page, case, to_entry=entry, services=["psychological"], shared=["given_name"])
    assert Referral.objects.count() == 3

    # The referral form prints in Russian.
    response = page.request.get(f"{live_server.url}/referrals/{external}/form.pdf?lang=ru")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:4] == b"%PDF"
    page.context.clear_cookies()

    # The shelter accepts and records the admission.
    sign_in(page, shelter_worker.user.email, PASSWORD)
    page.goto("/referrals/")
    with page.expect_navigation():
        page.click(f"form[action='/referrals/{to_shelter}/accept/'] button")
    page.goto(f"/referrals/{to_shelter}/")
    assert "Айпери" in page.inner_text("main")
    page.fill("#admit-form input[name=bed_label]", "B-3")
    with page.expect_navigation():
        page.click("#admit-form button[type=submit]")
    page.wait_for_url(re.compile(rf".*/referrals/{to_shelter}/$"))
    page.wait_for_selector("#shelter-stay")
    stay = ShelterStay.objects.get()
    assert stay.referral_id == to_shelter and stay.bed_label == "B-3"
    page.goto("/assistance/shelter/")
    assert page.inner_text("#beds-in-use") == "1"
    assert f"R-{to_shelter:06d}" in page.inner_text("main")
    page.context.clear_cookies()

    # The lawyers decline with a reason.
    sign_in(page, lawyer.user.email, PASSWORD)
    page.goto("/referrals/")
    page.fill(f"#reason-{to_legal}", "No lawyer free this month")
    with page.expect_navigation():
        page.click(f"form[action='/referrals/{to_legal}/decline/'] button")
    legal_referral = Referral.objects.get(pk=to_legal)
    assert legal_referral.status == ReferralStatus.DECLINED
    assert legal_referral.decline_reason == "No lawyer free this month"
    page.context.clear_cookies()

    # The case worker sees the decline and the person withdraws consent.
    sign_in(page, worker.user.email, PASSWORD)
    page.goto(f"/referrals/{to_legal}/")
    assert "No lawyer free this month" in page.inner_text("main")
    consent_id = Referral.objects.get(pk=to_shelter).consent_id
    page.goto(f"/people/{person.pk}/")
    withdraw = f"/people/{person.pk}/consents/{consent_id}/withdraw/"
    with page.expect_navigation():
        page.click(f"a[href='{withdraw}']")
    # A confirm step (a page, not a script) says what is withdrawn before anything is.
    assert shelter.name in page.inner_text("#consent-to-withdraw")
    assert Referral.objects.get(pk=to_shelter).consent.withdrawn_on is None
    with page.expect_navigation():
        page.click("#withdraw-form button[type=submit]")
    assert Referral.objects.get(pk=to_shelter).consent.withdrawn_on is not None
    page.context.clear_cookies()

    # The shelter has lost access; the bed stays in use until the discharge.
    sign_in(page, shelter_worker.user.email, PASSWORD)
    page.goto("/referrals/")
    row = page.locator(f"#referral-{to_shelter}")
    assert "consent withdrawn" in row.inner_text()
    assert row.locator("a").count() == 0
    response = page.goto(f"/referrals/{to_shelter}/")
    assert response.status == 404
    page.goto("/assistance/shelter/")
    assert page.inner_text("#beds-in-use") == "1"
    assert "Айпери" not in page.content()


def test_shelter_admin_lists_the_shelter_and_beds_free_follow_the_stays(
    page, make_org, make_member, make_person, make_case
):
    """A shelter's admin adds the shelter to the directory with a Russian description;
    a crisis centre worker finds it with the beds free counted from the stays."""
    from apps.assistance import services as assistance_services
    from apps.referrals.models import DirectoryEntry

    shelter = make_org("shelter", type="shelter")
    crisis = make_org("crisis", type="crisis_centre")
    admin = make_member(shelter, "org_admin")
    worker = make_member(crisis, "case_worker")

    sign_in(page, admin.user.email, PASSWORD)
    page.goto("/assistance/shelter/")
    page.fill("#capacity-form input[name=beds]", "4")
    with page.expect_navigation():
        page.click("#capacity-form button[type=submit]")
    page.goto("/referrals/directory/")
    with page.expect_navigation():
        page.click("a[href='/referrals/directory/ours/']")
    page.fill("#entry-description_ru", "Безопасный дом для женщин")
    page.fill("#entry-city", "Бишкек")
    page.select_option("#id_services-0-service_type", "shelter")
    page.fill("#id_services-0-capacity", "4")
    with page.expect_navigation():
        page.click("#entry-form button[type=submit]")
    entry = DirectoryEntry.objects.get(organization=shelter)
    assert entry.description_ru == "Безопасный дом для женщин"
    page.context.clear_cookies()

    resident_worker = make_member(shelter, "case_worker")
    case = make_case(resident_worker, make_person(resident_worker))
    assistance_services.admit_to_shelter(membership=resident_worker, case=case, shelter=shelter)
    sign_in(page, worker.user.email, PASSWORD)
    page.goto("/referrals/directory/?service=shelter&beds_free=on")
    card = page.locator(f"#entry-{entry.pk}")
    assert "Безопасный дом для женщин" in card.inner_text()
    assert card.locator(".beds-free").inner_text().endswith("3")
