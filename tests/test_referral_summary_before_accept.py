"""Before it accepts, the receiving organisation reads a summary without identity (sex,
age band, services and needs asked for, urgency, languages, special needs), so a
shelter for women and children can decide; never a name, birth date, phone or document."""

import datetime

import pytest
from django.utils import timezone

from apps.cases.services import withdraw_consent
from apps.core.models import AuditEntry
from apps.people.models import Person
from apps.referrals import selectors, services

PHONE = "+996555987654"
DOCUMENT = "AN1234567"


@pytest.fixture
def shelter(make_org):
    return make_org("shelter", type="shelter")


@pytest.fixture
def receiver(shelter, make_member):
    return make_member(shelter, "case_worker")


@pytest.fixture
def referral(caseworker, make_person, make_case, shelter):
    person = make_person(
        caseworker,
        sex="F",
        birth_date=f"{timezone.localdate().year - 16}-01-01",
        phones=[PHONE],
        document_numbers=[DOCUMENT],
        languages=["ky", "uz"],
    )
    return services.create_referral(
        membership=caseworker,
        case=make_case(caseworker, person),
        services=["shelter"],
        shared_fields=["given_name", "family_name", "birth_date", "phones"],
        to_organization=shelter,
        consent_valid_until=timezone.localdate() + datetime.timedelta(days=30),
        purpose="Safe place",
        message="Айгүл needs a bed tonight",
        urgency="emergency",
        needs_requested=["short_term_shelter", "psychological"],
        special_needs=["with_children"],
        confirm_unlisted=True,
    )


def test_receiver_reads_the_summary_without_identity(client, login, receiver, referral):
    login(receiver)
    inbox = client.get("/referrals/").content.decode()
    assert f"/referrals/{referral.pk}/summary/" in inbox
    r = client.get(f"/referrals/{referral.pk}/summary/")
    assert r.status_code == 200
    page = r.content.decode()
    for shown in ("female", "14–17", "Shelter", "short-term shelter", "psychological help",
                  "emergency", "accompanied by children"):  # fmt: skip
        assert shown in page, shown
    person = Person.objects.get()
    for hidden in (person.given_name, person.family_name, person.birth_date, PHONE, DOCUMENT,
                   "needs a bed tonight"):  # fmt: skip
        assert hidden not in page, hidden
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.VIEW, target_type="referral", detail__summary=True
    ).exists()
    # The shared data itself still waits for the acceptance.
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404


def test_accepting_from_the_summary_opens_the_shared_data(client, login, receiver, referral):
    login(receiver)
    r = client.post(f"/referrals/{referral.pk}/accept/", {"next": f"/referrals/{referral.pk}/"})
    assert r.status_code == 302 and r["Location"] == f"/referrals/{referral.pk}/"
    assert PHONE in client.get(r["Location"]).content.decode()
    # Answered: the summary has done its work.
    assert client.get(f"/referrals/{referral.pk}/summary/").status_code == 404


def test_no_summary_after_the_consent_is_withdrawn(client, login, caseworker, receiver, referral):
    withdraw_consent(membership=caseworker, consent=referral.consent)
    login(receiver)
    assert client.get(f"/referrals/{referral.pk}/summary/").status_code == 404
    assert client.get(f"/api/v1/referrals/{referral.pk}/summary/").status_code == 404


def test_other_organisation_gets_404(client, login, caseworker, make_org, make_member, referral):
    login(make_member(make_org("third", type="shelter"), "case_worker"))
    assert client.get(f"/referrals/{referral.pk}/summary/").status_code == 404
    login(caseworker)  # the sender has its own, full page
    assert client.get(f"/referrals/{referral.pk}/summary/").status_code == 404


def test_weaker_role_gets_403(client, login, shelter, make_member, referral):
    login(make_member(shelter, "monitor"))
    assert client.get(f"/referrals/{referral.pk}/summary/").status_code == 403


def test_api_gives_the_same_summary(client, login, receiver, referral):
    login(receiver)
    r = client.get(f"/api/v1/referrals/{referral.pk}/summary/")
    assert r.status_code == 200
    rows = {row["label"]: row["value"] for row in r.json()}
    assert rows["Age band"] == "14–17" and rows["Urgency"] == "emergency (today)"
    assert PHONE not in r.content.decode()


def test_age_band_names_both_bands_when_the_year_alone_cannot_tell():
    today = datetime.date(2026, 6, 1)
    assert selectors.age_band(Person(birth_year=2008), on=today) == "14–17 / 18–24"
    assert selectors.age_band(Person(birth_date="2008-01-15", birth_year=2008), on=today) == "18–24"
    assert selectors.age_band(Person(), on=today) == "unknown"
