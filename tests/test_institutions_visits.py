"""The register of closed institutions, visits with access denied, observations,
interviews with consent, checklists per visit type, recommendations with the authority's
responses, and the page of repeated unimplemented recommendations."""

import datetime

import pytest

from apps.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def monitor(org, make_member):
    return make_member(org, "monitor")


@pytest.fixture
def centre(monitor):
    from apps.institutions import services

    return services.add_institution(
        membership=monitor,
        data={"name": "СИЗО-1", "kind": "pre_trial_detention", "region": "bishkek",
              "capacity": 450, "population": 600},
    )  # fmt: skip


def _visit(monitor, centre, **data):
    from apps.institutions import services

    return services.record_visit(
        membership=monitor,
        institution=centre,
        data={"kind": "ad_hoc", "visited_on": datetime.date(2026, 5, 4), "access": "granted",
              **data},
    )  # fmt: skip


def test_monitor_adds_an_institution_to_the_register(monitor, login):
    from apps.institutions.models import Institution

    c = login(monitor)
    r = c.post(
        "/institutions/",
        {"name": "ИВС Октябрьского района", "kind": "temporary_detention", "region": "bishkek",
         "capacity": "40", "population": "55"},
    )  # fmt: skip
    assert r.status_code == 302
    assert Institution.objects.get().organization == monitor.organization
    assert "ИВС Октябрьского района" in c.get("/institutions/").content.decode()


def test_impossible_numbers_are_refused_and_the_form_keeps_the_input(monitor, login):
    from apps.institutions.models import Institution

    r = login(monitor).post(
        "/institutions/",
        {"name": "Колония №47", "kind": "penal_colony", "capacity": "-5",
         "population": "99999999999"},
    )  # fmt: skip
    assert r.status_code == 400
    assert "Колония №47" in r.content.decode()
    assert not Institution.objects.exists()


def test_visit_with_access_partly_denied_must_say_who_and_why(monitor, centre, login):
    from apps.institutions.models import Visit

    c = login(monitor)
    url = f"/institutions/{centre.pk}/visits/"
    post = {"kind": "ad_hoc", "visited_on": "2026-05-04", "access": "partial",
            "team": "Айбек, Нургүл"}  # fmt: skip
    r = c.post(url, post)
    assert r.status_code == 400
    page = r.content.decode()
    assert "Say who denied access." in page and "Айбек, Нургүл" in page
    r = c.post(url, {**post, "denied_by": "Deputy head", "denial_reason": "Quarantine"})
    assert r.status_code == 302
    visit = Visit.objects.get()
    assert r["Location"] == f"/institutions/visits/{visit.pk}/"
    page = c.get(r["Location"]).content.decode()
    assert "access partly denied" in page and "Quarantine" in page


def test_visit_in_the_future_is_refused(monitor, centre, login):
    r = login(monitor).post(
        f"/institutions/{centre.pk}/visits/",
        {"kind": "in_depth", "visited_on": "2999-05-04", "access": "granted"},
    )
    assert r.status_code == 400


def test_observations_and_interviews_with_consent(monitor, centre, login):
    from apps.institutions.models import Interview

    visit = _visit(monitor, centre)
    c = login(monitor)
    r = c.post(
        f"/institutions/visits/{visit.pk}/observations/",
        {"topic": "medical_care", "text": "No doctor on duty"},
    )
    assert r.status_code == 302
    r = c.post(
        f"/institutions/visits/{visit.pk}/interviews/",
        {"given_name": "Улан", "family_name": "Садыров", "category": "detainee", "consent": "on"},
    )
    assert r.status_code == 302
    interview = Interview.objects.get()
    assert interview.consent and interview.person.family_name == "Садыров"
    assert interview.person.organization == monitor.organization
    page = c.get(f"/institutions/visits/{visit.pk}/").content.decode()
    assert "No doctor on duty" in page and "Садыров Улан" in page
    seen = AuditEntry.objects.filter(action="view", target_type="person", actor=monitor.user)
    assert any(interview.person_id in e.detail["shown"] for e in seen)


