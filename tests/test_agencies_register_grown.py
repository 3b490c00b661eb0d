"""The grown agency register: suspended licences beside the old codes, contacts,
dated complaints, links to cases seen only by the linking organisation, and the
hotline's look-up showing a revoked licence clearly."""

from datetime import date

import pytest

from apps.monitoring import services
from apps.monitoring.models import AgencyLink, LicenceStatus
from apps.monitoring.services import save_agency

ENTRY = {
    "name": "Silk Road Staffing",
    "licence_number": "LIC-2019-077",
    "licence_status": "licensed",
    "countries": ["RU"],
}


@pytest.fixture
def monitor(org, make_member):
    return make_member(org, "monitor")


@pytest.fixture
def agency(monitor):
    return save_agency(membership=monitor, data=dict(ENTRY))


def test_status_history_with_suspended_and_the_old_codes(monitor, agency):
    for status in ("suspended", "revoked", "unlicensed"):
        save_agency(membership=monitor, agency=agency, data={"licence_status": status})
    history = [(c.old_status, c.new_status) for c in agency.status_changes.all()]
    assert history == [
        ("revoked", "unlicensed"),
        ("suspended", "revoked"),
        ("licensed", "suspended"),
        ("", "licensed"),
    ]
    assert set(LicenceStatus.values) >= {"licensed", "suspended", "revoked", "unlicensed"}
    with pytest.raises(services.ValidationError):
        save_agency(membership=monitor, data={"name": "X", "licence_status": "suspended"})


def test_hotline_lookup_shows_a_revoked_licence(client, login, org, make_member, monitor, agency):
    save_agency(membership=monitor, agency=agency, data={"licence_status": "revoked"})
    login(make_member(org, "operator"))
    r = client.get("/agencies/lookup/", {"q": "silk road"})
    page = r.content.decode()
    assert r.status_code == 200
    assert "Silk Road Staffing" in page
    assert "Licence revoked: this agency may not recruit." in page


def test_contacts_only_by_the_entering_organisation(client, login, other_org, make_member,
                                                    monitor, agency):  # fmt: skip
    login(monitor)
    r = client.post(f"/agencies/{agency.pk}/contacts/",
                    {"kind": "social", "value": "t.me/silkroad_jobs"})  # fmt: skip
    assert r.status_code == 302
    r = client.post(f"/agencies/{agency.pk}/contacts/", {"kind": "phone", "value": "call me"})
    assert r.status_code == 400 and "This is not a phone number." in r.content.decode()
    assert "call me" in r.content.decode()
    login(make_member(other_org, "monitor"))
    r = client.post(f"/agencies/{agency.pk}/contacts/", {"kind": "website", "value": "x.example"})
    assert r.status_code == 403
    assert [c.value for c in agency.contacts.all()] == ["t.me/silkroad_jobs"]
    data = client.get(f"/api/v1/agencies/{agency.pk}/").json()
    assert data["contacts"] == [
        {"id": agency.contacts.get().pk, "kind": "social", "value": "t.me/silkroad_jobs",
         "official": False}
    ]  # fmt: skip


def test_dated_complaint_from_another_organisation(client, login, other_org, make_member, agency):
    login(make_member(other_org, "monitor"))
    r = client.post(f"/agencies/{agency.pk}/reports/",
                    {"kind": "complaint", "body": "Took 800 USD and vanished",
                     "occurred_on": "2026-10-02"})  # fmt: skip
    assert r.status_code == 302
    report = agency.reports.get()
    assert (report.kind, report.occurred_on) == ("complaint", date(2026, 10, 2))
    r = client.post(f"/agencies/{agency.pk}/reports/",
                    {"kind": "complaint", "body": "x", "occurred_on": "2099-01-01"})  # fmt: skip
    assert r.status_code == 400 and "The date cannot be in the future." in r.content.decode()


def test_case_links_are_seen_only_inside_the_linking_organisation(
    client, login, org, other_org, make_member, make_person, make_case, monitor, agency
):
    operator = make_member(org, "operator")
    case = make_case(operator, make_person(operator))
    login(operator)
    r = client.post(f"/agencies/{agency.pk}/links/", {"case": case.pk, "note": "Recruited her"})
    assert r.status_code == 302
    assert AgencyLink.objects.get().organization_id == org.pk
    assert client.get(f"/api/v1/agencies/{agency.pk}/").json()["linked_cases"] == [case.pk]
    page = client.get(f"/agencies/{agency.pk}/").content.decode()
    assert f"/cases/{case.pk}/" in page

    # The monitor of the same organisation is told how many, not which.
    login(monitor)
    page = client.get(f"/agencies/{agency.pk}/").content.decode()
    assert "Linked to 1 case of your organisation" in page and f"/cases/{case.pk}/" not in page
    assert client.get(f"/api/v1/agencies/{agency.pk}/").json()["linked_cases"] == []
    assert client.post(f"/agencies/{agency.pk}/links/", {"case": case.pk}).status_code == 403

    # Another organisation sees the agency, not the link; nor can it link to our case.
    other_operator = make_member(other_org, "operator")
    login(other_operator)
    page = client.get(f"/agencies/{agency.pk}/").content.decode()
    assert "Recruited her" not in page and f"/cases/{case.pk}/" not in page
    assert "Not linked to any case of your organisation." in page
    assert "Known elsewhere: contact the monitor network." in page
    assert client.get(f"/api/v1/agencies/{agency.pk}/").json()["linked_cases"] == []
    r = client.post(f"/agencies/{agency.pk}/links/", {"case": case.pk})
    assert r.status_code == 400 and AgencyLink.objects.count() == 1


