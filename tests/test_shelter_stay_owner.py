"""A stay in another organisation's shelter is recorded only by that shelter, through a
referral it accepted, never by the organisation that sends the person."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.assistance import services
from apps.assistance.models import ShelterStay
from apps.referrals import services as referral_services


@pytest.fixture
def shelter(make_org):
    return make_org("refuge", type="shelter")


@pytest.fixture
def shelter_worker(shelter, make_member):
    return make_member(shelter, "case_worker")


@pytest.fixture
def case(caseworker, make_person, make_case):
    return make_case(caseworker, make_person(caseworker, given_name="Айпери"))


@pytest.fixture
def accepted_referral(caseworker, shelter_worker, case, shelter):
    referral = referral_services.create_referral(
        membership=caseworker,
        case=case,
        to_organization=shelter,
        services=["shelter"],
        shared_fields=["given_name"],
        consent_valid_until=timezone.localdate() + datetime.timedelta(days=90),
        confirm_unlisted=True,
    )
    return referral_services.accept_referral(membership=shelter_worker, referral=referral)


def test_sender_cannot_record_a_stay_in_another_organisations_shelter(
    client, login, caseworker, case, shelter
):
    login(caseworker)
    r = client.post(
        f"/assistance/case/{case.pk}/stays/",
        {"shelter": shelter.pk, "admitted_on": "2026-01-05", "bed_label": "A1"},
    )
    assert r.status_code in (400, 403, 404)
    assert not ShelterStay.objects.exists()
    with pytest.raises(ValidationError):
        services.admit_to_shelter(membership=caseworker, case=case, shelter=shelter)
    assert not ShelterStay.objects.exists()


def test_sender_cannot_admit_through_its_own_referral(client, login, caseworker, accepted_referral):
    login(caseworker)
    r = client.post(
        f"/referrals/{accepted_referral.pk}/admit/",
        {"admitted_on": "2026-01-05", "bed_label": "A1"},
    )
    assert r.status_code in (403, 404)
    assert not ShelterStay.objects.exists()


def test_there_is_no_api_to_write_stays_around_the_referral(client, login, caseworker, case):
    # Stays are written on the referral's page by the shelter only; the API offers no
    # way around that rule.
    login(caseworker)
    for url in ("/api/v1/shelter-stays/", f"/api/v1/cases/{case.pk}/shelter-stays/"):
        r = client.post(url, {"case": case.pk}, content_type="application/json")
        assert r.status_code in (403, 404, 405)
    assert not ShelterStay.objects.exists()


def test_the_shelter_records_the_stay_after_accepting(
    client, login, shelter_worker, accepted_referral, case
):
    login(shelter_worker)
    r = client.post(
        f"/referrals/{accepted_referral.pk}/admit/",
        {"admitted_on": "2026-01-05", "bed_label": "A1"},
    )
    assert r.status_code == 302
    stay = ShelterStay.objects.get()
    assert stay.case == case and stay.shelter == shelter_worker.organization


def test_a_shelter_records_its_own_clients_stays(make_person, make_case, shelter_worker):
    case = make_case(shelter_worker, make_person(shelter_worker))
    stay = services.admit_to_shelter(
        membership=shelter_worker, case=case, shelter=shelter_worker.organization
    )
    assert stay.shelter == shelter_worker.organization
