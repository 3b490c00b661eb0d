"""Prevention events (with attendance), campaigns, capacity assessments, grants,
indicators and results through the REST API: the same services, checks and scoping as
the pages."""

import pytest

from apps.core.models import AuditEntry


@pytest.fixture
def me_officer(org, make_member):
    return make_member(org, "me_officer")


FESTIVAL = {
    "event_type": "film_screening",
    "title": "Film festival",
    "starts_on": "2026-04-10",
    "ends_on": "2026-04-12",
    "region": "osh",
    "attendance": {
        "total": 4838,
        "by_sex": {"F": 2867, "M": 1971},
        "by_age_band": {"11_24": 3895, "25_64": 843},
    },
}


def test_event_with_attendance_checked_like_the_page(me_officer, login):
    c = login(me_officer)
    r = c.post("/api/v1/prevention-events/", FESTIVAL, content_type="application/json")
    assert r.status_code == 400
    assert "adds up to 4,738" in str(r.json())
    fixed = {**FESTIVAL, "attendance": {**FESTIVAL["attendance"], "rest_not_recorded": True}}
    r = c.post("/api/v1/prevention-events/", fixed, content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["total_attendance"] == 4838
    assert body["attendance_by_age_band"] == {"11_24": 3895, "25_64": 843, "unknown": 100}
    r = c.get(f"/api/v1/prevention-events/{body['id']}/")
    assert r.json()["attendance_by_sex"] == {"F": 2867, "M": 1971}
    entry = AuditEntry.objects.filter(action="view", target_type="event").latest("id")
    assert entry.detail["via"] == "api"
    r = c.patch(
        f"/api/v1/prevention-events/{body['id']}/",
        {"title": "Film festival, Osh", "version": body["version"]},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["title"] == "Film festival, Osh" and r.json()["total_attendance"] == 4838
    stale = c.patch(
        f"/api/v1/prevention-events/{body['id']}/",
        {"title": "Old form", "version": body["version"]},
        content_type="application/json",
    )
    assert stale.status_code == 400 and "version" in stale.json()
    negative = {**FESTIVAL, "attendance": {"total": -4}}
    assert (
        c.post("/api/v1/prevention-events/", negative, content_type="application/json").status_code
        == 400
    )


def test_campaign_rolls_up_and_capacity_scores(me_officer, login):
    c = login(me_officer)
    campaign = c.post("/api/v1/campaigns/", {"name": "16 days"}, content_type="application/json")
    assert campaign.status_code == 201
    cid = campaign.json()["id"]
    for day, total in (("2026-11-25", 40), ("2026-11-30", 60)):
        r = c.post(
            "/api/v1/prevention-events/",
            {"event_type": "campaign_day", "title": day, "starts_on": day, "ends_on": day,
             "campaign": cid, "attendance": {"total": total}},
            content_type="application/json",
        )  # fmt: skip
        assert r.status_code == 201, r.content
    assert c.get(f"/api/v1/campaigns/{cid}/").json()["people_reached"] == 100
    r = c.post(
        "/api/v1/capacity-assessments/",
        {"year": 2025, "area": "finances", "score": 6},
        content_type="application/json",
    )
    assert r.status_code == 400
    r = c.post(
        "/api/v1/capacity-assessments/",
        {"year": 2025, "area": "finances", "score": 4},
        content_type="application/json",
    )
    assert r.status_code == 201
    assert c.get("/api/v1/capacity-assessments/?year=2025").json()["results"][0]["score"] == 4


def test_grant_indicator_and_results(me_officer, login):
    c = login(me_officer)
    r = c.post(
        "/api/v1/grants/",
        {"reference": "G-9", "title": "Grant", "donor": "Donor A", "amount": "1000.00",
         "currency": "USD", "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
        content_type="application/json",
    )  # fmt: skip
    assert r.status_code == 201, r.content
    grant_id = r.json()["id"]
    r = c.post(
        "/api/v1/grants/",
        {"reference": "G-10", "title": "Backwards", "donor": "Donor A", "amount": "10",
         "currency": "USD", "starts_on": "2026-12-31", "ends_on": "2026-01-01"},
        content_type="application/json",
    )  # fmt: skip
    assert r.status_code == 400
    r = c.post(
        "/api/v1/indicators/",
        {"code": "P1", "name": "People reached", "source": "people_reached",
         "disaggregation": ["sex"]},
        content_type="application/json",
    )  # fmt: skip
    assert r.status_code == 201, r.content
    from apps.grants import services
    from apps.grants.models import Grant, Indicator

    services.use_indicator(
        membership=me_officer,
        grant=Grant.objects.get(pk=grant_id),
        indicator=Indicator.objects.get(code="P1"),
    )
    r = c.get(
        f"/api/v1/indicator-results/?grant={grant_id}&period_from=2026-04-01&period_to=2026-06-30"
    )
    assert r.status_code == 200
    (row,) = r.json()
    assert row["indicator"] == "P1" and row["value"] == "0.00"
    bad = c.get(f"/api/v1/indicator-results/?grant={grant_id}&period_from=x&period_to=y")
    assert bad.status_code == 400


def test_openapi_schema_lists_the_endpoints(me_officer, login):
    r = login(me_officer).get("/api/schema/")
    assert r.status_code == 200
    text = r.content.decode()
    for path in (
        "/api/v1/prevention-events/",
        "/api/v1/campaigns/",
        "/api/v1/grants/",
        "/api/v1/indicators/",
        "/api/v1/indicator-results/",
        "/api/v1/capacity-assessments/",
    ):
        assert path in text
