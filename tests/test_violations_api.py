"""Events, institutions, visits and recommendations through the REST API: the same
services, scoping and audit as the pages."""

import pytest

from apps.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def monitor(org, make_member, reference_data):
    from apps.violations.models import ActType, PerpetratorType
    from apps.violations.vocabulary import load_vocabularies

    load_vocabularies(ActType, PerpetratorType)
    return make_member(org, "monitor")


INCIDENT = {
    "title": "Beating in custody",
    "occurred_on": "2026-02-01",
    "date_precision": "month",
    "victims": [
        {"given_name": "Бакыт", "family_name": "Осмонов", "act_type": "beating"},
        {"given_name": "Нурлан", "family_name": "Садыков", "act_type": "electric_shock"},
    ],
    "perpetrators": [
        {"given_name": "Эркин", "family_name": "Жумабеков", "role": "perpetrator",
         "perpetrator_type": "police"},
    ],
}  # fmt: skip


def test_incident_recorded_and_read_through_the_api(monitor, login):
    c = login(monitor)
    r = c.post("/api/v1/events/", INCIDENT, content_type="application/json")
    assert r.status_code == 201, r.content
    event = r.json()
    assert [a["act_type"] for a in event["acts"]] == ["beating", "electric_shock"]
    assert event["involvements"][0]["name"] == "Жумабеков Эркин"
    r = c.get(f"/api/v1/events/{event['id']}/")
    assert r.status_code == 200
    entry = AuditEntry.objects.filter(target_type="person", action="view").latest("id")
    assert entry.detail["via"] == "api" and len(entry.detail["shown"]) == 3
    r = c.post(
        f"/api/v1/events/{event['id']}/interventions/",
        {"kind": "letter", "made_on": "2026-02-10", "addressee": "Ombudsman"},
        content_type="application/json",
    )
    assert r.status_code == 201


def test_bad_incident_is_refused_with_clear_messages(monitor, login):
    c = login(monitor)
    bad = {**INCIDENT, "occurred_on": "2999-01-01", "victims": [{"act_type": "nonsense"}]}
    r = c.post("/api/v1/events/", bad, content_type="application/json")
    assert r.status_code == 400
    assert "victims" in r.json()
    r = c.post(
        "/api/v1/events/",
        {**INCIDENT, "occurred_on": "2999-01-01"},
        content_type="application/json",
    )
    assert r.status_code == 400
    assert "future" in str(r.json())


def test_api_scoping_other_organisation_and_weaker_role(
    monitor, login, other_org, make_member, caseworker
):
    c = login(monitor)
    event_id = c.post("/api/v1/events/", INCIDENT, content_type="application/json").json()["id"]
    stranger = login(make_member(other_org, "monitor"), c)
    assert stranger.get(f"/api/v1/events/{event_id}/").status_code == 404
    assert stranger.get("/api/v1/events/").json()["results"] == []
    r = stranger.post(
        f"/api/v1/events/{event_id}/sources/", {"kind": "media"}, content_type="application/json"
    )
    assert r.status_code == 404
    weaker = login(caseworker, c)
    assert weaker.get(f"/api/v1/events/{event_id}/").status_code == 403
    assert (
        weaker.post("/api/v1/events/", INCIDENT, content_type="application/json").status_code == 403
    )


def test_visit_and_recommendation_with_response_through_the_api(monitor, login):
    c = login(monitor)
    r = c.post(
        "/api/v1/institutions/",
        {"name": "СИЗО-1", "kind": "pre_trial_detention", "capacity": 450},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    institution = r.json()["id"]
    r = c.post(
        "/api/v1/institutions/",
        {"name": "X", "kind": "orphanage", "capacity": -1},
        content_type="application/json",
    )
    assert r.status_code == 400
    r = c.post(
        "/api/v1/visits/",
        {"institution": institution, "kind": "follow_up", "visited_on": "2026-05-04",
         "access": "denied"},
        content_type="application/json",
    )  # fmt: skip
    assert r.status_code == 400 and "denied_by" in r.json()
    r = c.post(
        "/api/v1/visits/",
        {"institution": institution, "kind": "follow_up", "visited_on": "2026-05-04",
         "access": "denied", "denied_by": "Head of the centre", "denial_reason": "Quarantine"},
        content_type="application/json",
    )  # fmt: skip
    assert r.status_code == 201
    visit = r.json()["id"]
    r = c.post(
        f"/api/v1/visits/{visit}/interviews/",
        {"given_name": "Улан", "category": "staff", "consent": True},
        content_type="application/json",
    )
    assert r.status_code == 201
    r = c.post(
        "/api/v1/recommendations/",
        {"kind": "post_visit", "text": "Allow access", "addressee": "Ministry", "visit": visit},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    rec = r.json()["id"]
    r = c.post(
        f"/api/v1/recommendations/{rec}/responses/",
        {"status": "rejected", "response": "Not possible"},
        content_type="application/json",
    )
    assert r.status_code == 201
    assert r.json()["status"] == "rejected"
    assert r.json()["updates"][0]["response"] == "Not possible"
    assert c.get("/api/v1/recommendations/?status=rejected").json()["count"] == 1


def test_api_endpoints_are_in_the_openapi_schema(monitor, login):
    schema = login(monitor).get("/api/schema/").content.decode()
    for path in ("/api/v1/events/", "/api/v1/institutions/", "/api/v1/visits/",
                 "/api/v1/recommendations/"):  # fmt: skip
        assert path in schema
