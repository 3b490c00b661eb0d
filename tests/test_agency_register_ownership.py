"""The shared agency register: an organisation edits only the entries it entered; every
organisation adds reports and comments; licence status changes are a dated history with
who made them."""

import pytest

from apps.monitoring.models import AgencyReport, RecruitmentAgency
from apps.monitoring.services import save_agency

ENTRY = {
    "name": "Jumush Plus",
    "licence_number": "LIC-2020-001",
    "licence_status": "licensed",
    "countries": ["RU"],
}


@pytest.fixture
def monitor_a(org, make_member):
    return make_member(org, "monitor")


@pytest.fixture
def monitor_b(other_org, make_member):
    return make_member(other_org, "monitor")


@pytest.fixture
def agency(monitor_a):
    return save_agency(membership=monitor_a, data=dict(ENTRY))


def test_other_organisation_cannot_edit_the_entry_on_screen(client, login, monitor_b, agency):
    login(monitor_b)
    assert client.get(f"/agencies/{agency.pk}/edit/").status_code in (403, 404)
    r = client.post(
        f"/agencies/{agency.pk}/edit/",
        {**ENTRY, "countries": ["RU"], "name": "Renamed by B", "licence_status": "unknown"},
    )
    assert r.status_code in (403, 404)
    agency.refresh_from_db()
    assert agency.name == "Jumush Plus" and agency.licence_status == "licensed"


def test_other_organisation_cannot_edit_the_entry_through_the_api(client, login, monitor_b, agency):
    login(monitor_b)
    r = client.patch(
        f"/api/v1/agencies/{agency.pk}/",
        {"name": "Renamed by B", "licence_status": "revoked"},
        content_type="application/json",
    )
    assert r.status_code in (403, 404)
    agency.refresh_from_db()
    assert agency.name == "Jumush Plus" and agency.licence_status == "licensed"
    assert agency.status_changes.count() == 1


def test_other_organisation_adds_a_report_on_screen_and_through_the_api(
    client, login, monitor_b, agency
):
    login(monitor_b)
    r = client.post(
        f"/agencies/{agency.pk}/reports/",
        {"kind": "report", "body": "Took passports of three workers in Kazan."},
    )
    assert r.status_code == 302
    r = client.post(
        f"/api/v1/agencies/{agency.pk}/reports/",
        {"kind": "comment", "body": "Still advertising on Instagram."},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    reports = AgencyReport.objects.filter(agency=agency)
    assert reports.count() == 2
    assert {r.organization_id for r in reports} == {monitor_b.organization_id}
    page = client.get(f"/agencies/{agency.pk}/").content.decode()
    assert "Took passports of three workers in Kazan." in page


def test_a_hotline_case_worker_may_add_a_comment(client, login, other_org, make_member, agency):
    worker = make_member(other_org, "case_worker")
    login(worker)
    r = client.post(
        f"/api/v1/agencies/{agency.pk}/reports/",
        {"body": "A caller said they charge a fee."},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content


def test_status_history_lists_both_changes_with_dates_and_users(
    client, login, monitor_a, monitor_b, agency
):
    login(monitor_a)
    r = client.patch(
        f"/api/v1/agencies/{agency.pk}/",
        {"licence_status": "revoked"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    r = client.post(
        f"/agencies/{agency.pk}/edit/",
        {**ENTRY, "licence_status": "unlicensed"},
    )
    assert r.status_code == 302, r.content
    history = client.get(f"/api/v1/agencies/{agency.pk}/").json()["status_history"]
    assert [(h["old_status"], h["new_status"]) for h in history] == [
        ("revoked", "unlicensed"),
        ("licensed", "revoked"),
        ("", "licensed"),
    ]
    assert all(h["changed_at"] and h["changed_by"] == monitor_a.user.email for h in history)
    # Every organisation reads the history on the agency's page.
    login(monitor_b)
    page = client.get(f"/agencies/{agency.pk}/").content.decode()
    table = page.split('id="status-history"', 1)[1].split("</table>", 1)[0]
    assert table.count(monitor_a.user.email) == 3
    assert "revoked" in table.lower() and "unlicensed" in table.lower()


def test_the_owner_still_edits_its_entry(client, login, monitor_a, agency):
    login(monitor_a)
    r = client.post(f"/agencies/{agency.pk}/edit/", {**ENTRY, "city": "Osh"})
    assert r.status_code == 302
    assert RecruitmentAgency.objects.get(pk=agency.pk).city == "Osh"
