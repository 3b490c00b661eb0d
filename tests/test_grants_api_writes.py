"""Budget lines, spending, event links, per-period targets and hand-entered results
(with their evidence) through the REST API: the same services and checks as the grant's
page, scoped to the organisation and to MANAGE_GRANTS."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.core.models import AuditEntry
from apps.grants import services
from apps.grants.models import GrantEvent, ManualResult, PeriodTarget, Spending
from apps.prevention import services as prevention
from apps.prevention.services import Attendance


@pytest.fixture
def me_officer(org, make_member):
    return make_member(org, "me_officer")


def _event(membership, title, day):
    return prevention.record_event(
        membership=membership,
        data={
            "event_type": "training",
            "title": title,
            "starts_on": day,
            "ends_on": day,
            "region": "osh",
            "materials_distributed": 0,
        },
        attendance=Attendance(total=20, by_sex={"F": 12, "M": 8}),
    )


@pytest.fixture
def grant(me_officer):
    donor = services.create_donor(membership=me_officer, name="Demo Foundation")
    grant = services.create_grant(
        membership=me_officer,
        donor=donor,
        reference="G-API",
        title="Safe migration",
        amount=1000,
        currency="USD",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
    )
    for code, source in (("P1", "people_reached"), ("M1", "manual")):
        indicator = services.create_indicator(
            membership=me_officer, code=code, name=code, source=source
        )
        services.use_indicator(membership=me_officer, grant=grant, indicator=indicator)
    return grant


def url(grant, tail):
    return f"/api/v1/grants/{grant.pk}/{tail}/"


def post(client, path, data):
    return client.post(path, data, content_type="application/json")


def test_budget_lines_and_spending(grant, me_officer, login):
    c = login(me_officer)
    r = post(c, url(grant, "budget-lines"), {"name": "Trainers", "amount": "600"})
    assert r.status_code == 201, r.content
    line_id = r.json()["id"]
    # Lines together may not exceed the grant's 1000.
    r = post(c, url(grant, "budget-lines"), {"name": "Too much", "amount": "500"})
    assert r.status_code == 400 and "amount" in r.json()
    r = post(c, url(grant, "budget-lines"), {"name": "Negative", "amount": "-5"})
    assert r.status_code == 400
    r = post(
        c,
        url(grant, "spending"),
        {"budget_line": line_id, "spent_on": "2026-03-02", "amount": "120.50"},
    )
    assert r.status_code == 201, r.content
    assert Spending.objects.get().amount == 120.5
    r = post(
        c,
        url(grant, "spending"),
        {"budget_line": line_id, "spent_on": "2027-03-02", "amount": "10"},
    )
    assert r.status_code == 400 and "spent_on" in r.json()
    r = post(
        c, url(grant, "spending"), {"budget_line": 99999, "spent_on": "2026-03-02", "amount": "1"}
    )
    assert r.status_code == 400 and "budget_line" in r.json()


def test_event_links_and_targets_feed_the_results(grant, me_officer, login):
    c = login(me_officer)
    inside = _event(me_officer, "Training in Osh", datetime.date(2026, 5, 4))
    outside = _event(me_officer, "Last year", datetime.date(2025, 5, 4))
    r = post(c, url(grant, "events"), {"event": inside.pk})
    assert r.status_code == 201, r.content
    r = post(c, url(grant, "events"), {"event": outside.pk})
    assert r.status_code == 400  # outside the grant's period
    r = post(
        c,
        url(grant, "targets"),
        {"indicator": "P1", "period_from": "2026-04-01", "period_to": "2026-06-30", "target": 50},
    )
    assert r.status_code == 201, r.content
    r = post(
        c,
        url(grant, "targets"),
        {"indicator": "P1", "period_from": "2026-06-30", "period_to": "2026-04-01", "target": 5},
    )
    assert r.status_code == 400
    r = post(
        c,
        url(grant, "targets"),
        {"indicator": "NOPE", "period_from": "2026-04-01", "period_to": "2026-06-30", "target": 5},
    )
    assert r.status_code == 400 and "indicator" in r.json()
    rows = c.get(
        f"/api/v1/indicator-results/?grant={grant.pk}&period_from=2026-04-01&period_to=2026-06-30"
    ).json()
    p1 = next(row for row in rows if row["indicator"] == "P1")
    assert p1["value"] == "20.00" and p1["target"] == "50.00"
    assert PeriodTarget.objects.count() == 1
    r = c.delete(url(grant, f"events/{inside.pk}"))
    assert r.status_code == 204
    assert not GrantEvent.objects.exists()
    assert c.delete(url(grant, f"events/{inside.pk}")).status_code == 404


def test_manual_result_needs_evidence_and_keeps_it_encrypted(grant, me_officer, login):
    c = login(me_officer)
    base = {"indicator": "M1", "period_from": "2026-04-01", "period_to": "2026-06-30"}
    r = c.post(url(grant, "manual-results"), {**base, "value": "7"})
    assert r.status_code == 400 and "evidence" in r.json()
    evidence = SimpleUploadedFile("minutes.txt", b"Seven women elected to the council")
    r = c.post(
        url(grant, "manual-results"),
        {**base, "value": "7", "breakdown": '{"sex": {"F": 7}}', "evidence": evidence},
    )
    assert r.status_code == 201, r.content
    assert r.json()["breakdown"] == {"sex": {"F": 7}}
    result = ManualResult.objects.get()
    assert result.value == 7 and result.evidence_storage
    assert services.read_evidence(membership=me_officer, result=result).startswith(b"Seven")
    r = c.post(
        url(grant, "manual-results"),
        {**base, "value": "7", "breakdown": '{"sex": {"F": 9}}'},
    )
    assert r.status_code == 400  # the breakdown exceeds the value
    r = c.post(url(grant, "manual-results"), {**base, "indicator": "P1", "value": "7"})
    assert r.status_code == 400  # a computed indicator takes no hand-entered result
    assert AuditEntry.objects.filter(
        target_type="manualresult", action=AuditEntry.Action.CREATE
    ).exists()


def test_other_organisation_gets_404_and_weaker_role_403(grant, org, other_org, make_member, login):
    stranger = login(make_member(other_org, "me_officer"))
    paths = [
        (url(grant, "budget-lines"), {"name": "X", "amount": "1"}),
        (url(grant, "spending"), {"budget_line": 1, "spent_on": "2026-03-02", "amount": "1"}),
        (url(grant, "events"), {"event": 1}),
        (
            url(grant, "targets"),
            {
                "indicator": "P1",
                "period_from": "2026-04-01",
                "period_to": "2026-06-30",
                "target": 1,
            },
        ),
        (url(grant, "manual-results"), {"indicator": "M1", "value": "1"}),
    ]
    for path, data in paths:
        r = post(stranger, path, data)
        assert r.status_code == 404, (path, r.status_code)
        assert "G-API" not in r.content.decode()
    assert stranger.delete(url(grant, "events/1")).status_code == 404
    caseworker_client = login(make_member(org, "case_worker"), Client())
    for path, data in paths:
        assert post(caseworker_client, path, data).status_code == 403, path
    assert caseworker_client.delete(url(grant, "events/1")).status_code == 403
    assert not Spending.objects.exists() and not PeriodTarget.objects.exists()


def test_openapi_schema_passes_with_the_new_endpoints(me_officer, login):
    text = login(me_officer).get("/api/schema/").content.decode()
    for tail in ("budget-lines", "spending", "events", "targets", "manual-results"):
        assert f"/api/v1/grants/{{id}}/{tail}/" in text
