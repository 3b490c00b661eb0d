"""Referral action forms refused by the form or the service come back with the page,
the bound form, its errors and what was typed (the same mechanism as assistance)."""

import datetime

import pytest

from apps.assistance.models import ShelterStay
from apps.cases.services import withdraw_consent
from apps.referrals.models import Referral, ReferralStatus, ServiceDelivered
from apps.referrals.services import accept_referral, create_referral


@pytest.fixture
def shelter(make_org):
    return make_org("shelter-f", type="shelter")


@pytest.fixture
def receiver(shelter, make_member):
    return make_member(shelter, "case_worker")


@pytest.fixture
def referral(caseworker, make_person, make_case, shelter):
    case = make_case(caseworker, make_person(caseworker))
    return create_referral(
        membership=caseworker,
        case=case,
        services=["shelter", "medical"],
        shared_fields=["given_name"],
        to_organization=shelter,
        consent_valid_until=datetime.date(2030, 1, 1),
        confirm_unlisted=True,
    )


def test_bad_delivery_keeps_the_note(client, login, receiver, referral):
    accept_referral(membership=receiver, referral=referral)
    login(receiver)
    r = client.post(
        f"/referrals/{referral.pk}/services/",
        {
            "service_type": "medical",
            "delivered_on": "2026-13-45",
            "note": "Анализы сданы",
            "next": f"/referrals/{referral.pk}/",
        },
    )
    assert r.status_code == 400
    page = r.content.decode()
    assert 'value="Анализы сданы"' in page and 'id="id_delivered_on_error"' in page
    assert not ServiceDelivered.objects.exists()


def test_admission_refused_by_the_service_keeps_the_bed(client, login, receiver, referral):
    login(receiver)
    # Not accepted yet: the page is not readable, so the action is 404 as before.
    assert client.post(f"/referrals/{referral.pk}/admit/", {}).status_code == 404
    accept_referral(membership=receiver, referral=referral)
    r = client.post(
        f"/referrals/{referral.pk}/admit/",
        {"admitted_on": "", "bed_label": "Комната 2, кровать 1"},
    )
    assert r.status_code == 400
    assert 'value="Комната 2, кровать 1"' in r.content.decode()
    assert not ShelterStay.objects.exists()


def test_decline_without_reason_shows_the_error_in_the_inbox(client, login, receiver, referral):
    login(receiver)
    r = client.post(f"/referrals/{referral.pk}/decline/", {"reason": "   "})
    assert r.status_code == 400
    assert f'id="reason-{referral.pk}-errors"' in r.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_accept_after_withdrawal_is_refused_with_a_message(
    client, login, caseworker, receiver, referral
):
    withdraw_consent(membership=caseworker, consent=referral.consent)
    login(receiver)
    r = client.post(f"/referrals/{referral.pk}/accept/")
    assert r.status_code == 400
    assert "consent is no longer in force" in r.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT


def test_a_status_change_not_allowed_is_shown_on_the_referral(client, login, caseworker, referral):
    login(caseworker)
    r = client.post(
        f"/referrals/{referral.pk}/status/",
        {"status": "completed", "next": f"/referrals/{referral.pk}/"},
    )
    assert r.status_code == 400
    assert "This status change is not allowed." in r.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT
