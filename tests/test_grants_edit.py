"""Editing and deleting grants and indicators: audited, scoped, refused when someone
saved in between (the typed input comes back), deletion only while nothing is linked."""

import datetime

import pytest

from apps.core.models import AuditEntry
from apps.grants import services
from apps.grants.models import Grant, Indicator


@pytest.fixture
def me_officer(org, make_member):
    return make_member(org, "me_officer")


@pytest.fixture
def grant(me_officer):
    donor = services.create_donor(membership=me_officer, name="Demo Foundation")
    return services.create_grant(
        membership=me_officer,
        donor=donor,
        reference="G-1",
        title="Safe migration",
        amount=1000,
        currency="USD",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
    )


@pytest.fixture
def indicator(me_officer):
    return services.create_indicator(
        membership=me_officer, code="P1", name="People reached", source="people_reached"
    )


def grant_form(**changes):
    data = {
        "donor_name": "Demo Foundation",
        "reference": "G-1",
        "title": "Safe migration",
        "amount": "1000",
        "currency": "USD",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "version": "1",
    }
    return {**data, **changes}


def test_grant_edit_saves_audits_and_refuses_a_stale_or_bad_edit(grant, me_officer, login):
    c = login(me_officer)
    page = c.get(f"/grants/{grant.pk}/edit/")
    assert page.status_code == 200 and "Safe migration" in page.content.decode()
    r = c.post(f"/grants/{grant.pk}/edit/", grant_form(title="Safe migration, phase 2"))
    assert r.status_code == 302
    grant.refresh_from_db()
    assert grant.title == "Safe migration, phase 2" and grant.version == 2
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.CHANGE, target_type="grant").get()
    assert entry.detail["fields"] == ["title"]  # names of the fields, not their values
    # The same form again (version 1): someone saved in between.
    r = c.post(f"/grants/{grant.pk}/edit/", grant_form(title="Typed over"))
    assert r.status_code == 400 and "Typed over" in r.content.decode()
    grant.refresh_from_db()
    assert grant.title == "Safe migration, phase 2"
    r = c.post(f"/grants/{grant.pk}/edit/", grant_form(ends_on="2025-01-01", version="2"))
    assert r.status_code == 400 and 'value="2025-01-01"' in r.content.decode()


def test_grant_amount_and_period_must_keep_fitting_what_hangs_on_it(grant, me_officer, login):
    services.add_budget_line(membership=me_officer, grant=grant, name="Trainers", amount=800)
    c = login(me_officer)
    r = c.post(f"/grants/{grant.pk}/edit/", grant_form(amount="500"))
    assert r.status_code == 400
    line = grant.budget_lines.get()
    services.record_spending(
        membership=me_officer, budget_line=line, spent_on=datetime.date(2026, 11, 1), amount=10
    )
    r = c.post(f"/grants/{grant.pk}/edit/", grant_form(ends_on="2026-06-30"))
    assert r.status_code == 400
    grant.refresh_from_db()
    assert grant.amount == 1000 and grant.ends_on == datetime.date(2026, 12, 31)


def test_grant_is_deleted_only_while_nothing_is_linked(grant, indicator, me_officer, login):
    c = login(me_officer)
    services.use_indicator(membership=me_officer, grant=grant, indicator=indicator)
    r = c.post(f"/grants/{grant.pk}/delete/", {"version": "1"})
    assert r.status_code == 302 and Grant.objects.filter(pk=grant.pk).exists()
    grant.indicator_uses.all().delete()
    r = c.post(f"/grants/{grant.pk}/delete/", {"version": "1"})
    assert r.status_code == 302 and not Grant.objects.filter(pk=grant.pk).exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DELETE, target_type="grant").exists()


def test_indicator_edit_and_delete(indicator, grant, me_officer, login):
    c = login(me_officer)
    assert c.get(f"/grants/indicators/{indicator.pk}/edit/").status_code == 200
    data = {
        "code": "P1",
        "name": "People reached by events",
        "unit": "people",
        "direction": "increase",
        "source": "people_reached",
        "disaggregation": ["sex"],
        "version": "1",
    }
    r = c.post(f"/grants/indicators/{indicator.pk}/edit/", data)
    assert r.status_code == 302
    indicator.refresh_from_db()
    assert indicator.name == "People reached by events" and indicator.disaggregation == ["sex"]
    r = c.post(f"/grants/indicators/{indicator.pk}/edit/", {**data, "name": "Stale"})
    assert r.status_code == 400 and "Stale" in r.content.decode()
    services.create_indicator(membership=me_officer, code="P2", name="Other", source="manual")
    r = c.post(f"/grants/indicators/{indicator.pk}/edit/", {**data, "code": "P2", "version": "2"})
    assert r.status_code == 400  # the code is taken
    services.use_indicator(membership=me_officer, grant=grant, indicator=indicator)
    c.post(f"/grants/indicators/{indicator.pk}/delete/", {"version": "2"})
    assert Indicator.objects.filter(pk=indicator.pk).exists()  # a grant uses it
    grant.indicator_uses.all().delete()
    c.post(f"/grants/indicators/{indicator.pk}/delete/", {"version": "2"})
    assert not Indicator.objects.filter(pk=indicator.pk).exists()


def test_other_organisation_404_and_weaker_role_403(
    grant, indicator, org, other_org, make_member, login
):
    from django.test import Client

    stranger = login(make_member(other_org, "me_officer"))
    caseworker = login(make_member(org, "case_worker"), Client())
    urls = [
        f"/grants/{grant.pk}/edit/",
        f"/grants/indicators/{indicator.pk}/edit/",
    ]
    for url in urls:
        r = stranger.get(url)
        assert r.status_code == 404 and "Safe migration" not in r.content.decode()
        assert caseworker.get(url).status_code == 403
    for url in (f"/grants/{grant.pk}/delete/", f"/grants/indicators/{indicator.pk}/delete/"):
        assert stranger.post(url, {"version": "1"}).status_code == 404
        assert caseworker.post(url, {"version": "1"}).status_code == 403
    assert Grant.objects.filter(pk=grant.pk).exists()
    assert Indicator.objects.filter(pk=indicator.pk).exists()