def test_checklist_questions_are_typed_per_visit_type(monitor, centre, login):
    from apps.institutions.models import ChecklistAnswer

    c = login(monitor)
    c.post("/institutions/checklist/", {"text": "Doctor on arrival?", "answer_type": "yes_no"})
    c.post(
        "/institutions/checklist/",
        {"text": "Detainees in cell 14", "answer_type": "number", "visit_kind": "ad_hoc"},
    )
    c.post(
        "/institutions/checklist/",
        {"text": "Polling station layout", "answer_type": "choice", "visit_kind": "thematic",
         "choices": "accessible\nnot accessible"},
    )  # fmt: skip
    r = c.post("/institutions/checklist/", {"text": "Colour", "answer_type": "choice"})
    assert r.status_code == 400 and "at least two choices" in r.content.decode()
    visit = _visit(monitor, centre)
    page = c.get(f"/institutions/visits/{visit.pk}/").content.decode()
    assert "Doctor on arrival?" in page and "Detainees in cell 14" in page
    assert "Polling station layout" not in page  # another visit type
    q1, q2 = [f"q{q.pk}" for q in visit.institution.organization.checklist_questions.all()[:2]]
    r = c.post(f"/institutions/visits/{visit.pk}/checklist/", {q1: "no", q2: "-3"})
    assert r.status_code == 400
    r = c.post(f"/institutions/visits/{visit.pk}/checklist/", {q1: "no", q2: "12"})
    assert r.status_code == 302
    assert sorted(a.value for a in ChecklistAnswer.objects.all()) == ["12", "no"]


def test_recommendation_response_history_and_repeated_at_a_glance(monitor, centre, login):
    from apps.institutions.models import Recommendation

    visit = _visit(monitor, centre)
    c = login(monitor)
    r = c.post(
        f"/institutions/visits/{visit.pk}/recommendations/",
        {"kind": "post_visit", "text": "Hire a doctor", "addressee": "Penitentiary Service",
         "made_on": "2026-05-05", "deadline": "2026-08-01"},
    )  # fmt: skip
    assert r.status_code == 302
    first = Recommendation.objects.get()
    r = c.post(
        f"/institutions/recommendations/{first.pk}/",
        {"on": "2026-06-01", "status": "accepted", "response": "Budget requested"},
    )
    assert r.status_code == 302
    r = c.post(
        f"/institutions/recommendations/{first.pk}/",
        {"on": "2026-04-01", "status": "implemented"},
    )
    assert r.status_code == 400  # before the recommendation was made
    r = c.post(
        "/institutions/recommendations/",
        {"kind": "urgent", "text": "Hire a doctor now", "addressee": "Penitentiary Service",
         "made_on": "2026-09-01", "repeats": first.pk},
    )  # fmt: skip
    assert r.status_code == 302
    second = Recommendation.objects.exclude(pk=first.pk).get()
    assert second.repeats == first and second.status == "no_response"
    first.refresh_from_db()
    assert first.status == "accepted"
    page = c.get("/institutions/recommendations/").content.decode()
    # At a glance: the latest of the chain, made twice, still waiting.
    repeated = page.split('id="repeated"')[1].split("</table>")[0]
    assert f">R-{second.pk}</a>" in repeated and "<strong>2</strong>" in repeated
    assert f">R-{first.pk}</a> Hire" not in repeated
    detail = c.get(f"/institutions/recommendations/{first.pk}/").content.decode()
    assert "Budget requested" in detail


def test_deadline_before_the_recommendation_is_refused(monitor, login):
    r = login(monitor).post(
        "/institutions/recommendations/",
        {"kind": "thematic", "text": "Stop solitary confinement", "addressee": "Ministry",
         "made_on": "2026-05-05", "deadline": "2026-01-01"},
    )  # fmt: skip
    assert r.status_code == 400
    assert "Stop solitary confinement" in r.content.decode()


