"""Every page and API response that shows person-level data names, in the audit trail,
the records it showed (ids only, never a name)."""

import datetime

import pytest
from django.utils import timezone

from apps.core.models import AuditEntry

PHONE = "+996 555 123456"


def _newest_id():
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _last_read(**filters):
    return (
        AuditEntry.objects.filter(action__in=["view", "search"], **filters).order_by("-id").first()
    )


@pytest.fixture
def world(caseworker, make_person, make_case):
    """One record of every person-level kind, in the case worker's organisation."""
    from apps.assistance import services as assistance
    from apps.cases.services import record_consent
    from apps.hotline.services import save_call
    from apps.screening.services import record_screening

    person = make_person(caseworker, phones=[PHONE])
    case = make_case(caseworker, person)
    call = save_call(
        membership=caseworker,
        data={
            "channel": "messenger",
            "caller_category": "relative",
            "topics": ["missing_relative"],
            "urgency": "urgent",
            "caller_name": "Бакыт",
            "summary": "Sister stopped answering",
            "outcome": "information_given",
            "started_at": timezone.now(),
        },
        finish=True,
    )
    consent = record_consent(
        membership=caseworker,
        person=person,
        scope="referral",
        case=case,
        valid_until=timezone.localdate() + datetime.timedelta(days=30),
    )
    return {
        "person": person,
        "case": case,
        "call": call,
        "consent": consent,
        "screening": record_screening(membership=caseworker, person=person, answers={}),
        "needs": assistance.save_needs_assessment(
            membership=caseworker, case=case, stage="abroad", needs={"release": "needed"}
        ),
        "plan": assistance.save_service_plan(membership=caseworker, case=case, goals="Work"),
        "planned": assistance.add_planned_service(
            membership=caseworker, case=case, data={"service_type": "legal"}
        ),
        "delivered": assistance.record_delivered_service(
            membership=caseworker, case=case, data={"service_type": "legal"}
        ),
    }


API_LISTS = [
    ("/api/v1/people/", "person"),
    ("/api/v1/cases/", "case"),
    ("/api/v1/calls/", "call"),
    ("/api/v1/screenings/", "screening"),
    ("/api/v1/consents/", "consent"),
    ("/api/v1/needs-assessments/", "needs"),
    ("/api/v1/service-plans/", "plan"),
    ("/api/v1/planned-services/", "planned"),
    ("/api/v1/delivered-services/", "delivered"),
]


@pytest.mark.parametrize("url,kind", API_LISTS)
def test_api_list_names_every_record_it_returned(client, login, caseworker, world, url, kind):
    login(caseworker)
    before = _newest_id()
    r = client.get(url)
    assert r.status_code == 200, r.content
    returned = [row["id"] for row in r.json()["results"]]
    assert world[kind].pk in returned
    entry = AuditEntry.objects.filter(id__gt=before, action="view").get()
    assert entry.detail["shown"] == returned and entry.detail["via"] == "api"
    assert entry.actor == caseworker.user and entry.organization == caseworker.organization


@pytest.mark.parametrize("url,kind", API_LISTS)
def test_api_retrieve_is_audited(client, login, caseworker, world, url, kind):
    login(caseworker)
    before = _newest_id()
    assert client.get(f"{url}{world[kind].pk}/").status_code == 200
    entry = AuditEntry.objects.filter(id__gt=before, action="view").get()
    assert entry.target_id == str(world[kind].pk)


def test_api_list_of_many_identities_leaves_a_trace_of_each(client, login, caseworker, make_person):
    people = [make_person(caseworker, given_name=f"Асель{i}") for i in range(120)]
    login(caseworker)
    seen = []
    for offset in (0, 100):
        r = client.get("/api/v1/people/", {"limit": 100, "offset": offset})
        seen += [row["id"] for row in r.json()["results"]]
    shown = [
        i
        for d in AuditEntry.objects.filter(action="view", target_type="person").values_list(
            "detail", flat=True
        )
        for i in d.get("shown", [])
    ]
    assert sorted(shown) == sorted(seen) == sorted(p.pk for p in people)


