"""The proceeding's own records in the API (/api/v1/proceedings/{id}/...): documents,
victims and witnesses with contact attempts, protection requests, compensation and the
timeline; written through the same services, scoped (another organisation 404, a role
without legal work 403) and audited."""

# The shared fixtures of tests/legal_fixtures.py are imported by name, then used as
# arguments, which ruff takes for redefinitions.
# ruff: noqa: F811

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.models import AuditEntry
from apps.legal import services
from tests.legal_fixtures import (  # noqa: F401
    days_ago,
    lawyer,
    legal_reference,
    proceeding,
    torture_case,
)

pytestmark = pytest.mark.django_db
JSON = "application/json"
SECRET = "Witness Жылдыз fears the recruiter's brother"
RECORDS = ("documents", "participants", "protection", "compensation", "timeline")


@pytest.fixture
def filled(lawyer, proceeding):
    stage = services.add_stage(membership=lawyer, proceeding=proceeding,
                               data={"stage_type": "investigation", "started_on": days_ago(30)})  # fmt: skip
    services.attach_document(membership=lawyer, stage=stage, kind="decision",
                             uploaded_file=SimpleUploadedFile(f"{SECRET}.pdf", b"%PDF secret"))  # fmt: skip
    services.add_participant(membership=lawyer, proceeding=proceeding,
                             data={"name": SECRET, "role": "witness"})  # fmt: skip
    services.add_timeline_entry(membership=lawyer, proceeding=proceeding,
                                happened_on=days_ago(2), text=SECRET)  # fmt: skip
    return proceeding


def test_lawyer_adds_and_lists_the_records_of_a_proceeding(filled, lawyer, login):
    c = login(lawyer)
    base = f"/api/v1/proceedings/{filled.pk}"
    r = c.post(f"{base}/participants/", {"name": "Айгуль (victim)", "role": "victim"},
               content_type=JSON)  # fmt: skip
    assert r.status_code == 201, r.content
    participant = r.json()["id"]
    r = c.post(f"{base}/participants/{participant}/contacts/",
               {"tried_on": days_ago(1).isoformat(), "channel": "phone", "reached": True},
               content_type=JSON)  # fmt: skip
    assert r.status_code == 201, r.content
    listed = c.get(f"{base}/participants/").json()
    victim = next(p for p in listed if p["id"] == participant)
    assert victim["contact_attempts"][0]["reached"] is True
    assert {p["name"] for p in listed} == {SECRET, "Айгуль (victim)"}

    r = c.post(f"{base}/protection/", {"measure": "closed_hearing",
               "requested_on": days_ago(3).isoformat()}, content_type=JSON)  # fmt: skip
    assert r.status_code == 201 and r.json()["status"] == "requested"
    r = c.post(f"{base}/compensation/", {"event": "awarded", "amount": "150000.00",
               "currency": "KGS", "on": days_ago(4).isoformat()}, content_type=JSON)  # fmt: skip
    assert r.status_code == 201, r.content
    assert c.get(f"{base}/compensation/").json()[0]["amount"] == "150000.00"

    first = c.get(f"{base}/timeline/").json()[0]
    r = c.post(f"{base}/timeline/", {"happened_on": days_ago(2).isoformat(),
               "text": "Correction: the date", "corrects": first["id"]}, content_type=JSON)  # fmt: skip
    assert r.status_code == 201 and r.json()["corrects"] == first["id"]
    # The corrected entry stays as it was.
    assert [e["text"] for e in c.get(f"{base}/timeline/").json()] == [
        SECRET,
        "Correction: the date",
    ]

    stage = filled.stages.get().pk
    r = c.post(f"{base}/stages/{stage}/documents/",
               {"kind": "complaint", "file": SimpleUploadedFile("appeal.pdf", b"%PDF appeal")})  # fmt: skip
    assert r.status_code == 201, r.content
    documents = c.get(f"{base}/documents/").json()
    assert [d["kind"] for d in documents] == ["decision", "complaint"]
    r = c.get(f"{base}/documents/{documents[1]['id']}/")
    assert (
        r.status_code == 200
        and b"".join(r.streaming_content if r.streaming else [r.content]) == b"%PDF appeal"
    )


