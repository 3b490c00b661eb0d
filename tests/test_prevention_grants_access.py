"""Every prevention and grants page and API endpoint: another organisation's member gets
404 and sees nothing; a role without RECORD_PREVENTION / MANAGE_GRANTS gets 403."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.grants import services as grants
from apps.prevention import services as prevention
from apps.prevention.services import Attendance

SECRET_TITLE = "Stop at Kyzyl-Tuu secret"


@pytest.fixture
def world(org, other_org, make_member):
    me = make_member(org, "me_officer")
    event = prevention.record_event(
        membership=me,
        data={
            "event_type": "training",
            "title": SECRET_TITLE,
            "starts_on": datetime.date(2026, 4, 2),
            "ends_on": datetime.date(2026, 4, 2),
            "materials_distributed": 0,
        },
        attendance=Attendance(total=12, by_sex={"F": 12}),
    )
    campaign = prevention.create_campaign(membership=me, name="Campaign secret")
    prevention.save_capacity_assessment(membership=me, year=2025, scores={"governance": 3})
    donor = grants.create_donor(membership=me, name="Donor secret")
    grant = grants.create_grant(
        membership=me,
        donor=donor,
        reference="SECRET-1",
        title="Grant secret",
        amount=1000,
        currency="USD",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
    )
    grants.link_event(membership=me, grant=grant, event=event)
    indicator = grants.create_indicator(
        membership=me, code="SECRET-IND", name="Indicator", source="people_reached"
    )
    grants.use_indicator(membership=me, grant=grant, indicator=indicator)
    by_hand = grants.create_indicator(
        membership=me, code="SECRET-HAND", name="By hand", source="manual"
    )
    result = grants.record_manual_result(
        membership=me,
        grant=grant,
        indicator=by_hand,
        period_from=datetime.date(2026, 4, 1),
        period_to=datetime.date(2026, 6, 30),
        value=2,
        evidence=SimpleUploadedFile("minutes.txt", b"SECRET minutes"),
    )
    return {
        "result": result,
        "me": me,
        "event": event,
        "campaign": campaign,
        "grant": grant,
        "indicator": indicator,
        "stranger": make_member(other_org, "me_officer"),
        "caseworker": make_member(org, "case_worker"),
        "admin": make_member(org, "org_admin"),
    }


def pages(w):
    e, c, g = w["event"].pk, w["campaign"].pk, w["grant"].pk
    period = "?period_from=2026-04-01&period_to=2026-06-30&language=en"
    return {
        "record_prevention": [
            ("get", "/prevention/"),
            ("get", "/prevention/events/new/"),
            ("get", f"/prevention/events/{e}/"),
            ("get", f"/prevention/events/{e}/edit/"),
            ("post", f"/prevention/events/{e}/edit/"),
            ("post", f"/prevention/events/{e}/participants/"),
            ("post", f"/prevention/events/{e}/scores/"),
            ("post", f"/prevention/events/{e}/follow-ups/"),
            ("get", f"/prevention/campaigns/{c}/"),
            ("post", "/prevention/campaigns/new/"),
            ("get", "/prevention/capacity/"),
            ("get", "/api/v1/prevention-events/"),
            ("get", f"/api/v1/prevention-events/{e}/"),
            ("get", "/api/v1/campaigns/"),
            ("get", f"/api/v1/campaigns/{c}/"),
            ("get", "/api/v1/capacity-assessments/"),
        ],
        "manage_grants": [
            ("get", "/grants/"),
            ("get", "/grants/indicators/"),
            ("get", f"/grants/{g}/"),
            ("get", f"/grants/{g}/report.xlsx{period}"),
            ("get", f"/grants/{g}/report.pdf{period}"),
            ("post", f"/grants/{g}/sent/"),
            ("post", f"/grants/{g}/link/"),
            ("post", f"/grants/{g}/events/{e}/unlink/"),
            ("post", f"/grants/{g}/manual/"),
            ("get", f"/grants/evidence/{w['result'].pk}/"),
            ("get", "/api/v1/grants/"),
            ("get", f"/api/v1/grants/{g}/"),
            ("get", "/api/v1/indicators/"),
            ("get", f"/api/v1/indicators/{w['indicator'].pk}/"),
            (
                "get",
                f"/api/v1/indicator-results/?grant={g}&period_from=2026-04-01&period_to=2026-06-30",
            ),
        ],
    }


def test_weaker_role_gets_403_everywhere(world, login):
    client = login(world["caseworker"])
    for method, url in [x for group in pages(world).values() for x in group]:
        response = getattr(client, method)(url)
        assert response.status_code == 403, (url, response.status_code)
        assert SECRET_TITLE.encode() not in response.content


def test_other_organisation_gets_404_on_records_and_sees_nothing_in_lists(world, login):
    client = login(world["stranger"])
    for method, url in [x for group in pages(world).values() for x in group]:
        response = getattr(client, method)(url)
        body = response.content
        for secret in (SECRET_TITLE, "Campaign secret", "SECRET-1", "SECRET-IND", "SECRET min"):
            assert secret.encode() not in body, (url, secret)
        record_level = re.search(r"/\d+/", url) or "grant=" in url
        if record_level:
            assert response.status_code == 404, (url, response.status_code)


def test_me_officer_and_org_admin_reach_every_page(world, login):
    for who in ("me", "admin"):
        client = login(world[who])
        for method, url in [x for group in pages(world).values() for x in group]:
            if method == "get":
                response = client.get(url)
                assert response.status_code == 200, (who, url, response.status_code)


def test_other_organisation_cannot_link_its_event_to_my_grant(world, login, make_member):
    stranger = world["stranger"]
    theirs = prevention.record_event(
        membership=stranger,
        data={
            "event_type": "campaign_day",
            "title": "Their day",
            "starts_on": datetime.date(2026, 5, 1),
            "ends_on": datetime.date(2026, 5, 1),
            "materials_distributed": 0,
        },
        attendance=Attendance(total=3),
    )
    client = login(world["me"])
    response = client.post(f"/grants/{world['grant'].pk}/link/", {"event": theirs.pk})
    assert response.status_code == 400
    assert not world["grant"].event_links.filter(event=theirs).exists()
