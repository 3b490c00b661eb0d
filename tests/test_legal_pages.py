"""The legal pages as a lawyer uses them: the case list with its filters, victims and
witnesses with contact attempts, custody updates, stage documents, settings."""

# The shared fixtures of tests/legal_fixtures.py are imported by name, then used as
# arguments, which ruff takes for redefinitions.
# ruff: noqa: F811

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.core.models import AuditEntry
from apps.legal import services
from apps.legal.models import Article, ContactAttempt, Participant
from tests.legal_fixtures import (  # noqa: F401
    days_ago,
    lawyer,
    legal_admin,
    legal_reference,
    proceeding,
    torture_case,
)

pytestmark = pytest.mark.django_db


def test_case_list_shows_next_hearing_and_deadline_and_filters(lawyer, proceeding, login,
                                                              make_person, make_case):  # fmt: skip
    services.add_stage(membership=lawyer, proceeding=proceeding,
                       data={"stage_type": "investigation", "started_on": days_ago(20)})  # fmt: skip
    services.schedule_hearing(
        membership=lawyer, proceeding=proceeding,
        data={"starts_at": timezone.now() + timedelta(days=4), "court": "Ноокат районный суд"},
    )  # fmt: skip
    defendant = services.add_defendant(membership=lawyer, proceeding=proceeding,
                                       data={"name": "X"})  # fmt: skip
    article = Article.objects.get(edition="2021", number="166")
    services.add_charge(membership=lawyer, defendant=defendant, article=article)
    other_case = make_case(
        lawyer, make_person(lawyer, given_name="Динара"), assigned_to=lawyer.user
    )
    other = services.open_proceeding(membership=lawyer, case=other_case,
                                     data={"kind": "civil", "client_role": "civil_plaintiff",
                                           "opened_on": days_ago(3)})  # fmt: skip
    c = login(lawyer)
    body = c.get("/legal/").content.decode()
    assert proceeding.reference in body and other.reference in body
    for query in ("stage=investigation", f"article={article.pk}", "court=Ноокат"):
        body = c.get(f"/legal/?{query}").content.decode()
        assert proceeding.reference in body, query
        assert other.reference not in body, query
    body = c.get(f"/legal/?lawyer={lawyer.user.pk}").content.decode()
    assert proceeding.reference in body and other.reference in body


def test_victims_and_witnesses_with_contact_attempts(lawyer, proceeding, login, make_person):
    c = login(lawyer)
    url = f"/legal/proceedings/{proceeding.pk}"
    r = c.post(f"{url}/participants/", {"participant-role": "witness"})
    assert r.status_code == 400 and "Give a person&#x27;s code or a name" in r.content.decode()
    c.post(f"{url}/participants/", {"participant-role": "witness", "participant-name": "Соседка"})
    witness = Participant.objects.get()
    hearing = services.schedule_hearing(
        membership=lawyer, proceeding=proceeding,
        data={"starts_at": timezone.now() + timedelta(days=4), "court": "Court"},
    )  # fmt: skip
    r = c.post(
        f"{url}/participants/{witness.pk}/contacts/",
        {f"contact-{witness.pk}-tried_on": days_ago(1).isoformat(),
         f"contact-{witness.pk}-channel": "phone", f"contact-{witness.pk}-hearing": hearing.pk},
    )  # fmt: skip
    assert r.status_code == 302
    attempt = ContactAttempt.objects.get()
    assert attempt.hearing == hearing and attempt.reached is False
    c.post(f"{url}/participants/{witness.pk}/stop/",
           {f"stop-{witness.pk}-stopped_on": days_ago(0).isoformat()})  # fmt: skip
    witness.refresh_from_db()
    assert witness.takes_part is False
    body = c.get(f"{url}/").content.decode()
    assert "Соседка" in body and "not reached" in body and "no longer takes part" in body


def test_custody_status_with_the_day_it_was_verified(lawyer, proceeding, login):
    defendant = services.add_defendant(membership=lawyer, proceeding=proceeding,
                                       data={"name": "X"})  # fmt: skip
    r = login(lawyer).post(
        f"/legal/proceedings/{proceeding.pk}/defendants/{defendant.pk}/custody/",
        {f"custody-{defendant.pk}-custody_status": "detained",
         f"custody-{defendant.pk}-verified_on": "2099-01-01"},
    )  # fmt: skip
    assert r.status_code == 400 and "in the future" in r.content.decode()
    login(lawyer).post(
        f"/legal/proceedings/{proceeding.pk}/defendants/{defendant.pk}/custody/",
        {f"custody-{defendant.pk}-custody_status": "detained",
         f"custody-{defendant.pk}-verified_on": "2025-03-01"},
    )  # fmt: skip
    defendant.refresh_from_db()
    assert (defendant.custody_status, defendant.custody_verified_on) == (
        "detained",
        date(2025, 3, 1),
    )