def test_bad_input_is_refused_with_a_clear_message(filled, lawyer, login):
    c = login(lawyer)
    base = f"/api/v1/proceedings/{filled.pk}"
    r = c.post(f"{base}/compensation/", {"event": "paid", "amount": "-5", "currency": "KGS",
               "on": days_ago(1).isoformat()}, content_type=JSON)  # fmt: skip
    assert r.status_code == 400 and "amount" in r.json()
    r = c.post(f"{base}/participants/", {"role": "witness"}, content_type=JSON)
    assert r.status_code == 400 and "name" in r.json()
    r = c.post(f"{base}/timeline/", {"happened_on": days_ago(-30).isoformat(), "text": "x"},
               content_type=JSON)  # fmt: skip
    assert r.status_code == 400
    r = c.post(f"{base}/participants/999999/contacts/",
               {"tried_on": days_ago(1).isoformat(), "channel": "phone"}, content_type=JSON)  # fmt: skip
    assert r.status_code == 404


@pytest.mark.parametrize("record", RECORDS)
def test_other_organisation_gets_404_and_weaker_role_403(filled, other_org, make_member,
                                                         caseworker, login, record):  # fmt: skip
    url = f"/api/v1/proceedings/{filled.pk}/{record}/"
    # Documents are added under their stage, the rest where they are listed.
    stage = filled.stages.get().pk
    post_url = f"/api/v1/proceedings/{filled.pk}/stages/{stage}/documents/"
    outsider = login(make_member(other_org, "lawyer"))
    posted = outsider.post(post_url if record == "documents" else url, {}, content_type=JSON)
    for response in (outsider.get(url), posted):
        assert response.status_code == 404
        assert SECRET not in response.content.decode()
    response = login(caseworker).get(url)
    assert response.status_code == 403
    assert SECRET not in response.content.decode()


def test_reads_are_audited_without_identifying_detail(filled, lawyer, login):
    c = login(lawyer)
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    for record in RECORDS:
        assert c.get(f"/api/v1/proceedings/{filled.pk}/{record}/").status_code == 200
    entries = list(AuditEntry.objects.filter(id__gt=last, action="view"))
    kinds = {e.target_type for e in entries}
    assert {"stagedocument", "participant", "timelineentry"} <= kinds
    for e in entries:
        assert SECRET not in str(e.detail)


def test_schema_documents_the_proceeding_records(lawyer, login):
    body = login(lawyer).get("/api/schema/").content.decode()
    for record in RECORDS:
        assert f"/api/v1/proceedings/{{id}}/{record}/" in body
    assert "/api/v1/proceedings/{id}/participants/{participant_id}/contacts/" in body


def test_decisions_on_participants_protection_and_custody(filled, lawyer, login):
    c = login(lawyer)
    base = f"/api/v1/proceedings/{filled.pk}"
    witness = filled.participants.get().pk
    r = c.post(f"{base}/participants/{witness}/stop/",
               {"stopped_on": days_ago(1).isoformat()}, content_type=JSON)  # fmt: skip
    assert r.status_code == 200 and r.json()["takes_part"] is False
    item = c.post(f"{base}/protection/", {"measure": "interpreter",
                  "requested_on": days_ago(5).isoformat()}, content_type=JSON).json()["id"]  # fmt: skip
    r = c.post(f"{base}/protection/{item}/decision/", {"status": "granted",
               "decided_on": days_ago(6).isoformat()}, content_type=JSON)  # fmt: skip
    assert r.status_code == 400 and "decided_on" in r.json()
    r = c.post(f"{base}/protection/{item}/decision/", {"status": "granted",
               "decided_by": "Investigator", "decided_on": days_ago(2).isoformat()},
               content_type=JSON)  # fmt: skip
    assert r.status_code == 200 and r.json()["status"] == "granted"
    defendant = services.add_defendant(membership=lawyer, proceeding=filled, data={"name": "Y"})
    r = c.post(f"{base}/defendants/{defendant.pk}/custody/", {"custody_status": "detained",
               "verified_on": days_ago(1).isoformat()}, content_type=JSON)  # fmt: skip
    assert r.status_code == 200
    assert [h["custody_status"] for h in r.json()["custody_history"]] == ["detained"]
    for url in (f"{base}/defendants/999999/custody/", f"{base}/protection/999999/decision/",
                f"{base}/participants/999999/stop/"):  # fmt: skip
        assert c.post(url, {}, content_type=JSON).status_code == 404


def test_other_organisation_cannot_record_decisions(filled, other_org, make_member, login):
    base = f"/api/v1/proceedings/{filled.pk}"
    witness = filled.participants.get().pk
    outsider = login(make_member(other_org, "lawyer"))
    r = outsider.post(f"{base}/participants/{witness}/stop/",
                      {"stopped_on": days_ago(1).isoformat()}, content_type=JSON)  # fmt: skip
    assert r.status_code == 404 and SECRET not in r.content.decode()
    assert filled.participants.get().takes_part is True
