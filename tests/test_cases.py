"""Case work: status workflow, notes, tasks, attachments, consent."""

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.cases.models import Attachment, CaseStatus


def _status(client, case, status, reason=""):
    case.refresh_from_db()
    return client.post(
        f"/cases/{case.pk}/status/",
        {"status": status, "closure_reason": reason, "version": case.version},
    )


def test_status_workflow_with_closing_reason(client, login, caseworker, make_person, make_case):
    case = make_case(caseworker, make_person(caseworker))
    login(caseworker)
    assert _status(client, case, "active").status_code == 302
    refused = _status(client, case, "closed")
    assert refused.status_code == 400
    assert "Choose the reason for closing the case." in refused.content.decode()
    assert _status(client, case, "closed", "goals_achieved").status_code == 302
    case.refresh_from_db()
    assert (
        case.status == CaseStatus.CLOSED
        and case.closed_on
        and case.closure_reason == "goals_achieved"
    )
    # A closed case can only be reopened.
    assert _status(client, case, "active").status_code == 400
    assert _status(client, case, "reopened").status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REOPENED and case.closed_on is None
    assert case.history.count() >= 4


def test_empty_note_is_refused_and_note_is_shown(client, login, caseworker, make_person, make_case):
    case = make_case(caseworker, make_person(caseworker))
    login(caseworker)
    assert client.post(f"/cases/{case.pk}/notes/", {"body": "   "}).status_code == 400
    client.post(f"/cases/{case.pk}/notes/", {"body": "Needs a lawyer for the wage claim"})
    assert "Needs a lawyer for the wage claim" in client.get(f"/cases/{case.pk}/").content.decode()


def test_task_appears_on_assignees_dashboard_until_done(client, login, org, make_member, caseworker,
                                                      make_person, make_case):  # fmt: skip
    lawyer = make_member(org, "lawyer")
    case = make_case(caseworker, make_person(caseworker))
    login(caseworker)
    r = client.post(f"/cases/{case.pk}/tasks/", {"title": "Prepare the court appeal",
                                                "due_on": "2027-01-10", "assigned_to": lawyer.user_id})  # fmt: skip
    assert r.status_code == 302
    login(lawyer)
    assert "Prepare the court appeal" in client.get("/").content.decode()
    task = case.tasks.get()
    client.post(f"/cases/{case.pk}/tasks/{task.pk}/done/", {"next": "dashboard"})
    assert "Prepare the court appeal" not in client.get("/").content.decode()


def test_bad_task_date_keeps_the_title(client, login, caseworker, make_person, make_case):
    case = make_case(caseworker, make_person(caseworker))
    login(caseworker)
    r = client.post(
        f"/cases/{case.pk}/tasks/", {"title": "Visit the family", "due_on": "2027-02-31"}
    )
    assert r.status_code == 400
    assert 'value="Visit the family"' in r.content.decode()


def test_attachment_is_stored_encrypted_and_downloads_intact(
    client, login, caseworker, make_person, make_case
):
    case = make_case(caseworker, make_person(caseworker))
    login(caseworker)
    content = "Labour contract of Айгүл, signed in Moscow".encode()
    upload = SimpleUploadedFile("contract.txt", content, content_type="text/plain")
    assert client.post(f"/cases/{case.pk}/attachments/", {"file": upload}).status_code == 302
    att = Attachment.objects.get()
    on_disk = (Path(settings.MEDIA_ROOT) / att.storage_name).read_bytes()
    assert content not in on_disk and b"contract" not in on_disk
    download = client.get(f"/cases/{case.pk}/attachments/{att.pk}/")
    assert download.status_code == 200 and download.content == content


def test_a_long_file_name_keeps_its_start_and_extension(
    client, login, caseworker, make_person, make_case
):
    case = make_case(caseworker, make_person(caseworker))
    login(caseworker)
    name = "Labour contract " + "x" * 250 + ".pdf"
    upload = SimpleUploadedFile(name, b"%PDF-1.4", content_type="application/pdf")
    assert client.post(f"/cases/{case.pk}/attachments/", {"file": upload}).status_code == 302
    stored = Attachment.objects.get().filename
    assert len(stored) == 200
    assert stored.startswith("Labour contract ") and stored.endswith("….pdf")


def test_consent_recorded_and_withdrawn(client, login, caseworker, make_person):
    person = make_person(caseworker)
    login(caseworker)
    client.post(f"/people/{person.pk}/consents/", {"scope": "referral", "given_on": "2026-11-01"})
    consent = person.consents.get()
    assert consent.in_force and consent.recorded_by == caseworker.user
    client.post(f"/people/{person.pk}/consents/{consent.pk}/withdraw/", {"confirmed": "yes"})
    consent.refresh_from_db()
    assert not consent.in_force and consent.withdrawn_by == caseworker.user
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "withdrawn on" in page


def test_hidden_name_shows_only_the_code_in_lists(
    client, login, caseworker, make_person, make_case
):
    person = make_person(caseworker, hide_name=True)
    make_case(caseworker, person, assigned_to=caseworker.user)
    login(caseworker)
    for url in ("/", "/cases/", "/people/"):
        body = client.get(url).content.decode()
        assert person.code in body and "Төлөнбаева" not in body, url