def test_stage_document_download_is_audited_and_scoped(lawyer, proceeding, login, other_org,
                                                       make_member):  # fmt: skip
    stage = services.add_stage(membership=lawyer, proceeding=proceeding,
                               data={"stage_type": "complaint", "started_on": days_ago(5)})  # fmt: skip
    doc = services.attach_document(
        membership=lawyer, stage=stage, kind="complaint",
        uploaded_file=SimpleUploadedFile("жалоба.pdf", b"%PDF complaint", "application/pdf"),
    )  # fmt: skip
    url = f"/legal/proceedings/{proceeding.pk}/documents/{doc.pk}/"
    r = login(lawyer).get(url)
    assert r.status_code == 200 and r.content == b"%PDF complaint"
    assert AuditEntry.objects.filter(action="export", target_type="stagedocument").exists()
    outsider = make_member(other_org, "lawyer")
    assert login(outsider).get(url).status_code == 404


def test_settings_are_the_admins(lawyer, legal_admin, login):
    assert login(lawyer).get("/legal/settings/").status_code == 403
    c = login(legal_admin)
    assert c.get("/legal/settings/").status_code == 200
    c.post("/legal/settings/", {"feed_shows_client_names": "on"})
    from apps.legal.selectors import feed_shows_client_names

    assert feed_shows_client_names(legal_admin.organization_id)


def test_case_list_shows_median_time_per_stage_of_visible_proceedings_only(
    lawyer, proceeding, login, org, make_member, legal_reference
):  # fmt: skip
    for started, ended in ((60, 50), (40, 20), (30, 0)):
        services.add_stage(membership=lawyer, proceeding=proceeding, data={
            "stage_type": "investigation", "started_on": days_ago(started),
            "ended_on": days_ago(ended)})  # fmt: skip
    # A stage still running does not count.
    services.add_stage(membership=lawyer, proceeding=proceeding,
                       data={"stage_type": "indictment", "started_on": days_ago(5)})  # fmt: skip
    from apps.legal import selectors

    durations = selectors.median_days_per_stage(lawyer)
    assert [(d.stage_type, d.median_days, d.stages) for d in durations] == [
        ("investigation", 20, 3)
    ]
    body = login(lawyer).get("/legal/").content.decode()
    assert 'id="stage-durations"' in body
    # A lawyer who sees none of these proceedings gets no figures from them.
    colleague = make_member(org, "lawyer", email="colleague.lawyer@test.example")
    assert selectors.median_days_per_stage(colleague) == []
    assert 'id="stage-durations"' not in login(colleague).get("/legal/").content.decode()


def test_custody_changes_are_kept_as_a_dated_history(lawyer, proceeding, login):
    defendant = services.add_defendant(membership=lawyer, proceeding=proceeding, data={
        "name": "X", "custody_status": "wanted", "custody_verified_on": date(2025, 1, 10)})  # fmt: skip
    services.update_custody(membership=lawyer, defendant=defendant, custody_status="detained",
                            verified_on=date(2025, 3, 1))  # fmt: skip
    # An older verification entered late goes into the history, not over the newer one.
    services.update_custody(membership=lawyer, defendant=defendant, custody_status="at_large",
                            verified_on=date(2025, 2, 1))  # fmt: skip
    defendant.refresh_from_db()
    assert (defendant.custody_status, defendant.custody_verified_on) == (
        "detained", date(2025, 3, 1)
    )  # fmt: skip
    history = [(c.verified_on, c.custody_status) for c in defendant.custody_history.all()]
    assert history == [(date(2025, 1, 10), "wanted"), (date(2025, 2, 1), "at_large"),
                       (date(2025, 3, 1), "detained")]  # fmt: skip
    c = login(lawyer)
    body = c.get(f"/legal/proceedings/{proceeding.pk}/").content.decode()
    shown = body.split('class="custody-history"')[1].split("</details>")[0]
    assert "Custody history" in shown
    assert shown.index("wanted") < shown.index("at large") < shown.index("detained")
    api = c.get(f"/api/v1/proceedings/{proceeding.pk}/").json()
    assert [h["custody_status"] for h in api["defendants"][0]["custody_history"]] == [
        "wanted", "at_large", "detained"
    ]  # fmt: skip