def test_api_search_names_the_results_not_the_query(client, login, caseworker, make_person):
    p = make_person(caseworker)
    login(caseworker)
    client.get("/api/v1/people/", {"search": "Aigul Tolonbaeva"})
    entry = _last_read(action="search")
    assert entry.detail["shown"] == [p.pk]
    assert "aigul" not in str(entry.detail).lower()


def test_referral_lists_and_sender_page_are_audited(
    client, login, caseworker, world, make_org, make_member
):
    from apps.referrals import services as referral_services

    shelter = make_org("shelter-b", type="shelter")
    referral = referral_services.create_referral(
        membership=caseworker,
        case=world["case"],
        to_organization=shelter,
        services=["shelter"],
        shared_fields=[],
        consent_valid_until=timezone.localdate() + datetime.timedelta(days=30),
        confirm_unlisted=True,
    )
    login(caseworker)
    for url in ("/api/v1/referrals/", "/api/v1/referrals/?box=sent", "/referrals/?tab=sent"):
        before = _newest_id()
        assert client.get(url).status_code == 200
        entry = AuditEntry.objects.filter(id__gt=before, action="view").get()
        assert entry.detail["shown"] == [referral.pk], url
    for url in (f"/referrals/{referral.pk}/", f"/api/v1/referrals/{referral.pk}/"):
        before = _newest_id()
        assert client.get(url).status_code == 200
        entry = AuditEntry.objects.filter(id__gt=before, action="view").get()
        assert entry.target_type == "referral" and entry.target_id == str(referral.pk), url


@pytest.mark.parametrize(
    "url,kind",
    [
        ("/people/", "person"),
        ("/cases/", "case"),
        ("/hotline/", "call"),
    ],
)
def test_page_lists_name_the_records_shown(client, login, caseworker, world, url, kind):
    login(caseworker)
    before = _newest_id()
    assert client.get(url).status_code == 200
    entries = AuditEntry.objects.filter(id__gt=before, action__in=["view", "search"])
    assert any(world[kind].pk in e.detail.get("shown", []) for e in entries)


def test_edit_pages_are_audited(client, login, caseworker, world):
    login(caseworker)
    for url, kind in (
        (f"/people/{world['person'].pk}/edit/", "person"),
        (f"/cases/{world['case'].pk}/edit/", "case"),
        (f"/hotline/{world['call'].pk}/edit/", "call"),
        (f"/hotline/{world['call'].pk}/", "call"),
    ):
        before = _newest_id()
        assert client.get(url).status_code == 200, url
        entry = AuditEntry.objects.filter(id__gt=before, action="view").get()
        assert entry.target_id == str(world[kind].pk), url


def test_hidden_name_on_the_edit_page_counts_as_name_shown(client, login, caseworker, make_person):
    person = make_person(caseworker, hide_name=True)
    login(caseworker)
    client.get(f"/people/{person.pk}/edit/")
    assert _last_read(target_type="person").detail == {"name_revealed": True}


def test_hidden_name_through_the_api_counts_as_name_shown(client, login, caseworker, make_person):
    hidden = make_person(caseworker, hide_name=True)
    shown = make_person(caseworker, given_name="Асель")
    login(caseworker)
    client.get(f"/api/v1/people/{hidden.pk}/")
    assert _last_read(target_type="person").detail == {"name_revealed": True}
    client.get("/api/v1/people/")
    entry = _last_read(target_type="person")
    assert entry.detail["names_revealed"] == [hidden.pk]
    assert sorted(entry.detail["shown"]) == sorted([hidden.pk, shown.pk])


def test_reading_the_audit_trail_is_audited(client, login, org, make_member, caseworker, world):
    auditor = make_member(org, "auditor")
    login(auditor)
    assert client.get("/audit/").status_code == 200
    entry = _last_read(target_type="auditentry")
    assert entry.actor == auditor.user and len(entry.detail["shown"]) > 1
