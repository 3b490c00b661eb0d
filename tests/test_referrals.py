"""Referrals between organisations: consent first, limited receiving view, audit."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from apps.cases.services import withdraw_consent
from apps.core.models import AuditEntry
from apps.referrals import selectors, services
from apps.referrals.models import (
    DirectoryEntry,
    DirectoryService,
    Notification,
    Referral,
    ReferralStatus,
)

PHONE = "+996555123456"
SHARED = ["given_name", "family_name", "case_type"]


@pytest.fixture(autouse=True)
def _locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def shelter(make_org):
    org = make_org("shelter-a", type="shelter")
    entry = DirectoryEntry.objects.create(
        organization=org, name=org.name, regions=["bishkek"], is_public=False
    )
    DirectoryService.objects.create(entry=entry, service_type="shelter", capacity=10, beds_free=3)
    DirectoryService.objects.create(entry=entry, service_type="psychological")
    return org


@pytest.fixture
def receiver(shelter, make_member):
    return make_member(shelter, "case_worker")


@pytest.fixture
def receiver_admin(shelter, make_member):
    return make_member(shelter, "org_admin")


@pytest.fixture
def case(caseworker, make_person, make_case):
    person = make_person(
        caseworker, phones=[PHONE], address="ул. Секретная 7", birth_date="1999-04-02"
    )
    return make_case(caseworker, person)


def send(caseworker, case, to, **kw):
    kw.setdefault("services", ["shelter"])
    kw.setdefault("shared_fields", SHARED)
    kw.setdefault("consent_valid_until", timezone.localdate() + datetime.timedelta(days=90))
    kw.setdefault("purpose", "Размещение в приюте")
    return services.create_referral(membership=caseworker, case=case, to_organization=to, **kw)


def test_consent_recorded_first_and_notifications(
    caseworker, case, shelter, receiver_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = send(caseworker, case, shelter, message="Нужен приют")
    assert referral.status == ReferralStatus.SENT
    assert referral.consent.scope == "referral" and referral.consent.in_force
    assert referral.consent.case_id == case.pk
    assert Notification.objects.filter(organization=shelter, referral=referral, kind="new").exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [receiver_admin.user.email]
    assert "Айгүл" not in mail.outbox[0].body  # no personal data by e-mail


def test_receiver_404_before_acceptance(caseworker, case, shelter, receiver, login, client):
    referral = send(caseworker, case, shelter)
    login(receiver)
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    assert client.get(f"/api/v1/referrals/{referral.pk}/").status_code == 404
    # The inbox lists it, without personal data.
    page = client.get("/referrals/").content.decode()
    assert referral.reference in page and "Айгүл" not in page
    listed = client.get("/api/v1/referrals/?box=received").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert rows[0]["shared"] == {} and rows[0]["case"] is None


def test_after_acceptance_only_consented_fields(caseworker, case, shelter, receiver, login, client):
    referral = send(caseworker, case, shelter)
    login(receiver)
    assert client.post(f"/referrals/{referral.pk}/accept/").status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Айгүл" in page and "Төлөнбаева" in page
    assert PHONE not in page and "Секретная" not in page and "1999-04-02" not in page
    data = client.get(f"/api/v1/referrals/{referral.pk}/").json()
    assert set(data["shared"]) == set(SHARED)
    assert PHONE not in str(data) and "Секретная" not in str(data)
    assert data["case"] is None and data["consent"] is None
    views = AuditEntry.objects.filter(
        action="view", target_type="referral", target_id=str(referral.pk)
    )
    assert views.count() == 2
    assert views.first().organization_id == shelter.pk


def test_withdrawing_consent_ends_access_at_once(
    caseworker, case, shelter, receiver, login, client
):
    referral = send(caseworker, case, shelter)
    services.accept_referral(membership=receiver, referral=referral)
    login(receiver)
    assert client.get(f"/referrals/{referral.pk}/").status_code == 200
    assert client.get(f"/referrals/{referral.pk}/form.pdf").status_code == 404  # sender only
    withdraw_consent(membership=caseworker, consent=referral.consent)
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    assert Notification.objects.filter(
        organization=shelter, referral=referral, kind="consent_withdrawn"
    ).exists()
    assert client.get(f"/api/v1/referrals/{referral.pk}/").status_code == 404
    rows = client.get("/api/v1/referrals/").json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert rows[0]["shared"] == {}


def test_withdraw_via_api_ends_access(caseworker, case, shelter, receiver, login, client):
    from django.test import Client

    referral = send(caseworker, case, shelter)
    services.accept_referral(membership=receiver, referral=referral)
    sender = login(caseworker, Client())
    r = sender.post(f"/api/v1/consents/{referral.consent_id}/withdraw/")
    assert r.status_code == 200 and r.json()["in_force"] is False
    login(receiver)
    assert client.get(f"/api/v1/referrals/{referral.pk}/").status_code == 404
    # The receiver cannot see the sender's consents.
    assert client.get(f"/api/v1/consents/{referral.consent_id}/").status_code == 404


def test_decline_with_reason(caseworker, case, shelter, receiver, login, client):
    referral = send(caseworker, case, shelter)
    login(receiver)
    client.post(f"/referrals/{referral.pk}/decline/", {"reason": ""})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT  # a reason is required
    client.post(f"/referrals/{referral.pk}/decline/", {"reason": "Нет мест"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    assert referral.decline_reason == "Нет мест"
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    assert Notification.objects.filter(
        organization=caseworker.organization, kind="declined"
    ).exists()


def test_concurrent_accept_and_decline_cannot_both_succeed(caseworker, case, shelter, receiver):
    referral = send(caseworker, case, shelter)
    stale_a = Referral.objects.get(pk=referral.pk)
    stale_b = Referral.objects.get(pk=referral.pk)
    services.accept_referral(membership=receiver, referral=stale_a)
    with pytest.raises(services.AlreadyAnswered):
        services.decline_referral(membership=receiver, referral=stale_b, reason="x")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    with pytest.raises(services.AlreadyAnswered):
        services.accept_referral(membership=receiver, referral=stale_b)


def test_other_org_cannot_answer_or_see(caseworker, case, shelter, other_org, make_member):
    referral = send(caseworker, case, shelter)
    stranger = make_member(other_org, "org_admin")
    with pytest.raises(Exception):  # noqa: B017
        services.accept_referral(membership=stranger, referral=referral)
    assert not selectors.referrals_received(stranger).exists()
    assert not selectors.referrals_sent(stranger).exists()


def test_unlisted_service_warns(caseworker, case, shelter, login, client):
    with pytest.raises(services.UnlistedServices) as exc:
        send(caseworker, case, shelter, services=["legal"])
    assert exc.value.missing == ["legal"]
    login(caseworker)
    form = {
        "to_organization": shelter.pk,
        "services": ["legal"],
        "shared_fields": ["given_name"],
        "purpose": "Юридическая помощь",
        "consent_valid_until": "2099-01-01",
        "consent_given": "on",
    }
    r = client.post(f"/referrals/new/?case={case.pk}", form)
    assert r.status_code == 200
    assert "does not list" in r.content.decode()
    assert not Referral.objects.exists()
    r = client.post(f"/referrals/new/?case={case.pk}", {**form, "confirm_unlisted": "on"})
    assert r.status_code == 302
    assert Referral.objects.get().unlisted_services_confirmed


def test_new_referral_requires_consent_tick(caseworker, case, shelter, login, client):
    login(caseworker)
    r = client.post(
        f"/referrals/new/?case={case.pk}",
        {
            "to_organization": shelter.pk,
            "services": ["shelter"],
            "purpose": "x",
            "consent_valid_until": "2099-01-01",
        },
    )
    assert r.status_code == 200 and not Referral.objects.exists()


def test_status_flow_and_services_delivered(caseworker, case, shelter, receiver):
    referral = send(caseworker, case, shelter)
    services.accept_referral(membership=receiver, referral=referral)
    services.change_status(membership=receiver, referral=referral, status="in_progress")
    services.record_service_delivered(
        membership=receiver, referral=referral, service_type="shelter"
    )
    services.change_status(membership=receiver, referral=referral, status="completed")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED and referral.completed_at
    assert referral.deliveries.get().service_type == "shelter"
    with pytest.raises(Exception):  # noqa: B017
        services.change_status(membership=receiver, referral=referral, status="cancelled")


def test_sender_cancels(caseworker, case, shelter, receiver):
    referral = send(caseworker, case, shelter)
    services.change_status(membership=caseworker, referral=referral, status="cancelled")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CANCELLED
    with pytest.raises(services.AlreadyAnswered):
        services.accept_referral(membership=receiver, referral=referral)


def test_external_referral_pdf_in_russian_is_audited(caseworker, case, login, client):
    entry = DirectoryEntry.objects.get(name="Sezim", organization=None)
    referral = services.create_referral(
        membership=caseworker,
        case=case,
        to_entry=entry,
        services=["shelter"],
        shared_fields=["given_name", "sex"],
        consent_valid_until=datetime.date(2099, 1, 1),
        purpose="Приют",
    )
    login(caseworker)
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "form.pdf?lang=ru" in page and "Sezim" in page
    r = client.get(f"/referrals/{referral.pk}/form.pdf?lang=ru")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    assert b"DejaVuSans" in r.content  # the Cyrillic font is embedded
    entry = AuditEntry.objects.get(action="export", target_type="referral")
    assert entry.detail["lang"] == "ru" and entry.detail["shared_fields"] == ["given_name", "sex"]
    withdraw_consent(membership=caseworker, consent=referral.consent)
    assert client.get(f"/referrals/{referral.pk}/form.pdf?lang=ky").status_code == 404


def test_cancelled_referral_prints_no_form(caseworker, case, login, client):
    entry = DirectoryEntry.objects.get(name="Sezim", organization=None)
    referral = services.create_referral(
        membership=caseworker, case=case, to_entry=entry, services=["shelter"],
        shared_fields=["given_name"], consent_valid_until=datetime.date(2099, 1, 1),
    )  # fmt: skip
    login(caseworker)
    assert client.get(f"/referrals/{referral.pk}/form.pdf").status_code == 200
    services.change_status(membership=caseworker, referral=referral, status="cancelled")
    assert client.get(f"/referrals/{referral.pk}/form.pdf").status_code == 404


def test_directory_search(caseworker, shelter, login, client):
    assert {e.name for e in selectors.directory_entries(service="legal")} >= {
        "Bir Duino-Kyrgyzstan"
    }
    assert [e.name for e in selectors.directory_entries(region="naryn")] == ["Tendesh"]
    assert shelter.name in [e.name for e in selectors.directory_entries(q="shelter-a")]
    login(caseworker)
    page = client.get("/referrals/directory/?service=shelter").content.decode()
    assert "Sezim" in page and shelter.name in page and "Bir Duino" not in page
    data = client.get("/api/v1/directory/?region=osh").json()
    rows = data["results"] if isinstance(data, dict) else data
    assert [e["name"] for e in rows] == ["Podruga"]


def test_api_create_and_scoping(caseworker, case, shelter, receiver, other_org, make_member):
    from django.test import Client

    sender = Client()
    sender.force_login(caseworker.user)
    r = sender.post(
        "/api/v1/referrals/",
        {
            "case": case.pk,
            "to_organization": shelter.pk,
            "services": ["legal"],
            "shared_fields": ["given_name"],
            "consent_valid_until": "2099-01-01",
        },
        content_type="application/json",
    )
    assert r.status_code == 400 and "unlisted_services" in r.json()
    r = sender.post(
        "/api/v1/referrals/",
        {
            "case": case.pk,
            "to_organization": shelter.pk,
            "services": ["shelter"],
            "shared_fields": ["given_name"],
            "consent_valid_until": "2099-01-01",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["shared"] == {"given_name": "Айгүл"}
    rec = Client()
    rec.force_login(receiver.user)
    assert rec.post(f"/api/v1/referrals/{pk}/accept/").status_code == 200
    assert rec.post(f"/api/v1/referrals/{pk}/decline/", {"reason": "x"}).status_code == 400
    stranger = Client()
    stranger.force_login(make_member(other_org, "case_worker").user)
    assert stranger.get(f"/api/v1/referrals/{pk}/").status_code == 404
    rows = stranger.get("/api/v1/referrals/").json()
    assert (rows["results"] if isinstance(rows, dict) else rows) == []
    assert stranger.get(f"/api/v1/consents/{Referral.objects.get().consent_id}/").status_code == 404


def test_inbox_nav_and_case_link(caseworker, case, shelter, receiver, login, client):
    send(caseworker, case, shelter)
    login(receiver)
    page = client.get("/").content.decode()
    assert "/referrals/" in page
    assert client.get("/referrals/?tab=received").status_code == 200
    assert not selectors.notifications_of(receiver).filter(read_at__isnull=True).exists()
    login(caseworker)
    assert f"/referrals/new/?case={case.pk}" in client.get(f"/cases/{case.pk}/").content.decode()
    assert client.get(f"/referrals/new/?case={case.pk}").status_code == 200