def test_weaker_role_gets_403_on_register_pages(client, login, org, make_member, agency):
    login(make_member(org, "lawyer"))
    for url in (f"/agencies/{agency.pk}/", f"/agencies/{agency.pk}/contacts/",
                f"/agencies/{agency.pk}/links/", f"/api/v1/agencies/{agency.pk}/"):  # fmt: skip
        r = client.get(url)
        assert r.status_code == 403, url
        assert b"LIC-2019-077" not in r.content


def test_statistics_agencies_by_licence_status(org, other_org, make_member, monitor, agency):
    from apps.monitoring.statistics_tables import count_agencies_by_licence_status
    from apps.statistics.report import ReportScope

    save_agency(membership=monitor, agency=agency, data={"licence_status": "revoked"})
    services.add_agency_report(membership=monitor, agency=agency, kind="complaint", body="Fee")
    save_agency(membership=monitor, data={"name": "Never Licensed Ltd",
                                          "licence_status": "unlicensed"})  # fmt: skip
    save_agency(membership=make_member(other_org, "monitor"), data={**ENTRY, "name": "Other"})
    today = date.today()
    scope = ReportScope(date(today.year, 1, 1), today, (org.pk,), disclosure_control=False)
    cells = count_agencies_by_licence_status(scope).cells
    assert dict(cells) == {
        ("revoked", "with_complaints"): 1,
        ("unlicensed", "without_complaints"): 1,
    }
    # Before the agencies were entered, nothing counts.
    before = ReportScope(date(2020, 1, 1), date(2020, 12, 31), (org.pk,), disclosure_control=False)
    assert sum(count_agencies_by_licence_status(before).cells.values()) == 0


def test_api_links_an_agency_to_own_cases_only(
    client, login, org, other_org, make_member, make_person, make_case, monitor, agency
):
    worker = make_member(org, "case_worker")
    case = make_case(worker, make_person(worker))
    login(worker)  # reads the register through the hotline permission, opens cases
    r = client.post(f"/api/v1/agencies/{agency.pk}/links/", {"case": case.pk},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 201 and r.json()["linked_cases"] == [case.pk]
    login(monitor)
    r = client.post(f"/api/v1/agencies/{agency.pk}/links/", {"case": case.pk},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 403
    login(make_member(other_org, "operator"))
    r = client.post(f"/api/v1/agencies/{agency.pk}/links/", {"case": case.pk},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 400 and AgencyLink.objects.count() == 1


def test_contacts_are_corrected_and_removed_by_the_entering_organisation(
    client, login, org, other_org, make_member, monitor, agency
):
    from apps.core.models import AuditEntry
    from apps.monitoring.models import AgencyContact

    contact = services.add_agency_contact(
        membership=monitor, agency=agency, kind="phone", value="+996 555 123 456"
    )
    seen = services.contact_fingerprint(contact)
    edit = f"/agencies/{agency.pk}/contacts/{contact.pk}/edit/"
    delete = f"/agencies/{agency.pk}/contacts/{contact.pk}/delete/"
    # Another organisation and a weaker role may not touch it.
    login(make_member(other_org, "monitor"))
    assert client.post(edit, {"kind": "phone", "value": "+996 555 000 000"}).status_code == 403
    assert client.post(delete).status_code == 403
    login(make_member(org, "lawyer"))
    assert client.post(delete).status_code == 403
    # A contact of another agency is not found through this agency.
    other = save_agency(membership=monitor, data={**ENTRY, "name": "Other", "licence_number": "L2"})
    login(monitor)
    assert client.post(f"/agencies/{other.pk}/contacts/{contact.pk}/delete/").status_code == 404

    page = client.get(f"/agencies/{agency.pk}/").content.decode()
    assert f'id="contact-form-{contact.pk}"' in page
    r = client.post(edit, {"kind": "phone", "value": "not a phone", "seen": seen})
    assert r.status_code == 400 and "not a phone" in r.content.decode()
    r = client.post(edit, {"kind": "phone", "value": "+996 555 654 321", "official": "on",
                           "seen": seen})  # fmt: skip
    assert r.status_code == 302
    contact.refresh_from_db()
    assert (contact.value, contact.official) == ("+996 555 654 321", True)
    # A form opened before that correction is refused, keeping what was typed.
    r = client.post(edit, {"kind": "phone", "value": "+996 700 111 222", "seen": seen})
    assert r.status_code == 400 and "+996 700 111 222" in r.content.decode()
    contact.refresh_from_db()
    assert contact.value == "+996 555 654 321"

    assert client.post(delete).status_code == 302
    assert not AgencyContact.objects.filter(pk=contact.pk).exists()
    actions = set(
        AuditEntry.objects.filter(target_id=str(contact.pk)).values_list("action", flat=True)
    )
    assert {"create", "change", "delete"} <= actions