def test_monitor_of_another_organisation_gets_404(monitor, centre, other_org, make_member, login):
    from apps.institutions import services

    visit = _visit(monitor, centre, summary="Секретное наблюдение")
    rec = services.add_recommendation(
        membership=monitor, data={"kind": "urgent", "text": "X", "addressee": "Y", "visit": visit}
    )
    c = login(make_member(other_org, "monitor"))
    for url in (
        f"/institutions/{centre.pk}/",
        f"/institutions/visits/{visit.pk}/",
        f"/institutions/recommendations/{rec.pk}/",
        f"/api/v1/institutions/{centre.pk}/",
        f"/api/v1/visits/{visit.pk}/",
        f"/api/v1/recommendations/{rec.pk}/",
    ):
        r = c.get(url)
        assert r.status_code == 404, url
        assert "Секретное" not in r.content.decode()
    assert "СИЗО-1" not in c.get("/institutions/").content.decode()
    assert c.get("/api/v1/visits/").json()["results"] == []
    r = c.post(f"/institutions/visits/{visit.pk}/observations/", {"topic": "other", "text": "x"})
    assert r.status_code == 404


def test_case_worker_gets_403(centre, caseworker, login):
    c = login(caseworker)
    for url in (
        "/institutions/",
        f"/institutions/{centre.pk}/",
        "/institutions/recommendations/",
        "/institutions/checklist/",
        "/api/v1/institutions/",
        "/api/v1/visits/",
        "/api/v1/recommendations/",
    ):
        r = c.get(url)
        assert r.status_code == 403, url
        assert "СИЗО-1" not in r.content.decode()


def test_checklist_is_read_and_answered_through_the_api(
    monitor, centre, login, org, other_org, make_member
):
    from apps.institutions import services
    from apps.institutions.models import ChecklistAnswer

    doctor = services.add_checklist_question(
        membership=monitor, data={"text": "Doctor on arrival?", "answer_type": "yes_no"}
    )
    cells = services.add_checklist_question(
        membership=monitor,
        data={"text": "Detainees in cell 14", "answer_type": "number", "visit_kind": "ad_hoc"},
    )
    visit = _visit(monitor, centre)
    url = f"/api/v1/visits/{visit.pk}/checklist/"
    c = login(monitor)
    items = c.get(f"/api/v1/visits/{visit.pk}/").json()["checklist"]
    assert [(i["question"], i["answer"]) for i in items] == [(doctor.pk, ""), (cells.pk, "")]

    bad = {"answers": [{"question": doctor.pk, "value": "maybe"},
                       {"question": cells.pk, "value": "12"}]}  # fmt: skip
    r = c.post(url, bad, content_type="application/json")
    assert r.status_code == 400 and "Answer yes or no." in r.content.decode()
    assert not ChecklistAnswer.objects.exists()  # nothing saved when one answer is wrong
    r = c.post(url, {"answers": [{"question": 999999, "value": "x"}]},
               content_type="application/json")  # fmt: skip
    assert r.status_code == 400

    good = {"answers": [{"question": doctor.pk, "value": "no"},
                        {"question": cells.pk, "value": "12"}]}  # fmt: skip
    r = c.post(url, good, content_type="application/json")
    assert r.status_code == 200
    assert {i["question"]: i["answer"] for i in r.json()} == {doctor.pk: "no", cells.pk: "12"}
    assert AuditEntry.objects.filter(
        action="change", target_type="visit", target_id=str(visit.pk)
    ).exists()

    # Another organisation does not find the visit; a weaker role is refused.
    login(make_member(other_org, "monitor"), c)
    assert c.get(f"/api/v1/visits/{visit.pk}/").status_code == 404
    r = c.post(url, good, content_type="application/json")
    assert r.status_code == 404 and b"12" not in r.content
    login(make_member(org, "lawyer"), c)
    assert c.post(url, good, content_type="application/json").status_code == 403
