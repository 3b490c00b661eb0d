"""Job advertisements: red flags give a risk band, the archived copy is hashed and
encrypted, the status moves on, alerts show where a phone, payment detail or agency
appears again, and each organisation keeps its own ads."""

import hashlib
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.models import AuditEntry
from apps.monitoring import services
from apps.monitoring.models import JobAd
from apps.monitoring.services import save_agency, save_job_ad

REVOKED = {
    "name": "Silk Road Staffing",
    "licence_number": "LIC-2019-077",
    "licence_status": "revoked",
    "countries": ["RU"],
}
AD = {
    "source_type": "messenger",
    "source_name": "Work in Moscow (channel)",
    "captured_on": date(2026, 11, 20),
    "text": "Warehouse work in Moscow, 150 000 rubles, we pay the ticket",
    "promised_job": "Warehouse worker",
    "country": "RU",
    "pay": "150 000 RUB a month",
    "phones": ["+996 700 111 222"],
    "payment_details": ["4169 5853 1111 2222"],
    "red_flags": ["fees_charged", "travel_paid_as_debt", "passport_handed_over"],
}


@pytest.fixture
def monitor(org, make_member):
    return make_member(org, "monitor")


@pytest.fixture
def revoked_agency(monitor):
    return save_agency(membership=monitor, data=dict(REVOKED))


def test_ad_of_a_revoked_agency_scores_high_risk(monitor, revoked_agency):
    ad = save_job_ad(membership=monitor, data={**AD, "red_flags": [], "agency": revoked_agency})
    # The revoked licence alone adds the "unlicensed agency" flag.
    assert ad.red_flags == ["unlicensed_agency"] and ad.risk_band == "medium"
    ad = save_job_ad(membership=monitor, data={**AD, "agency": revoked_agency.pk})
    assert ad.risk_band == "high" and ad.risk_score == 3 + 3 + 3 + 4
    assert "unlicensed_agency" in ad.red_flags
    low = save_job_ad(membership=monitor, data={**AD, "red_flags": ["vague_employer"]})
    assert (low.risk_band, low.risk_score) == ("low", 1)


def test_the_screens_record_an_ad_with_its_archive(client, login, monitor, revoked_agency):
    login(monitor)
    content = b"%PDF-1.4 fictitious screenshot of the ad"
    r = client.post(
        "/agencies/job-ads/new/",
        {
            **{k: v for k, v in AD.items() if k not in ("phones", "payment_details")},
            "captured_on": "2026-11-20",
            "phones": "+996 700 111 222\n0700 333 444",
            "payment_details": "4169 5853 1111 2222",
            "agency": revoked_agency.pk,
            "archive": SimpleUploadedFile("ad.pdf", content, "application/pdf"),
        },
    )
    assert r.status_code == 302, r.content.decode()[-3000:]
    ad = JobAd.objects.get()
    assert ad.phones == ["+996 700 111 222", "0700 333 444"]
    assert ad.archive_sha256 == hashlib.sha256(content).hexdigest()
    stored = (Path(settings.MEDIA_ROOT) / ad.archive_storage).read_bytes()
    assert content not in stored  # encrypted on disk
    page = client.get(f"/agencies/job-ads/{ad.pk}/").content.decode()
    assert ad.archive_sha256 in page and "Licence revoked" in page
    assert 'id="risk-band">high' in page
    listed = client.get("/agencies/job-ads/", {"band": "high"}).content.decode()
    assert f"/agencies/job-ads/{ad.pk}/" in listed and "Warehouse worker" in listed
    download = client.get(f"/agencies/job-ads/{ad.pk}/archive/")
    assert download.status_code == 200 and download.content == content
    assert AuditEntry.objects.filter(target_type="jobad", action="export").exists()


def test_bad_input_comes_back_with_what_was_typed(client, login, monitor):
    login(monitor)
    r = client.post(
        "/agencies/job-ads/new/",
        {"source_type": "messenger", "captured_on": "2099-01-01", "promised_job": "Cook abroad",
         "phones": "not a phone", "text": "Kitchen job"},
    )  # fmt: skip
    assert r.status_code == 400
    page = r.content.decode()
    assert "The date cannot be in the future." in page
    assert "Cook abroad" in page and not JobAd.objects.exists()


def test_oversized_archive_is_refused(monitor, monkeypatch):
    monkeypatch.setattr(services, "MAX_ARCHIVE_BYTES", 10)
    with pytest.raises(services.ValidationError):
        save_job_ad(membership=monitor, data=dict(AD),
                    archive=SimpleUploadedFile("big.png", b"x" * 11, "image/png"))  # fmt: skip
    assert not JobAd.objects.exists()


def test_status_workflow_and_linking_to_a_case(org, make_member, make_person, make_case, monitor):
    operator = make_member(org, "operator")
    ad = save_job_ad(membership=monitor, data=dict(AD))
    services.change_job_ad_status(membership=monitor, job_ad=ad, status="reported")
    assert ad.status == "reported"
    case = make_case(operator, make_person(operator))
    # A monitor opens no cases, so cannot link one; an operator can.
    with pytest.raises(services.NotAllowed):
        services.change_job_ad_status(membership=monitor, job_ad=ad, status="linked", case=case)
    services.change_job_ad_status(membership=operator, job_ad=ad, status="linked", case=case)
    ad.refresh_from_db()
    assert (ad.status, ad.case_id) == ("linked", case.pk)


