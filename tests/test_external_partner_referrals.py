"""Referrals to partners outside Koldoo (lawyers, police, IOM, consulates, hospitals): the
sender records their answer and the services they delivered, and both count in the
statistics like a member organisation's answers."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.core.models import AuditEntry
from apps.referrals import services
from apps.referrals.models import (
    DirectoryEntry,
    DirectoryService,
    Referral,
    ReferralStatus,
    ServiceDelivered,
)
from apps.statistics import counting


@pytest.fixture
def hospital(db):
    entry = DirectoryEntry.objects.create(
        name="City Hospital No. 4", org_type="government", is_public=True
    )
    DirectoryService.objects.create(entry=entry, service_type="medical")
    return entry


@pytest.fixture
def referral(caseworker, make_person, make_case, hospital):
    case = make_case(caseworker, make_person(caseworker))
    return services.create_referral(
        membership=caseworker,
        case=case,
        services=["medical"],
        shared_fields=["given_name"],
        to_entry=hospital,
        consent_valid_until=timezone.localdate() + datetime.timedelta(days=30),
        purpose="Medical examination",
    )


def test_sender_records_a_decline_with_its_reason(client, login, caseworker, referral):
    login(caseworker)
    r = client.post(f"/referrals/{referral.pk}/answer/", {"status": "declined", "reason": ""})
    assert r.status_code == 400
    assert "Give a reason for declining." in r.content.decode()
    r = client.post(
        f"/referrals/{referral.pk}/answer/",
        {"status": "declined", "reason": "Department closed", "next": f"/referrals/{referral.pk}/"},
    )
    assert r.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    assert referral.decline_reason == "Department closed"
    assert "Department closed" in client.get(f"/referrals/{referral.pk}/").content.decode()
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.CHANGE, target_type="referral", target_id=str(referral.pk)
    ).exists()


def test_partner_path_accepted_service_delivered_completed(client, login, caseworker, referral):
    login(caseworker)
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert 'id="answer-form"' in page
    client.post(f"/referrals/{referral.pk}/answer/", {"status": "accepted"})
    r = client.post(
        f"/referrals/{referral.pk}/services/",
        {"service_type": "medical", "delivered_on": timezone.localdate().isoformat()},
    )
    assert r.status_code == 302
    client.post(f"/referrals/{referral.pk}/answer/", {"status": "completed"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED and referral.completed_at
    assert referral.deliveries.get().service_type == "medical"


def test_partner_services_and_answers_count_in_the_statistics(caseworker, referral):
    services.record_partner_answer(membership=caseworker, referral=referral, status="accepted")
    services.record_service_delivered(
        membership=caseworker, referral=referral, service_type="medical"
    )
    today = timezone.localdate()
    orgs = [caseworker.organization_id]
    served = counting.service_counts(orgs, today, today)
    assert served[("medical",)] == 1
    answered = counting.referral_counts(orgs, today, today)
    assert answered[("accepted", "government")] == 1


def test_a_service_delivered_in_the_future_is_refused(caseworker, referral):
    with pytest.raises(ValidationError):
        services.record_service_delivered(
            membership=caseworker,
            referral=referral,
            service_type="medical",
            delivered_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert not ServiceDelivered.objects.exists()


def test_answers_of_member_organisations_are_theirs_to_give(
    caseworker, make_org, make_person, make_case
):
    member = make_org("legal", type="legal_aid")
    case = make_case(caseworker, make_person(caseworker))
    to_member = services.create_referral(
        membership=caseworker,
        case=case,
        services=["legal"],
        shared_fields=[],
        to_organization=member,
        consent_valid_until=timezone.localdate(),
        confirm_unlisted=True,
    )
    with pytest.raises(ValidationError):
        services.record_partner_answer(membership=caseworker, referral=to_member, status="accepted")
    with pytest.raises(ValidationError):
        services.record_service_delivered(
            membership=caseworker, referral=to_member, service_type="legal"
        )
    assert Referral.objects.get(pk=to_member.pk).status == ReferralStatus.SENT


def test_other_organisation_gets_404(client, login, other_org, make_member, referral):
    login(make_member(other_org, "case_worker"))
    assert (
        client.post(f"/referrals/{referral.pk}/answer/", {"status": "accepted"}).status_code == 404
    )
    assert (
        client.post(f"/referrals/{referral.pk}/services/", {"service_type": "medical"}).status_code
        == 404
    )


def test_weaker_role_gets_403(client, login, org, make_member, referral):
    login(make_member(org, "monitor"))
    assert (
        client.post(f"/referrals/{referral.pk}/answer/", {"status": "accepted"}).status_code == 403
    )


def test_api_records_the_partner_answer(client, login, caseworker, referral):
    login(caseworker)
    url = f"/api/v1/referrals/{referral.pk}/partner-answer/"
    assert (
        client.post(url, {"status": "declined"}, content_type="application/json").status_code == 400
    )
    r = client.post(
        url, {"status": "declined", "reason": "No doctor"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["status"] == "declined"
    r = client.post(
        f"/api/v1/referrals/{referral.pk}/deliveries/",
        {"service_type": "medical"},
        content_type="application/json",
    )
    assert r.status_code == 400  # declined: nothing was delivered
