"""A referral goes only under a consent in force that covers it (recipient, services,
fields); each consent on the person page says for whom and for what; withdrawing asks
for confirmation; after it, the receiver's inbox says "consent withdrawn" and nothing else."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.cases.models import Consent
from apps.cases.services import record_consent, withdraw_consent
from apps.referrals import services
from apps.referrals.models import Referral

TODAY = timezone.localdate


@pytest.fixture
def shelter(make_org):
    return make_org("shelter", type="shelter")


@pytest.fixture
def receiver(shelter, make_member):
    return make_member(shelter, "case_worker")


@pytest.fixture
def case(caseworker, make_person, make_case):
    return make_case(caseworker, make_person(caseworker))


def send(caseworker, case, to, **kw):
    kw.setdefault("services", ["shelter"])
    kw.setdefault("shared_fields", ["given_name"])
    kw.setdefault("purpose", "Safe place")
    kw.setdefault("confirm_unlisted", True)
    if "consent" not in kw:
        kw.setdefault("consent_valid_until", TODAY() + datetime.timedelta(days=30))
    return services.create_referral(membership=caseworker, case=case, to_organization=to, **kw)


def test_consent_for_one_organisation_does_not_cover_another(caseworker, case, shelter, make_org):
    first = send(caseworker, case, shelter)
    other = make_org("other", type="shelter")
    with pytest.raises(ValidationError, match="another organisation"):
        send(caseworker, case, other, consent=first.consent)
    assert Referral.objects.count() == 1


def test_consent_does_not_cover_more_fields_or_services(caseworker, case, shelter):
    first = send(caseworker, case, shelter)
    with pytest.raises(ValidationError, match="every piece of data"):
        send(caseworker, case, shelter, consent=first.consent, shared_fields=["phones"])
    with pytest.raises(ValidationError, match="every service"):
        send(caseworker, case, shelter, consent=first.consent, services=["legal"])
    # What it covers, it covers: a second referral to the same shelter for the same.
    assert send(caseworker, case, shelter, consent=first.consent).consent_id == first.consent_id


def test_expired_consent_is_refused(caseworker, case, shelter):
    first = send(caseworker, case, shelter)
    Consent.objects.filter(pk=first.consent_id).update(
        valid_until=TODAY() - datetime.timedelta(days=1)
    )
    first.consent.refresh_from_db()
    with pytest.raises(ValidationError, match="expired"):
        send(caseworker, case, shelter, consent=first.consent)


def test_consent_naming_no_recipient_covers_no_referral(caseworker, case, shelter):
    generic = record_consent(membership=caseworker, person=case.person, scope="referral", case=case)
    with pytest.raises(ValidationError, match="to whom"):
        send(caseworker, case, shelter, consent=generic)


def test_consent_ending_before_today_is_refused(client, login, caseworker, case, shelter):
    with pytest.raises(ValidationError):
        send(caseworker, case, shelter, consent_valid_until=TODAY() - datetime.timedelta(days=1))
    login(caseworker)
    r = client.post(
        f"/referrals/new/?case={case.pk}",
        {
            "to_organization": shelter.pk,
            "services": ["shelter"],
            "purpose": "Safe place",
            "consent_valid_until": (TODAY() - datetime.timedelta(days=1)).isoformat(),
            "consent_given": "on",
            "confirm_unlisted": "on",
        },
    )
    assert r.status_code == 200 and "cannot end before today" in r.content.decode()
    assert not Referral.objects.exists()


def test_api_refuses_a_consent_given_for_another_recipient(
    client, login, caseworker, case, shelter, make_org
):
    first = send(caseworker, case, shelter)
    other = make_org("other", type="shelter")
    login(caseworker)
    r = client.post(
        "/api/v1/referrals/",
        {
            "case": case.pk,
            "to_organization": other.pk,
            "services": ["shelter"],
            "consent": first.consent_id,
            "confirm_unlisted": True,
        },  # fmt: skip
        content_type="application/json",
    )
    assert r.status_code == 400 and "another organisation" in r.content.decode()


def test_person_page_says_for_whom_and_for_what(client, login, caseworker, case, shelter):
    referral = send(caseworker, case, shelter, shared_fields=["given_name", "phones"])
    login(caseworker)
    page = client.get(f"/people/{case.person_id}/").content.decode()
    assert shelter.name in page
    assert referral.reference in page
    assert "given name" in page and "phones" in page


def test_withdrawal_asks_for_confirmation_first(client, login, caseworker, case, shelter):
    referral = send(caseworker, case, shelter)
    url = f"/people/{case.person_id}/consents/{referral.consent_id}/withdraw/"
    login(caseworker)
    page = client.get(url)
    assert page.status_code == 200
    assert shelter.name in page.content.decode() and 'name="confirmed"' in page.content.decode()
    client.post(url)  # no confirmation: nothing happens
    assert Consent.objects.get(pk=referral.consent_id).withdrawn_on is None
    assert client.post(url, {"confirmed": "yes"}).status_code == 302
    assert Consent.objects.get(pk=referral.consent_id).withdrawn_on == TODAY()


def test_withdrawal_by_another_organisation_gets_404(
    client, login, other_org, make_member, caseworker, case, shelter
):
    referral = send(caseworker, case, shelter)
    login(make_member(other_org, "case_worker"))
    url = f"/people/{case.person_id}/consents/{referral.consent_id}/withdraw/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirmed": "yes"}).status_code == 404
    assert Consent.objects.get(pk=referral.consent_id).withdrawn_on is None


def test_inbox_shows_consent_withdrawn_and_nothing_else(
    client, login, caseworker, receiver, case, shelter
):
    referral = send(caseworker, case, shelter, services=["psychological"])
    services.accept_referral(membership=receiver, referral=referral)
    withdraw_consent(membership=caseworker, consent=referral.consent)
    login(receiver)
    page = client.get("/referrals/").content.decode()
    assert "consent withdrawn" in page
    assert referral.reference in page
    assert f'href="/referrals/{referral.pk}/"' not in page  # no link to a 404
    assert "Psychological help" not in page
    assert caseworker.organization.name not in page