def test_alerts_inside_the_organisation_and_known_elsewhere(
    org, other_org, make_member, make_person, make_case, monitor, revoked_agency
):
    from apps.monitoring.alerts import alerts_for_job_ad

    caseworker = make_member(org, "case_worker")
    victim = make_person(caseworker, phones=["0700111222"])  # the ad's phone, typed otherwise
    case = make_case(caseworker, victim)
    first = save_job_ad(membership=monitor, data={**AD, "agency": revoked_agency})
    second = save_job_ad(
        membership=monitor,
        data={**AD, "phones": [], "payment_details": ["4169-5853-1111-2222"], "agency": None},
    )
    found = alerts_for_job_ad(monitor, first)
    places = {(a.what, a.where, a.record_id) for a in found.inside}
    assert ("phone", "case", case.pk) in places
    assert ("payment", "job_ad", second.pk) in places
    assert not found.known_elsewhere
    # A monitor cannot open the case: told where, without a link.
    assert all(a.url is None for a in found.inside if a.where == "case")

    other_monitor = make_member(other_org, "monitor")
    theirs = save_job_ad(membership=other_monitor, data={**AD, "payment_details": []})
    mine = alerts_for_job_ad(monitor, first)
    assert mine.known_elsewhere
    # Nothing of the other organisation's ad is named.
    assert theirs.pk not in {a.record_id for a in mine.inside if a.where == "job_ad"}
    theirs_alerts = alerts_for_job_ad(other_monitor, theirs)
    assert theirs_alerts.known_elsewhere
    assert {a.where for a in theirs_alerts.inside} <= {"job_ad"}


def test_markers_hold_no_plaintext(monitor):
    ad = save_job_ad(membership=monitor, data=dict(AD))
    values = [str(v) for m in ad.markers.all() for v in (m.key, m.network_key)]
    assert values and not any("700111222" in v or "4169" in v for v in values)


def test_other_organisation_gets_404_and_weaker_role_403(
    client, login, org, other_org, make_member, monitor
):
    ad = save_job_ad(membership=monitor, data=dict(AD))
    login(make_member(other_org, "monitor"))
    for url in (f"/agencies/job-ads/{ad.pk}/", f"/agencies/job-ads/{ad.pk}/edit/",
                f"/agencies/job-ads/{ad.pk}/archive/", f"/api/v1/job-ads/{ad.pk}/"):  # fmt: skip
        r = client.get(url)
        assert r.status_code == 404, url
        assert b"Warehouse" not in r.content
    assert client.get("/api/v1/job-ads/").json()["results"] == []
    login(make_member(org, "case_worker"))  # reads the register, captures no ads
    for url in ("/agencies/job-ads/", f"/agencies/job-ads/{ad.pk}/", "/api/v1/job-ads/",
                f"/api/v1/job-ads/{ad.pk}/"):  # fmt: skip
        r = client.get(url)
        assert r.status_code == 403, url
        assert b"Warehouse" not in r.content


def test_api_creates_scores_and_moves_an_ad(client, login, monitor, revoked_agency):
    login(monitor)
    body = {**AD, "captured_on": "2026-11-20", "agency": revoked_agency.pk}
    r = client.post("/api/v1/job-ads/", body, content_type="application/json")
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["risk_band"] == "high" and "unlicensed_agency" in data["red_flags"]
    r = client.post(
        f"/api/v1/job-ads/{data['id']}/archive/",
        {"archive": SimpleUploadedFile("ad.png", b"png bytes", "image/png")},
    )
    assert r.status_code == 200, r.content
    assert r.json()["archive_sha256"] == hashlib.sha256(b"png bytes").hexdigest()
    r = client.post(f"/api/v1/job-ads/{data['id']}/status/", {"status": "taken_down"},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 200 and r.json()["status"] == "taken_down"
    r = client.post("/api/v1/job-ads/", {**body, "red_flags": ["nonsense"]},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 400
    listed = client.get("/api/v1/job-ads/?risk_band=high").json()["results"]
    assert [a["id"] for a in listed] == [data["id"]]


def test_statistics_count_ads_by_risk_band(org, other_org, make_member, monitor, revoked_agency):
    from apps.monitoring.statistics_tables import count_job_ads_by_risk_band
    from apps.statistics.report import ReportScope

    save_job_ad(membership=monitor, data={**AD, "agency": revoked_agency})
    save_job_ad(membership=monitor, data={**AD, "red_flags": []})
    save_job_ad(membership=monitor, data={**AD, "red_flags": [], "captured_on": date(2025, 1, 1)})
    save_job_ad(membership=make_member(other_org, "monitor"), data=dict(AD))
    scope = ReportScope(date(2026, 1, 1), date(2026, 12, 31), (org.pk,), disclosure_control=False)
    cells = count_job_ads_by_risk_band(scope).cells
    assert dict(cells) == {("high",): 1, ("low",): 1}
    assert (
        sum(cells.values())
        == JobAd.objects.filter(organization=org, captured_on__year=2026).count()
    )


def test_a_call_with_the_ads_phone_or_agency_raises_an_alert(
    org, make_member, monitor, revoked_agency
):
    from apps.hotline.services import save_call
    from apps.monitoring.alerts import alerts_for_agency, alerts_for_job_ad

    operator = make_member(org, "operator")
    call = save_call(
        membership=operator,
        finish=True,
        data={
            "caller_category": "person_concerned",
            "topics": ["labour_migration"],
            "outcome": "advice",
            "caller_phone": "0700 111 222",
            "agency": revoked_agency,
        },
    )
    ad = save_job_ad(membership=monitor, data={**AD, "agency": revoked_agency})
    places = {(a.what, a.where, a.record_id) for a in alerts_for_job_ad(monitor, ad).inside}
    assert {("phone", "call", call.pk), ("agency", "call", call.pk)} <= places
    # The operator may open the call; the monitor is told its number only.
    assert any(a.url for a in alerts_for_agency(operator, revoked_agency).inside)
    assert not any(a.url for a in alerts_for_agency(monitor, revoked_agency).inside
                   if a.where == "call")  # fmt: skip
