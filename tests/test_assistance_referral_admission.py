"""A shelter records the admission of a person referred to it, from the referral."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.assistance import services
from apps.assistance.models import ShelterStay
from apps.cases.services import withdraw_consent
from apps.core.models import AuditEntry
from apps.referrals import services as referral_services
from apps.referrals.models import ReferralStatus


@pytest.fixture
def shelter(make_org):
    return make_org("shelter-r", type="shelter")


@pytest.fixture
def shelter_worker(shelter, make_member):
    return make_member(shelter, "case_worker")


@pytest.fixture
def case(caseworker, make_person, make_case):
    return make_case(caseworker, make_person(caseworker, given_name="Айпери"))


def _refer(caseworker, case, to):
    return referral_services.create_referral(
        membership=caseworker,
        case=case,
        to_organization=to,
        services=["shelter"],
        shared_fields=["given_name"],
        consent_valid_until=timezone.localdate() + datetime.timedelta(days=90),
        confirm_unlisted=True,
    )


@pytest.fixture
def referral(caseworker, case, shelter):
    return _refer(caseworker, case, shelter)


def _accept(member, referral):
    return referral_services.accept_referral(membership=member, referral=referral)


def test_admit_after_acceptance_and_discharge(client, login, shelter_worker, referral, case):
    _accept(shelter_worker, referral)
    login(shelter_worker)
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert 'id="admit-form"' in page
    r = client.post(
        f"/referrals/{referral.pk}/admit/",
        {"admitted_on": "2026-01-05", "bed_label": "A1", "next": f"/referrals/{referral.pk}/"},
    )
    assert r.status_code == 302
    stay = ShelterStay.objects.get()
    assert stay.case == case and stay.referral == referral
    assert stay.shelter == shelter_worker.organization and stay.bed_label == "A1"
    assert AuditEntry.objects.filter(
        action="create", target_type="shelterstay", target_id=str(stay.pk)
    ).exists()
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert 'id="discharge-form"' in page and 'id="admit-form"' not in page
    r = client.post(
        f"/referrals/{referral.pk}/discharge/",
        {"discharged_on": "2026-02-01", "next": f"/referrals/{referral.pk}/"},
    )
    assert r.status_code == 302
    stay.refresh_from_db()
    assert stay.discharged_on == datetime.date(2026, 2, 1)


def test_refused_before_acceptance(shelter_worker, referral):
    assert referral.status == ReferralStatus.SENT
    with pytest.raises(ValidationError):
        services.admit_from_referral(membership=shelter_worker, referral=referral)
    assert not ShelterStay.objects.exists()


def test_refused_by_a_non_shelter(caseworker, case, make_org, make_member):
    legal = make_org("legal-r", type="legal_aid")
    lawyer = make_member(legal, "case_worker")
    referral = _refer(caseworker, case, legal)
    _accept(lawyer, referral)
    with pytest.raises(ValidationError):
        services.admit_from_referral(membership=lawyer, referral=referral)
    assert not ShelterStay.objects.exists()


def test_refused_by_another_organisation(shelter_worker, referral, make_org, make_member):
    _accept(shelter_worker, referral)
    other = make_member(make_org("shelter-other", type="shelter"), "case_worker")
    with pytest.raises(ValidationError):
        services.admit_from_referral(membership=other, referral=referral)
    assert not ShelterStay.objects.exists()


def test_refused_after_consent_withdrawn(client, login, caseworker, shelter_worker, referral):
    _accept(shelter_worker, referral)
    withdraw_consent(membership=caseworker, consent=referral.consent)
    with pytest.raises(ValidationError):
        services.admit_from_referral(membership=shelter_worker, referral=referral)
    login(shelter_worker)
    r = client.post(f"/referrals/{referral.pk}/admit/", {"admitted_on": "2026-01-05"})
    assert r.status_code == 404
    assert not ShelterStay.objects.exists()


def test_occupancy_lists_it_by_referral_reference(
    client, login, caseworker, shelter_worker, referral, case
):
    _accept(shelter_worker, referral)
    services.admit_from_referral(membership=shelter_worker, referral=referral, bed_label="B2")
    login(shelter_worker)
    page = client.get("/assistance/shelter/").content.decode()
    assert '<dd id="beds-in-use">1</dd>' in page
    assert referral.reference in page and "B2" in page
    assert case.reference not in page and case.person.code not in page
    assert "Айпери" not in page
    # After a withdrawal the shelter loses the referral, but the bed stays in use.
    withdraw_consent(membership=caseworker, consent=referral.consent)
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    page = client.get("/assistance/shelter/").content.decode()
    assert '<dd id="beds-in-use">1</dd>' in page
