"""Editing and deleting a campaign: audited, scoped, refused when someone saved in
between (the typed input comes back), deleted only while no event is filed under it."""

import datetime

import pytest
from django.test import Client

from apps.core.models import AuditEntry
from apps.prevention import services
from apps.prevention.models import Campaign
from apps.prevention.services import Attendance


@pytest.fixture
def me_officer(org, make_member):
    return make_member(org, "me_officer")


@pytest.fixture
def campaign(me_officer):
    return services.create_campaign(
        membership=me_officer,
        name="16 days",
        starts_on=datetime.date(2026, 11, 25),
        ends_on=datetime.date(2026, 12, 10),
    )


def form(**changes):
    data = {
        "name": "16 days",
        "starts_on": "2026-11-25",
        "ends_on": "2026-12-10",
        "description": "",
        "version": "1",
    }
    return {**data, **changes}


def test_campaign_edit_saves_audits_and_refuses_stale_or_bad(campaign, me_officer, login):
    c = login(me_officer)
    assert c.get(f"/prevention/campaigns/{campaign.pk}/edit/").status_code == 200
    r = c.post(f"/prevention/campaigns/{campaign.pk}/edit/", form(name="16 days of activism"))
    assert r.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "16 days of activism" and campaign.version == 2
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CHANGE, target_type="campaign")
    assert entry.detail["fields"] == ["name"]
    r = c.post(f"/prevention/campaigns/{campaign.pk}/edit/", form(name="Typed over"))
    assert r.status_code == 400 and "Typed over" in r.content.decode()
    r = c.post(
        f"/prevention/campaigns/{campaign.pk}/edit/",
        form(name="Backwards", ends_on="2026-01-01", version="2"),
    )
    assert r.status_code == 400 and "Backwards" in r.content.decode()
    campaign.refresh_from_db()
    assert campaign.name == "16 days of activism"


def test_campaign_deleted_only_without_events(campaign, me_officer, login):
    event = services.record_event(
        membership=me_officer,
        data={
            "event_type": "campaign_day",
            "title": "Day one",
            "starts_on": datetime.date(2026, 11, 25),
            "ends_on": datetime.date(2026, 11, 25),
            "region": "osh",
            "materials_distributed": 0,
            "campaign": campaign,
        },
        attendance=Attendance(total=10),
    )
    c = login(me_officer)
    c.post(f"/prevention/campaigns/{campaign.pk}/delete/", {"version": "1"})
    assert Campaign.objects.filter(pk=campaign.pk).exists()
    event.campaign = None
    event.save()
    r = c.post(f"/prevention/campaigns/{campaign.pk}/delete/", {"version": "1"})
    assert r.status_code == 302 and not Campaign.objects.filter(pk=campaign.pk).exists()
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.DELETE, target_type="campaign"
    ).exists()


def test_other_organisation_404_and_weaker_role_403(campaign, org, other_org, make_member, login):
    stranger = login(make_member(other_org, "me_officer"))
    caseworker = login(make_member(org, "case_worker"), Client())
    edit = f"/prevention/campaigns/{campaign.pk}/edit/"
    delete = f"/prevention/campaigns/{campaign.pk}/delete/"
    r = stranger.get(edit)
    assert r.status_code == 404 and "16 days" not in r.content.decode()
    assert stranger.post(edit, form(name="X")).status_code == 404
    assert stranger.post(delete, {"version": "1"}).status_code == 404
    assert caseworker.get(edit).status_code == 403
    assert caseworker.post(delete, {"version": "1"}).status_code == 403
    campaign.refresh_from_db()
    assert campaign.name == "16 days"
