"""The receiver of a referral reads its free texts (purpose, reason, needs) only where the
person's consent includes them: on the page, in the API, on the printed form and in the
HTCDS export."""

import datetime

import pytest
from django.utils import timezone

from apps.referrals import services as referral_services

REASON = "Айгүл Төлөнбаева, улица Секретная 7: муж угрожает ей"
PURPOSE = "Убежище для Айгүл"
NEEDS = "Врач для Айгүл"


@pytest.fixture
def partner(make_org):
    return make_org("partner")


@pytest.fixture
def partner_worker(partner, make_member):
    return make_member(partner, "case_worker")


@pytest.fixture
def case(caseworker, make_person, make_case):
    return make_case(caseworker, make_person(caseworker, given_name="Айгүл"))


def _refer(caseworker, case, partner_worker, shared, **to):
    referral = referral_services.create_referral(
        membership=caseworker,
        case=case,
        services=["shelter"],
        shared_fields=shared,
        consent_valid_until=timezone.localdate() + datetime.timedelta(days=90),
        purpose=PURPOSE,
        message=REASON,
        needs=NEEDS,
        confirm_unlisted=True,
        **(to or {"to_organization": partner_worker.organization}),
    )
    if partner_worker is not None and "to_entry" not in to:
        referral_services.accept_referral(membership=partner_worker, referral=referral)
    return referral


def _texts_seen_by_receiver(client, referral):
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    detail = client.get(f"/api/v1/referrals/{referral.pk}/").json()
    listed = client.get("/api/v1/referrals/", {"side": "received"}).json()
    rows = listed.get("results", listed) if isinstance(listed, dict) else listed
    return page, detail, rows


def test_receiver_does_not_read_free_texts_without_consent(
    client, login, caseworker, case, partner_worker
):
    referral = _refer(caseworker, case, partner_worker, ["sex"])
    login(partner_worker)
    page, detail, rows = _texts_seen_by_receiver(client, referral)
    for text in (REASON, PURPOSE, NEEDS):
        assert text not in page
        assert text not in str(detail)
        assert text not in str(rows)


def test_receiver_reads_the_free_texts_the_consent_includes(
    client, login, caseworker, case, partner_worker
):
    referral = _refer(caseworker, case, partner_worker, ["sex", "message"])
    login(partner_worker)
    page, detail, _rows = _texts_seen_by_receiver(client, referral)
    assert REASON in page and detail["message"] == REASON
    assert detail["shared"]["message"] == REASON
    assert PURPOSE not in page and detail["purpose"] == ""
    assert NEEDS not in page and detail["needs"] == ""


def test_sender_still_sees_what_was_typed(client, login, caseworker, case, partner_worker):
    referral = _refer(caseworker, case, partner_worker, ["sex"])
    login(caseworker)
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert REASON in page and PURPOSE in page


def test_printed_form_carries_only_consented_free_texts(
    client, login, caseworker, case, monkeypatch
):
    from apps.referrals import pdf
    from apps.referrals.models import DirectoryEntry

    printed = []
    real = pdf.Paragraph
    monkeypatch.setattr(
        pdf, "Paragraph", lambda text, *a, **k: printed.append(text) or real(text, *a, **k)
    )
    entry = DirectoryEntry.objects.create(name="Outside shelter", is_public=True)
    referral = _refer(caseworker, case, None, ["sex", "purpose"], to_entry=entry)
    login(caseworker)
    r = client.get(f"/referrals/{referral.pk}/form.pdf?lang=ru")
    assert r.status_code == 200
    text = " ".join(printed)
    assert PURPOSE in text
    assert REASON not in text and NEEDS not in text


def test_htcds_export_carries_only_consented_free_texts(
    client, login, caseworker, case, partner_worker
):
    referral = _refer(caseworker, case, partner_worker, ["sex"])
    login(caseworker)
    body = client.get(f"/exchange/referrals/{referral.pk}/htcds.json").content.decode()
    for text in (REASON, PURPOSE, NEEDS):
        assert text not in body
    consented = _refer(caseworker, case, partner_worker, ["sex", "message"])
    body = client.get(f"/exchange/referrals/{consented.pk}/htcds.json").json()
    assert REASON in str(body)
